import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { generateHospital } from '../../electron/core/demo';
import { NdjsonLines } from '../../electron/core/snapshot/lines';
import { mapperId } from '../../electron/core/store/content';
import { tempDir } from '../support/snapshots';

/**
 * Workstations take a snapshot's mapped records only from a publisher whose mapper has the
 * same name/revision, so the revision must change whenever the mapping does. This digest of
 * the mapping of a fixed generated hospital is recorded for the current revision.
 */
const RECORDED: Record<string, string> = {
  // 2.2: note HTML read by a parser ("<" and ">" kept, nothing swallowed); the sample hospital's notes read the same.
  'chart/2.2': 'a8dfd6ba83e7abebc7fae36b4214448a437bfa800c0bb7e69b467334ec9f5a09',
  // 2.3: allergy entries say whether they assert "no known allergies" (text-only NKDA too); the row no longer counts them.
  'chart/2.3': '87e4db73d9cb7aa41480553580bc3bdbd017adfbf85e7ff67a0a701c854eb590',
  // 2.4: results carry their flag (interpretation, else range, else "no flag given"); components' ranges count.
  'chart/2.4': '32a0b8879b714523c42cd100800846316d07236ed14d4fe227650b6ae43abfe4',
  // 3.5: item columns with one meaning each (value, active, order_id, ends, location_id, kind, label, schedule, locations); codes are the resource's.
  'chart/3.5': '29b2ab909c9cb2a27186ad14453b96fccfa529fdf5917b7e4db0410784f46f09',
  // 3.6: conditions keep their verificationStatus (refuted and entered-in-error ones are not problems).
  'chart/3.6': '0109a378094d028df695f256131fb7098c526470ca2176d887c55bf8dafd469e',
  // 3.7: administrations keep their statusReason's code (a coded refusal reads "refused").
  'chart/3.7': 'a7f5c8b981f2941158fa6692974f06b6852ec8f593570021bf6b69c227bf82ca',
  // 3.8: results keep their range's low and high as numbers (a trend plot draws them, nothing re-reads the text).
  'chart/3.8': 'b6c34c0fef30b92874cc5109d4a602d4d005089b98ce9da149a10fe6878dd69a',
};

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the chart mapping revision', () => {
  it('names exactly this mapping', async () => {
    const mapper = chartModel.mapper!;
    const dir = path.join(work, 'export');
    await generateHospital({ outDir: dir, beds: 12, units: 2, days: 2, seed: 'mapping-revision', now: new Date('2026-01-15T12:00:00Z') });
    const hash = createHash('sha256');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ndjson')).sort()) {
      const type = name.replace(/\.ndjson$/, '');
      const records: unknown[] = [];
      const lines = new NdjsonLines((buf, start, end, n) => records.push(mapper.map(type, buf.toString('utf8', start, end), n)), () => {
        throw new Error('line too long');
      });
      lines.push(readFileSync(path.join(dir, name)));
      lines.end();
      hash.update(`${name}\n`).update(mapper.pack(records));
    }
    const digest = hash.digest('hex');
    const id = mapperId(mapper);
    expect(
      RECORDED[id],
      `The mapping gives ${digest}, not what revision ${id} recorded. If the mapping changed on purpose, raise ` +
        'MAPPING_REVISION in electron/core/chart/mapper.ts and record the new digest here (if only the generator changed, record it for the same revision).',
    ).toBe(digest);
  });
});
