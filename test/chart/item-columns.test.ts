import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { BEDSIDE, S } from '../../electron/core/chart/codes';
import { generateHospital } from '../../electron/core/demo';
import { buildChartDb, type ChartDb } from '../support/chart-db';

/**
 * The item table's columns each mean one thing (chart/tables.ts): an observation's value, what is
 * in force, an administration's order, a flag's end, an encounter's location, a bedside kind, the
 * resource's code, a display label. And a database written by schema 2, whose generic columns
 * (code, num, link, title, aux) held all of these by section, reads the same.
 */

const ASOF = '2026-03-01T12:00:00Z';
const P = { reference: 'Patient/p1' };
const inline = {
  Patient: [{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Marsh', given: ['Ada'] }], birthDate: '1950-02-03' }],
  Location: [
    { resourceType: 'Location', id: 'u1', name: 'Ward 4', physicalType: { coding: [{ code: 'wa' }] } },
    { resourceType: 'Location', id: 'b7', name: 'Bed 7', physicalType: { coding: [{ code: 'bd' }] }, partOf: { reference: 'Location/u1' } },
  ],
  Encounter: [{ resourceType: 'Encounter', id: 'e1', status: 'in-progress', class: { code: 'IMP' }, subject: P, period: { start: '2026-02-27T08:00:00Z' }, location: [{ location: { reference: 'Location/b7' }, status: 'active' }] }],
  Observation: [
    { resourceType: 'Observation', id: 'o1', status: 'final', category: [{ coding: [{ code: 'vital-signs' }] }], code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }, subject: P, effectiveDateTime: '2026-03-01T06:00:00Z', valueQuantity: { value: 88, unit: '/min' } },
    { resourceType: 'Observation', id: 'cs1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '75320-2', display: 'Code status' }] }, subject: P, effectiveDateTime: '2026-02-27T10:00:00Z', valueCodeableConcept: { text: 'DNR' } },
  ],
  Flag: [
    { resourceType: 'Flag', id: 'f1', status: 'active', code: { coding: [{ system: 'http://snomed.info/sct', code: '170497006' }], text: 'Droplet isolation' }, subject: P, period: { start: '2026-02-27T09:00:00Z', end: '2026-03-05T00:00:00Z' } },
    { resourceType: 'Flag', id: 'f2', status: 'active', code: { text: 'Contact precautions' }, subject: P, period: { start: '2026-02-20T09:00:00Z', end: '2026-02-25T00:00:00Z' } },
  ],
  Consent: [{ resourceType: 'Consent', id: 'c1', status: 'active', scope: { coding: [{ code: 'adr' }] }, category: [{ text: 'Do not resuscitate' }], patient: P, dateTime: '2026-02-26T10:00:00Z' }],
  MedicationRequest: [{ resourceType: 'MedicationRequest', id: 'm1', status: 'active', intent: 'order', subject: P, medicationCodeableConcept: { text: 'Cefazolin 1 g IV' }, authoredOn: '2026-02-28T08:00:00Z', dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 8, periodUnit: 'h' } } }] }],
  MedicationAdministration: [{ resourceType: 'MedicationAdministration', id: 'a1', status: 'completed', subject: P, medicationCodeableConcept: { text: 'Cefazolin 1 g IV' }, request: { reference: 'MedicationRequest/m1' }, effectiveDateTime: '2026-03-01T08:05:00Z' }],
  CareTeam: [{ resourceType: 'CareTeam', id: 't1', status: 'inactive', name: 'Night team', subject: P, participant: [{ member: { display: 'Dr Old' }, role: [{ text: 'Physician' }] }] }],
  Basic: [{ resourceType: 'Basic', id: 'x1', subject: P, code: { text: 'Something else' } }],
};

type Item = Record<string, unknown>;
const rowOf = (db: Database, id: string): Item => db.prepare('SELECT * FROM item WHERE id = ?').get(id) as Item;

