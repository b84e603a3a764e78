import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { observationValueText, rangeText, testName } from '../../electron/shared/observation-text';
import { buildChartDb } from '../support/chart-db';
import { HAS_SYNTHEA, SYNTHEA_DIR } from '../support/fixtures';

/** Raw UCUM a reader should never see: Cel, mm[Hg], 10*3/uL, kg/m2, {score}. */
const RAW_UCUM = /\bCel\b|\[|\{|10\*|\bm2\b|\bu(L|g|mol)\b/;

/**
 * What a real export sends (the shared Synthea fixture, read in place): blood pressure as a
 * panel with systolic and diastolic components and no value of its own, UCUM units, the LOINC
 * long name as code.text. Each reads the way the vitals table, summary and print show it.
 */
describe.skipIf(!HAS_SYNTHEA)('Synthea results in words (fhir-synthea-10)', () => {
  // Skipped suites are still collected: the setup below reads the export, so it must not run without it.
  if (!HAS_SYNTHEA) return;
  const sent = readFileSync(path.join(SYNTHEA_DIR, 'Observation.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as {
    id: string; code: { coding: Array<{ code: string }> }; component?: Array<{ code: { coding: Array<{ code: string }> }; valueQuantity: { value: number; code: string } }>;
  });
  const { queries } = buildChartDb(SYNTHEA_DIR);
  const charts = [...new Set(readFileSync(path.join(SYNTHEA_DIR, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id))].map((id) =>
    queries.chart({ patientId: id }),
  );
  const results = charts.flatMap((c) => [...c.vitals, ...c.labs]);

  it('reads every blood pressure panel as systolic/diastolic mmHg, from the components it sent', () => {
    const panels = sent.filter((o) => o.code.coding[0]!.code === '85354-9');
    expect(panels.length).toBeGreaterThan(0);
    for (const p of panels) {
      const shown = results.find((r) => r.id === p.id)!;
      const part = (loinc: string) => p.component!.find((c) => c.code.coding[0]!.code === loinc)!.valueQuantity.value;
      expect(shown.value, p.id).toBeNull();
      expect(observationValueText(shown), p.id).toBe(`${part('8480-6')}/${part('8462-4')} mmHg`);
      expect(testName(shown.code).name).toBe('Blood Pressure');
    }
  });

  it('shows every vital and lab with a readable unit and a short name, and no range where none was sent', () => {
    expect(results.length).toBeGreaterThan(100);
    for (const r of results) {
      expect(observationValueText(r), r.id).not.toMatch(RAW_UCUM);
      expect(testName(r.code).name, r.id).not.toMatch(/\[/);
      expect(rangeText(r), r.id).toBe('no range given');
    }
    const temperature = results.find((r) => r.code.code === '8310-5')!;
    expect(observationValueText(temperature)).toBe(`${temperature.value} °C`);
    const wbc = results.find((r) => r.code.code === '6690-2')!;
    expect([testName(wbc.code).name, observationValueText(wbc)]).toEqual(['WBC', `${wbc.value} ×10³/µL`]);
    const egfr = results.find((r) => r.code.code === '33914-3')!;
    expect([testName(egfr.code).name, egfr.flag]).toEqual(['eGFR', 'no-flag-given']);
  });
});
