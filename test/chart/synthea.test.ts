import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../electron/shared/contract';
import { buildChartDb } from '../support/chart-db';
import { ownerOf } from '../support/export';
import { HAS_SYNTHEA, SYNTHEA_DIR } from '../support/fixtures';

describe.skipIf(!HAS_SYNTHEA)('the Synthea fixture (fhir-synthea-10)', () => {
  // Skipped suites are still collected: the setup below reads the export, so it must not run without it.
  if (!HAS_SYNTHEA) return;
  const manifest = JSON.parse(readFileSync(path.join(SYNTHEA_DIR, 'manifest.json'), 'utf8')) as { output: { type: string; url: string; count: number }[] };
  const expected = new Map<string, Record<string, number>>();
  for (const o of manifest.output) {
    for (const line of readFileSync(path.join(SYNTHEA_DIR, o.url), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as Record<string, unknown>;
      const owner = o.type === 'Patient' ? (r['id'] as string) : ownerOf(r);
      if (!owner) continue;
      const counts = expected.get(owner) ?? {};
      counts[o.type] = (counts[o.type] ?? 0) + 1;
      expected.set(owner, counts);
    }
  }
  const { queries, report } = buildChartDb(SYNTHEA_DIR);

  it('ingests every line: counts per type equal the manifest, nothing malformed or unresolved', () => {
    for (const o of manifest.output) expect(report.counts[o.type] ?? 0, o.type).toBe(o.count);
    expect(report.malformed).toEqual([]);
    expect(report.unresolved).toEqual([]);
  });

  it("gives each patient's chart the count of that patient's resources of each type", () => {
    expect(expected.size).toBe(10);
    for (const [patientId, counts] of expected) {
      const chart = queries.chart({ patientId });
      expect(chart.counts, patientId).toEqual(counts);
      expect(() => CHANNELS.chart.response.parse(chart)).not.toThrow();
    }
  });

  it('shows billing and device types as raw records and maps the clinical ones', () => {
    const all = [...expected.keys()].map((id) => queries.chart({ patientId: id }));
    const rawTypes = new Set(all.flatMap((c) => c.other.map((o) => o.type)));
    expect([...rawTypes].sort()).toEqual(['Claim', 'Device', 'ExplanationOfBenefit', 'ImagingStudy']);
    const withBp = all.find((c) => c.vitals.some((v) => v.code.code === '85354-9' || v.components.length === 2));
    expect(withBp).toBeDefined();
    expect(all.flatMap((c) => c.labs).some((l) => l.numeric !== null && l.unit)).toBe(true);
    expect(all.flatMap((c) => c.medications).every((m) => m.medication.length > 0)).toBe(true);
    expect(all.flatMap((c) => c.careTeam).some((m) => m.name.startsWith('Dr.'))).toBe(true);
    const eob = all.flatMap((c) => c.other).find((o) => o.type === 'ExplanationOfBenefit')!;
    const owner = all.find((c) => c.other.includes(eob))!;
    expect(JSON.parse(queries.record({ patientId: owner.patient.id, type: eob.type, id: eob.id }).json).resourceType).toBe('ExplanationOfBenefit');
  });

  it('finds Synthea patients by name, any order, and by birth date', () => {
    const c = queries.chart({ patientId: [...expected.keys()][0]! });
    const [family, given] = c.patient.name.split(', ');
    const hits = queries.search({ text: `${given!.split(' ')[0]} ${family}`, limit: 5 });
    expect(hits[0]!.id).toBe(c.patient.id);
    expect(queries.search({ text: c.patient.birthDate!, limit: 5 }).map((p) => p.id)).toContain(c.patient.id);
  });
});
