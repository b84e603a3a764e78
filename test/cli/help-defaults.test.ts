import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directConnection } from '../../electron/core/sync/proxy';
import { httpsSettingsFromPolicy } from '../../electron/core/sync/https';
import { readConfig } from '../../electron/core/home/layout';
import { runCli } from '../support/cli';
import { enrollTestHome, makeTestPki, tempDir } from '../support/snapshots';

/** The number a help text gives as the default of an option ("--keep N ... default 2"). */
async function statedDefault(command: string[], option: string): Promise<number> {
  const { out } = await runCli([...command, '--help']);
  const line = out.split('\n').find((l) => l.trimStart().startsWith(option));
  expect(line, `${command.join(' ')} --help describes ${option}`).toBeDefined();
  const m = /default (\d+(?:\.\d+)?)/.exec(line!);
  expect(m, line).not.toBeNull();
  return Number(m![1]);
}

/**
 * What the help says an option defaults to is what the command does without it: each default is
 * written once, so the help cannot drift from it.
 */
describe('the defaults the help gives', () => {
  const work = tempDir('lantern-help-defaults-');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('roster seed: a chain holds as many codes as the help says, when --codes is not given', async () => {
    const stated = await statedDefault(['roster', 'seed'], '--codes');
    const out = path.join(work, 'seed.json');
    expect((await runCli(['roster', 'seed', '--out', out])).code).toBe(0);
    const seed = JSON.parse(readFileSync(out, 'utf8')) as { length: number };
    expect(seed.length).toBe(stated);
  });

  it('enroll: the home keeps as many snapshot databases, and flags data stale as late, as the help says', async () => {
    const home = path.join(work, 'home');
    enrollTestHome(home, makeTestPki({ now: new Date(), dir: path.join(work, 'pki') }));
    const config = readConfig(home);
    expect(config.keepSnapshots).toBe(await statedDefault(['enroll'], '--keep'));
    expect(config.staleAfterMinutes).toBe(await statedDefault(['enroll'], '--stale-after'));
  });

  it('watch: an HTTPS source without an interval is polled as often as the help says', async () => {
    const { intervalMs } = httpsSettingsFromPolicy({ url: 'https://lantern.example.org/4w/pointer.json' }, directConnection);
    expect(intervalMs! / 1000).toBe(await statedDefault(['watch'], 'is checked every --interval'));
  });
});
