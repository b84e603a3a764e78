import { describe, expect, it } from 'vitest';
import { progressLine } from '../../scripts/cli/commands/pull';
import type { PullProgress } from '../../electron/core/publisher/pull/pull';

const base: PullProgress = { phase: 'downloading', serverProgress: null, files: 8, filesDone: 3, bytes: 12 * 1024 * 1024, resources: 25_000, resourcesExpected: 100_000, startedAt: 0 };

describe('lantern pull progress line', () => {
  it.each([
    [{ phase: 'kick-off' } as const, 0, 'pull: starting the export'],
    [{ phase: 'waiting', serverProgress: '40% done' } as const, 0, 'pull: the server is preparing the export (40% done)'],
    [{ phase: 'waiting' } as const, 0, 'pull: the server is preparing the export'],
    // A quarter of the announced resources in 20 s: a minute left.
    [{}, 20_000, 'pull: 3/8 files, 12.0 MB, 25,000 resources, about 60 s left'],
    [{}, 200_000, 'pull: 3/8 files, 12.0 MB, 25,000 resources, about 10 min left'],
    // The manifest gave no counts: no guess at the time left.
    [{ resourcesExpected: null }, 20_000, 'pull: 3/8 files, 12.0 MB, 25,000 resources'],
  ])('%o at %d ms', (over, now, line) => {
    expect(progressLine({ ...base, ...over }, now)).toBe(line);
  });
});
