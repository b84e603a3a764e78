import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LastFailure } from '../../electron/shared/contract';
import { currentFailure, openWorkstation } from '../../electron/core/workstation';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

const failure = (at: string, code = 'ENOSPC'): LastFailure => ({ at, code, message: `${code} sentence`, file: 'a.lantern' });

describe('the failure the app shows', () => {
  it('is the newer of the state’s and the inbox agent’s, unless a snapshot was taken after it', () => {
    const older = failure('2026-03-01T10:00:00.000Z', 'EACCES');
    const newer = failure('2026-03-01T11:00:00.000Z');
    expect(currentFailure(older, newer, null)).toBe(newer);
    expect(currentFailure(newer, older, null)).toBe(newer);
    expect(currentFailure(null, older, null)).toBe(older);
    expect(currentFailure(older, null, '2026-03-01T09:00:00.000Z')).toBe(older);
    expect(currentFailure(null, older, '2026-03-01T10:30:00.000Z')).toBeNull();
    expect(currentFailure(null, null, null)).toBeNull();
  });

  it('reaches the status the renderer reads, with or without an enrolled home', async () => {
    const work = tempDir();
    const clock = () => new Date(AS_OF.getTime() + 60_000);
    const inMemory = failure(new Date(AS_OF.getTime() + 120_000).toISOString());
    const empty = openWorkstation({ model: chartModel, shell: 'preview', version: 't', homeDir: null, demo: false, localFailure: () => inMemory });
    expect(empty.status().lastFailure).toEqual(inMemory);

    const pki = makeTestPki();
    const home = path.join(work, 'home');
    enrollTestHome(home, pki);
    const { fhir } = writeTinyExport(path.join(work, 'export'));
    await buildSnapshot({ pki, out: path.join(work, 's1.lantern'), fhirDir: fhir, sequence: 1 });
    await ingestSnapshot(home, path.join(work, 's1.lantern'), { model: chartModel, clock });
    let agentFailure: LastFailure | null = null;
    const ws = openWorkstation({ shell: 'preview', version: 't', homeDir: home, demo: false, model: chartModel, clock, localFailure: () => agentFailure });
    expect(ws.status().lastFailure).toBeNull();
    agentFailure = inMemory; // after the snapshot was taken: shown
    expect(ws.status().lastFailure).toEqual(inMemory);
    agentFailure = failure(AS_OF.toISOString()); // before it: over
    expect(ws.status().lastFailure).toBeNull();
    ws.home?.close();
  });
});
