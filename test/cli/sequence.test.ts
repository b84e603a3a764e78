import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig, readState } from '../../electron/core/home/layout';
import { runCli as lantern } from '../support/cli';
import { buildSnapshot, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';

let pki: TestPki;
let work: string;
let fhir: string;
// The CLI ingests on the real clock: certificates and snapshots made now.
const now = new Date();

beforeAll(() => {
  pki = makeTestPki({ now });
  work = tempDir('lantern-sequence-');
  ({ fhir } = writeTinyExport(path.join(work, 'export')));
});


const enroll = (home: string, ...extra: string[]) =>
  lantern(['enroll', '--home', home, '--trust', pki.files.ca, '--cert', pki.files.workstationCert(0), '--key', pki.files.workstationKey(0), '--facility', 'GH', '--unit', '4W', ...extra]);

async function snapshot(sequence: number): Promise<string> {
  const out = path.join(work, `seq-${sequence}.lantern`);
  await buildSnapshot({ pki, out, fhirDir: fhir, sequence, asOf: now, now });
  return out;
}

const ingest = async (home: string, sequence: number) => (await lantern(['ingest', await snapshot(sequence), '--home', home])).code;

describe('sequence numbers: the jump limit and resetting the high-water mark', () => {
  it('enroll --max-sequence-jump sets the limit; a step beyond it exits 30 (SEQUENCE_JUMP), a step to it is taken', async () => {
    const home = path.join(work, 'home-jump');
    const enrolled = await enroll(home, '--max-sequence-jump', '10');
    expect(enrolled.code).toBe(0);
    expect(enrolled.out).toMatch(/sequence jump\s+at most 10 above/);
    expect(readConfig(home).limits.maxSequenceJump).toBe(10);
    expect(await ingest(home, 1)).toBe(0);
    const far = await lantern(['ingest', await snapshot(12), '--home', home]);
    expect(far.code).toBe(30);
    expect(far.err).toContain('Snapshot refused (SEQUENCE_JUMP)');
    expect(far.err).toContain('sequence 12, last ingested 1: a step of 11, this home takes at most 10');
    expect(readState(home).highWater['GH']).toBe(1);
    expect(await ingest(home, 11)).toBe(0);
    // Re-enrolling without the option keeps it; a bad value is a usage error.
    expect((await enroll(home)).code).toBe(0);
    expect(readConfig(home).limits.maxSequenceJump).toBe(10);
    expect((await enroll(home, '--max-sequence-jump', '0')).code).toBe(2);
  });

  it('takes any first sequence number of a facility; reset-sequence (with --confirm only) lets the real publisher in again', async () => {
    const home = path.join(work, 'home-reset');
    expect((await enroll(home)).code).toBe(0);
    // A runaway first snapshot: no mark to jump from, so it is taken...
    expect(await ingest(home, Number.MAX_SAFE_INTEGER)).toBe(0);
    // ...and the real publisher's next one is refused.
    expect(await ingest(home, 4121)).toBe(19);
    const state = readFileSync(path.join(home, 'state.json'), 'utf8');

    const dry = await lantern(['reset-sequence', '--home', home, '--facility', 'GH', '--to', '4120']);
    expect(dry.code).toBe(2);
    expect(dry.err).toContain(`This would set the sequence high-water mark of facility GH in ${home} from ${Number.MAX_SAFE_INTEGER} to 4120. Nothing was changed`);
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe(state);
    const wrong = await lantern(['reset-sequence', '--home', home, '--facility', 'OTHER', '--to', '4120', '--confirm']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('This home holds facility "GH", not "OTHER"');
    expect((await lantern(['reset-sequence', '--home', home, '--facility', 'GH', '--to', '-1', '--confirm'])).code).toBe(2);
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe(state);

    const done = await lantern(['reset-sequence', '--home', home, '--facility', 'GH', '--to', '4120', '--confirm']);
    expect(done.code).toBe(0);
    expect(done.out).toContain(`Set the sequence high-water mark of facility GH in ${home} from ${Number.MAX_SAFE_INTEGER} to 4120.`);
    expect(done.out).toContain('from 4121 to 1004120');
    const after = readState(home);
    expect(after.highWater['GH']).toBe(4120);
    expect(after.sequenceResets).toEqual([{ at: expect.any(String), facility: 'GH', from: Number.MAX_SAFE_INTEGER, to: 4120 }]);
    // The snapshot in use stays until the next one comes.
    expect(after.current?.status.sequence).toBe(Number.MAX_SAFE_INTEGER);
    expect((await lantern(['reset-sequence', '--home', home, '--facility', 'GH', '--to', '4120'])).out).toContain('is already 4120; nothing changed');

    expect(await ingest(home, 4121)).toBe(0);
    const last = readState(home);
    expect(last.highWater['GH']).toBe(4121);
    expect(last.sequenceResets).toHaveLength(1);
  });

  it('can set the mark of a fresh home before its first snapshot, so that the first one is capped too', async () => {
    const home = path.join(work, 'home-preset');
    expect((await enroll(home, '--max-sequence-jump', '100')).code).toBe(0);
    const preset = await lantern(['reset-sequence', '--home', home, '--facility', 'GH', '--to', '5000', '--confirm']);
    expect(preset.code).toBe(0);
    expect(preset.out).toContain('from (none) to 5000');
    expect(await ingest(home, 5101)).toBe(30);
    expect(await ingest(home, 4000)).toBe(19);
    expect(await ingest(home, 5100)).toBe(0);
  });
});