describe('item columns with one meaning each', () => {
  let h: ChartDb;
  beforeAll(() => {
    h = buildChartDb(inline, { asOf: ASOF });
  });

  it('keep each fact in the column named for it, and leave the others NULL', () => {
    const none = { value: null, active: null, order_id: null, ends: null, location_id: null, kind: null, label: null, schedule: null, locations: null };
    expect(rowOf(h.db, 'o1')).toMatchObject({ ...none, section: S.VITAL, code: '8867-4', value: 88 });
    expect(rowOf(h.db, 'e1')).toMatchObject({ ...none, section: S.ENCOUNTER, code: null, active: 1, location_id: 'b7', locations: '["b7"]' });
    expect(rowOf(h.db, 'a1')).toMatchObject({ ...none, section: S.MEDADMIN, order_id: 'm1' });
    expect(rowOf(h.db, 'f1')).toMatchObject({ ...none, section: S.FLAG, code: '170497006', active: 1, ends: '2026-03-05T00:00:00Z', kind: BEDSIDE.ISOLATION, label: 'Droplet isolation' });
    expect(rowOf(h.db, 'cs1')).toMatchObject({ ...none, section: S.CODESTATUS, code: '75320-2', active: 1, kind: BEDSIDE.CODE_STATUS, label: 'DNR' });
    expect(rowOf(h.db, 'c1')).toMatchObject({ ...none, section: S.CODESTATUS, code: null, active: 1, kind: BEDSIDE.CODE_STATUS, label: 'Do not resuscitate' });
    expect(rowOf(h.db, 't1')).toMatchObject({ ...none, section: S.CARETEAM, active: 0 });
    expect(rowOf(h.db, 'x1')).toMatchObject({ ...none, section: S.RAW, label: 'Something else' });
    expect(JSON.parse(rowOf(h.db, 'm1')['schedule'] as string)).toMatchObject({ timing: { frequency: 1, period: 8, periodUnit: 'h' }, start: '2026-02-28T08:00:00Z' });
  });

  it('give the chart what the rows say: the current isolation (not the one that ended), the latest code status, the order a dose was given against', () => {
    const chart = h.queries.chart({ patientId: 'p1' });
    expect(chart.isolation).toEqual(['Droplet isolation']);
    expect(chart.codeStatus).toBe('DNR');
    expect(chart.encounter?.location).toEqual({ unit: { id: 'u1', name: 'Ward 4' }, room: null, bed: 'Bed 7' });
    expect(chart.vitals.map((v) => [v.code.code, v.numeric, v.at])).toEqual([['8867-4', 88, '2026-03-01T06:00:00Z']]);
    expect(chart.administrations.map((a) => [a.id, a.orderId])).toEqual([['a1', 'm1']]);
    expect(chart.careTeam).toEqual([{ name: 'Dr Old', role: 'Physician', team: 'Night team' }]);
    expect(chart.other).toEqual([{ type: 'Basic', id: 'x1', summary: 'Something else' }]);
    const mar = h.queries.mar({ patientId: 'p1' });
    expect(mar.rows.map((r) => [r.order.id, r.administrations.map((a) => a.id), r.lastGiven])).toEqual([['m1', ['a1'], '2026-03-01T08:05:00Z']]);
    const bed = h.queries.census({}).beds.find((b) => b.patient?.id === 'p1');
    expect(bed).toMatchObject({ bed: 'Bed 7', patient: { codeStatus: 'DNR', isolation: ['Droplet isolation'] } });
  });
});

/** The item table as schema 2 wrote it: the same facts in its generic columns. */
function asSchema2(db: Database): void {
  db.exec(`
    CREATE TABLE item2(pkey INTEGER, section INTEGER NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, at TEXT, code TEXT, num REAL,
      link TEXT, title TEXT, data TEXT NOT NULL, aux TEXT, raw TEXT, src INTEGER NOT NULL, line INTEGER NOT NULL);
    INSERT INTO item2 SELECT pkey, section, type, id, at,
      CASE WHEN section = ${S.FLAG} THEN CASE kind WHEN '${BEDSIDE.CODE_STATUS}' THEN 'CODESTATUS' WHEN '${BEDSIDE.ISOLATION}' THEN 'ISOLATION' END
           WHEN section = ${S.ALLERGY} THEN CASE WHEN json_extract(data, '$.noKnownAllergy') THEN 'NKA' END
           WHEN section = ${S.CODESTATUS} AND type = 'Consent' THEN 'Consent'
           WHEN section = ${S.ENCOUNTER} THEN json_extract(data, '$.class')
           ELSE code END,
      COALESCE(value, active), COALESCE(order_id, ends, location_id), label, data,
      COALESCE(schedule, CASE WHEN section = ${S.ENCOUNTER} THEN json_object('locations', json(locations), 'active', json(CASE active WHEN 1 THEN 'true' ELSE 'false' END)) END),
      raw, src, line FROM item ORDER BY rowid;
    DROP TABLE item;
    ALTER TABLE item2 RENAME TO item;
    CREATE INDEX item_patient ON item(pkey, section);
    UPDATE chart_meta SET value = '2' WHERE key = 'schemaVersion';
  `);
}

/** Every answer the screens, the print and the CLI get of one database. */
function answers(h: ChartDb): unknown {
  const q = chartModel.queries(h.db, h.meta, () => new Date(h.meta.asOf));
  const ids = h.db.prepare('SELECT id FROM patient ORDER BY rowid').pluck().all() as string[];
  const items = h.db.prepare("SELECT p.id AS patient, i.type, i.id FROM item i JOIN patient p ON p.pkey = i.pkey WHERE i.type IN ('MedicationAdministration', 'Observation', 'Basic')").all() as { patient: string; type: string; id: string }[];
  return {
    census: q.census({}),
    charts: ids.map((patientId) => q.chart({ patientId })),
    mars: ids.map((patientId) => q.mar({ patientId })),
    series: ids.map((patientId) => [q.series({ patientId, code: '8867-4' }), q.series({ patientId, code: '8480-6' })]),
    records: items.map((i) => q.record({ patientId: i.patient, type: i.type, id: i.id })),
  };
}

describe('a database written by schema 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lantern-cols-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the same as one written now: census, charts, MARs, trends and records', async () => {
    await generateHospital({ outDir: dir, beds: 12, units: 2, days: 2, seed: 'item-columns', now: new Date(ASOF) });
    for (const source of [dir, inline]) {
      const now = buildChartDb(source, { asOf: ASOF });
      const before = buildChartDb(source, { asOf: ASOF });
      asSchema2(before.db);
      expect(before.db.prepare('SELECT count(*) FROM pragma_table_info(\'item\') WHERE name IN (\'num\', \'link\', \'aux\')').pluck().get()).toBe(3);
      const expected = answers(now);
      expect((expected as { charts: unknown[] }).charts.length).toBeGreaterThan(0);
      expect(answers(before)).toEqual(expected);
    }
  });
});
