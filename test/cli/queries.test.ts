import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoHome } from '../../electron/core/demo/home';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import type { Census, Chart, PatientSummary } from '../../electron/shared/contract';
import { runCli as run } from '../support/cli';


describe('lantern search, census and chart over an ingested home', () => {
  let home: string;
  let census: Census;

  beforeAll(async () => {
    home = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-cli-home-')), 'home');
    await ensureDemoHome(home, { protector: keyFileProtector(home, { create: true }), beds: 16, units: 2 });
    const result = await run(['census', '--home', home, '--json']);
    expect(result.code).toBe(0);
    census = JSON.parse(result.out) as Census;
  });

  it('census --json lists beds with two identifiers per patient', () => {
    const occupied = census.beds.filter((b) => b.patient);
    expect(occupied.length).toBeGreaterThan(0);
    for (const bed of occupied) expect(bed.patient).toMatchObject({ name: expect.any(String), mrn: expect.stringMatching(/\S/) });
  });

  it('search --json finds a patient by name and by MRN; the table form shows both identifiers', async () => {
    const patient = census.beds.find((b) => b.patient)!.patient!;
    const family = patient.name.split(',')[0]!;
    const byName = (JSON.parse((await run(['search', family, '--home', home, '--json'])).out) as { patients: PatientSummary[] }).patients;
    expect(byName.map((p) => p.id)).toContain(patient.id);
    const byMrn = (JSON.parse((await run(['search', patient.mrn!, '--home', home, '--json'])).out) as { patients: PatientSummary[] }).patients;
    expect(byMrn[0]).toMatchObject({ id: patient.id, name: patient.name, mrn: patient.mrn, birthDate: patient.birthDate });
    const table = await run(['search', patient.mrn!, '--home', home]);
    expect(table.out).toContain(patient.name);
    expect(table.out).toContain(patient.mrn!);
  });

  it('chart --json carries every section the CLI contract names, with counts and the as-of time', async () => {
    const patient = census.beds.find((b) => b.patient)!.patient!;
    const result = await run(['chart', patient.id, '--home', home, '--json']);
    expect(result.code).toBe(0);
    const chart = JSON.parse(result.out) as Chart;
    for (const key of ['patient', 'allergies', 'conditions', 'medications', 'administrations', 'vitals', 'labs', 'notes', 'orders', 'encounters', 'counts', 'asOf']) {
      expect(chart, key).toHaveProperty(key);
    }
    expect(chart.patient.id).toBe(patient.id);
    expect(chart.counts['Patient']).toBe(1);
    expect(chart.medications.length).toBeGreaterThan(0);
  });

  it('chart prints blood pressure as systolic/diastolic mmHg, units as read, and the test’s short name', async () => {
    const patient = census.beds.find((b) => b.patient)!.patient!;
    const chart = JSON.parse((await run(['chart', patient.id, '--home', home, '--json'])).out) as Chart;
    const out = (await run(['chart', patient.id, '--home', home])).out;
    const bp = chart.vitals.find((v) => v.code.code === '85354-9')!;
    const part = (loinc: string) => bp.components.find((c) => c.code.code === loinc)!.value;
    // The panel as sent: components only, in UCUM.
    expect([bp.value, bp.components[0]!.unit]).toEqual([null, 'mm[Hg]']);
    const vitals = out.slice(out.indexOf('== Vital signs'), out.indexOf('== Labs'));
    expect(vitals).toMatch(new RegExp(`  Blood pressure +${part('8480-6')}/${part('8462-4')} +mmHg  `));
    expect(vitals).toMatch(/ {2}Body temperature +\d+(\.\d)? +°C {2}/);
    expect(out).not.toMatch(/mm\[Hg\]|\bCel\b|10\*3|\{score\}|\[(#|Mass|Moles)/);
    expect(out).toMatch(/ {2}WBC +\d+(\.\d)? +×10³\/µL +4\.5–11 ×10³\/µL {2}/);
  });

  it('says clearly when a patient is not there or the home is not enrolled', async () => {
    const missing = await run(['chart', 'no-such-patient', '--home', home]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/not in this snapshot/);
    const nowhere = await run(['search', 'smith', '--home', path.join(home, 'nope')]);
    expect(nowhere.code).not.toBe(0);
    expect(nowhere.err.split('\n')).toHaveLength(1);
  });
});
