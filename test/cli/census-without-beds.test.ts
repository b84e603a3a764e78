import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Census } from '../../electron/shared/contract';
import { formatDate } from '../../electron/shared/time-text';
import { generatedHome, type E2eHome } from '../e2e/support/homes';
import { runCli as run } from '../support/cli';
import { removeBeds, WALK_IN, type BedlessPatient } from '../support/without-beds';

/** `lantern census` over a home whose export has no bed Locations (support/without-beds.ts). */
describe('lantern census without beds', () => {
  let home: E2eHome;
  let expected: BedlessPatient[];
  beforeAll(async () => {
    home = await generatedHome({ beds: 16, units: 3, edit: (dir) => void (expected = removeBeds(dir)) });
  });
  afterAll(() => home?.close());

  it('lists every patient under its group heading and count, with name, MRN and birth date', async () => {
    const result = await run(['census', '--home', home.dir]);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    const headings = lines.filter((l) => / patients? without a bed\. /.test(l));
    const count = (group: string) => expected.filter((e) => e.group === group).length;
    expect(headings.map((l) => l.split(' — ')[0])).toEqual([
      'Inpatient · Medical ICU', 'Inpatient · no unit recorded', 'Emergency · Emergency Department', 'Ambulatory · no unit recorded', 'No bed recorded',
    ]);
    for (const h of headings) expect(h).toContain(`— ${count(h.split(' — ')[0]!)} patient`);
    for (const p of expected) {
      const line = lines.find((l) => l.includes(p.mrn));
      expect(line, p.name).toBeDefined();
      expect(line).toContain(p.name);
      expect(line).toContain(formatDate(p.birthDate));
      expect(line).toContain(p.room ? `No bed recorded (room ${p.room})` : p.place ? `No bed recorded (${p.place})` : 'No bed recorded');
      // Under its own group's heading: the nearest heading above it.
      const above = lines.slice(0, lines.indexOf(line!)).reverse().find((l) => headings.includes(l));
      expect(above?.split(' — ')[0], p.name).toBe(p.group);
    }
  });

  it('--json carries the groups; a unit names its own and counts the patients with no unit', async () => {
    const all = JSON.parse((await run(['census', '--home', home.dir, '--json'])).out) as Census;
    expect(all.groups.flatMap((g) => g.patients.map((p) => p.id)).sort()).toEqual(expected.map((e) => e.id).sort());
    const icu = await run(['census', '--home', home.dir, '--unit', 'unit-icu']);
    expect(icu.out).toContain('Inpatient · Medical ICU');
    expect(icu.out).not.toContain(WALK_IN.mrn);
    expect(icu.out).toContain(`${expected.filter((e) => e.unitId === null).length} patient(s) with neither a bed nor a unit`);
    const found = await run(['search', WALK_IN.mrn, '--home', home.dir]);
    expect(found.out).toContain('No bed recorded');
  });

  it('lantern chart says where a patient without a bed is in the banner’s words', async () => {
    const walkIn = await run(['chart', WALK_IN.id, '--home', home.dir]);
    expect(walkIn.code).toBe(0);
    expect(walkIn.out).toMatch(/^Location: No bed recorded {3}Attending: /m);
    const inRoom = expected.find((e) => e.room && e.group === 'Inpatient · Medical ICU')!;
    const chart = await run(['chart', inRoom.id, '--home', home.dir]);
    expect(chart.out).toContain(`Location: Medical ICU · No bed recorded (room ${inRoom.room})   Attending: `);
    expect(chart.out).not.toContain('not in a bed');
  });
});
