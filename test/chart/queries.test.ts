import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../electron/shared/contract';
import { marWindow } from '../../electron/shared/defaults';
import { generateHospital } from '../../electron/core/demo';
import { buildChartDb, type ChartDb } from '../support/chart-db';
import { exportPatients, ownerOf, readExport } from '../support/export';

const NOW = new Date('2026-03-01T12:00:00Z');
let dir: string;
let h: ChartDb;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lantern-q-'));
  await generateHospital({ outDir: dir, beds: 36, days: 3, seed: 'queries', now: NOW });
  h = buildChartDb(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The export's patients, as it sends them. */
const patients = () => exportPatients(dir);
const check = <C extends keyof typeof CHANNELS>(channel: C, value: unknown) => expect(() => CHANNELS[channel].response.parse(value)).not.toThrow();

describe('ingest of a generated hospital', () => {
  it('stores everything with no problems reported', () => {
    expect(h.report.malformed).toEqual([]);
    expect(h.report.unresolved).toEqual([]);
    expect(h.report.protocols).toBe(9);
    expect(h.report.counts['Patient']).toBe(36);
  });
});

describe('search', () => {
  it('finds a patient by family and given name in either order, by prefix and with a typo', () => {
    const p = patients()[5]!;
    const [family, givens] = p.name.split(', ');
    const given = givens!.split(' ')[0]!;
    for (const text of [`${given} ${family}`, `${family} ${given}`, `${family}, ${given}`, `${family!.slice(0, 3)} ${given.slice(0, 2)}`]) {
      const hits = h.queries.search({ text, limit: 10 });
      expect(hits.map((x) => x.id), text).toContain(p.id);
      check('search', hits);
    }
    const typo = family!.length >= 5 ? family!.charAt(0) + family!.charAt(2) + family!.charAt(1) + family!.slice(3) : `${family}x`;
    expect(h.queries.search({ text: `${typo} ${given}`, limit: 10 }).map((x) => x.id)).toContain(p.id);
  });

  it('ranks exact name matches above prefix and typo matches', () => {
    // Build a fixed case: "Lee" exact, "Leeds" prefix, "Lea" one edit away.
    const mk = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family, given: ['Ann'] }], birthDate: '1960-01-01' });
    const t = buildChartDb({ Patient: [mk('leeds', 'Leeds'), mk('lea', 'Lea'), mk('lee', 'Lee'), mk('smith', 'Smith')] }, { asOf: NOW.toISOString() });
    expect(t.queries.search({ text: 'lee', limit: 10 }).map((p) => p.id)).toEqual(['lee', 'leeds', 'lea']);
    expect(t.queries.search({ text: 'ann lee', limit: 10 }).map((p) => p.id)[0]).toBe('lee');
    expect(t.queries.search({ text: 'smiht', limit: 10 }).map((p) => p.id)).toEqual(['smith']);
    expect(t.queries.search({ text: 'zzz', limit: 10 })).toEqual([]);
  });

  it('finds by MRN, birth date and bed, and every hit carries name, MRN and birth date', () => {
    const p = patients()[7]!;
    expect(h.queries.search({ text: p.mrn, limit: 5 }).map((x) => x.id)).toEqual([p.id]);
    expect(h.queries.search({ text: p.mrn.toLowerCase(), limit: 5 }).map((x) => x.id)).toEqual([p.id]);
    const [y, m, d] = p.birthDate.split('-');
    expect(h.queries.search({ text: `${m}/${d}/${y}`, limit: 50 }).map((x) => x.id)).toContain(p.id);
    const chart = h.queries.chart({ patientId: p.id });
    const bed = chart.patient.location!.bed!;
    const hits = h.queries.search({ text: bed, limit: 5 });
    expect(hits.map((x) => x.id)).toEqual([p.id]);
    expect(hits[0]).toMatchObject({ name: p.name, mrn: p.mrn, birthDate: p.birthDate });
  });
});

describe('census', () => {
  it('lists every bed of a unit in order, occupied and empty, with the bedside facts', () => {
    const all = h.queries.census({});
    check('census', all);
    expect(all.units.map((u) => u.id).sort()).toEqual(['unit-ed', 'unit-icu', 'unit-medsurg']);
    expect(all.beds.filter((b) => b.patient).length).toBe(36);
    const icu = h.queries.census({ unit: 'unit-icu' });
    check('census', icu);
    expect(icu.unit).toEqual({ id: 'unit-icu', name: 'Medical ICU' });
    expect(icu.beds.some((b) => b.patient === null)).toBe(true);
    const names = icu.beds.map((b) => b.bed);
    expect(names).toEqual([...names].sort());
    for (const b of icu.beds.filter((x) => x.patient)) {
      const p = b.patient!;
      expect(p.location?.unit?.id).toBe('unit-icu');
      expect(p.codeStatus).toMatch(/code|DNR|Comfort/);
      expect(p.attending).toMatch(/^Dr\. /);
      expect(p.admitDate).not.toBeNull();
      const chart = h.queries.chart({ patientId: p.id });
      // The census row says what the chart's banner says.
      expect(p.allergies).toEqual(chart.allergySummary);
      expect(p.isolation).toEqual(chart.isolation);
    }
    expect(all.beds.some((b) => b.patient && b.patient.isolation.length > 0)).toBe(true);
    expect(all.beds.some((b) => b.patient?.allergies.state === 'no-known-allergies')).toBe(true);
    expect(() => h.queries.census({ unit: 'no-such-unit' })).toThrow(/not in this snapshot/);
  });
});

describe('chart', () => {
  it('gives a full chart whose counts match the resources stored for the patient', () => {
    const p = patients()[0]!;
    const chart = h.queries.chart({ patientId: p.id });
    check('chart', chart);
    // What the export holds of this patient, by type, from every NDJSON file of the folder.
    const sent: Record<string, number> = { Patient: 1 };
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ndjson') && f !== 'Patient.ndjson')) {
      const type = file.slice(0, -'.ndjson'.length);
      const n = readExport(dir, type).filter((r) => ownerOf(r) === p.id).length;
      if (n) sent[type] = n;
    }
    expect(Object.keys(sent).length).toBeGreaterThan(5);
    expect(chart.counts).toEqual(sent);
    expect(chart.medications.length).toBeGreaterThanOrEqual(10);
    expect(chart.vitals.length).toBeGreaterThan(0);
    expect(chart.labs.some((l) => l.referenceRange)).toBe(true);
    expect(chart.notes.every((n) => n.text.length > 0 && !/[<>]/.test(n.text))).toBe(true);
    expect(chart.codeStatus).not.toBeNull();
    expect(chart.asOf).toBe(NOW.toISOString());
    expect(chart.other.map((o) => o.type)).toContain('Coverage');
  });
});

describe('MAR', () => {
  it('lists scheduled times from the order frequency next to what was given, held or refused', () => {
    const mars = patients().map((p) => h.queries.mar({ patientId: p.id }));
    for (const m of mars) check('mar', m);
    const rows = mars.flatMap((m) => m.rows);
    // Without a window: the one the chart and the printed MAR use, 72 h before the data-as-of
    // time to 12 h after (one definition, so the CLI and the bench see what the screens show).
    expect(mars[0]!.from).toBe('2026-02-26T12:00:00.000Z');
    expect(mars[0]!.to).toBe('2026-03-02T00:00:00.000Z');
    expect({ from: mars[0]!.from, to: mars[0]!.to }).toEqual(marWindow(mars[0]!.asOf));
    const q6 = rows.find((r) => r.order.frequency === 'Q6H' && !r.order.prn && r.scheduled.length > 0)!;
    const times = q6.scheduled.map((t) => Date.parse(t));
    times.slice(1).forEach((t, i) => expect(t - times[i]!).toBe(6 * 3_600_000));
    const bid = rows.find((r) => r.order.frequency === 'BID' && r.scheduled.length > 2)!;
    expect(Date.parse(bid.scheduled[1]!) - Date.parse(bid.scheduled[0]!)).toBe(12 * 3_600_000);
    // Every charted dose sits near a scheduled time.
    for (const a of bid.administrations) expect(bid.scheduled.some((s) => Math.abs(Date.parse(s) - Date.parse(a.at!)) <= 3_600_000)).toBe(true);
    expect(rows.some((r) => r.administrations.some((a) => a.status === 'not-done' && /Held/.test(a.reason ?? '')))).toBe(true);
    expect(rows.some((r) => r.administrations.some((a) => a.status === 'not-done' && /Refused/.test(a.reason ?? '')))).toBe(true);
    // PRN orders have no schedule and no next due time.
    const prn = rows.filter((r) => r.order.prn);
    expect(prn.length).toBeGreaterThan(0);
    expect(prn.every((r) => r.scheduled.length === 0 && r.nextDue === null)).toBe(true);
    // What happened to each dose is decided here (chart/facts/mar.ts) and carried with the row.
    const kinds = new Set(rows.flatMap((r) => r.events.map((e) => e.kind)));
    for (const k of ['given', 'held', 'refused'] as const) expect(kinds.has(k), k).toBe(true);
    for (const r of rows) {
      const charted = r.administrations.filter((a) => a.at).map((a) => a.id).sort();
      expect(r.events.filter((e) => e.administrationId !== null).map((e) => e.administrationId).sort()).toEqual(charted);
    }
    // Scheduled orders first, then PRNs, then inactive orders.
    for (const m of mars) {
      const rank = (r: (typeof rows)[number]) => (r.order.status === 'active' || r.order.status === 'on-hold' ? 0 : 2) + (r.order.prn ? 1 : 0);
      const ranks = m.rows.map(rank);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  it('computes the next due time from the schedule and the last documented dose', () => {
    const rows = patients().flatMap((p) => h.queries.mar({ patientId: p.id }).rows).filter((r) => !r.order.prn && r.lastGiven);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.nextDue).not.toBeNull();
      expect(Date.parse(r.nextDue!)).toBeGreaterThan(Date.parse(r.lastGiven!));
      // After the last documented dose (given, held or refused), within one interval (at most a day).
      const lastDoc = Math.max(...r.administrations.map((a) => Date.parse(a.at!)));
      if (Number.isFinite(lastDoc)) {
        expect(Date.parse(r.nextDue!)).toBeGreaterThan(lastDoc);
        expect(Date.parse(r.nextDue!) - lastDoc).toBeLessThanOrEqual(24 * 3_600_000 + 3_600_000);
      }
    }
  });

  it('works on a hand-made order: Q8H from 06:00, one dose given, one held', () => {
    const t = buildChartDb(
      {
        Patient: [{ resourceType: 'Patient', id: 'p', name: [{ family: 'Test', given: ['Mar'] }], identifier: [{ value: 'M1' }], birthDate: '1970-01-01' }],
        MedicationRequest: [{ resourceType: 'MedicationRequest', id: 'o', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'Cefazolin 2 g IV' }, subject: { reference: 'Patient/p' },
          dosageInstruction: [{ timing: { code: { text: 'Q8H' }, repeat: { boundsPeriod: { start: '2026-03-01T06:00:00Z' } } } }] }],
        MedicationAdministration: [
          { resourceType: 'MedicationAdministration', id: 'a1', status: 'completed', medicationCodeableConcept: { text: 'Cefazolin 2 g IV' }, subject: { reference: 'Patient/p' }, request: { reference: 'MedicationRequest/o' }, effectiveDateTime: '2026-03-01T06:10:00Z' },
          { resourceType: 'MedicationAdministration', id: 'a2', status: 'not-done', statusReason: [{ text: 'Refused by patient' }], medicationCodeableConcept: { text: 'Cefazolin 2 g IV' }, subject: { reference: 'Patient/p' }, request: { reference: 'MedicationRequest/o' }, effectiveDateTime: '2026-03-01T14:05:00Z' },
        ],
      },
      { asOf: '2026-03-01T15:00:00Z' },
    );
    const m = t.queries.mar({ patientId: 'p', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    expect(m.rows).toHaveLength(1);
    expect(m.rows[0]!.scheduled).toEqual(['2026-03-01T06:00:00.000Z', '2026-03-01T14:00:00.000Z', '2026-03-01T22:00:00.000Z']);
    expect(m.rows[0]!.lastGiven).toBe('2026-03-01T06:10:00Z');
    expect(m.rows[0]!.nextDue).toBe('2026-03-01T22:00:00.000Z');
    expect(m.rows[0]!.administrations.map((a) => a.status)).toEqual(['completed', 'not-done']);
    expect(m.patient).toMatchObject({ name: 'Test, Mar', mrn: 'M1', birthDate: '1970-01-01' });
    expect(() => t.queries.mar({ patientId: 'p', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toThrow(/end after it starts/);
  });
});

describe('series and protocols', () => {
  it('returns a trend series for a vital, a blood pressure component and a lab', () => {
    const p = patients()[2]!;
    for (const code of ['8867-4', '8480-6', 'http://loinc.org|2823-3']) {
      const s = h.queries.series({ patientId: p.id, code });
      check('series', s);
      expect(s.points.length, code).toBeGreaterThan(0);
      const at = s.points.map((x) => Date.parse(x.at));
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }
    expect(h.queries.series({ patientId: p.id, code: '2823-3' }).referenceRange).toBe('3.5–5.1 mmol/L');
  });

  it('lists, searches (FTS5) and opens protocols, including the PDF', () => {
    const list = h.queries.protocols({});
    check('protocols', list);
    expect(new Set(list.map((p) => p.kind))).toEqual(new Set(['markdown', 'html', 'text', 'pdf']));
    const hits = h.queries.protocolSearch({ text: 'isolation gown' });
    check('protocolSearch', hits);
    expect(hits[0]?.id).toBe('infection-control/isolation-precautions.md');
    expect(h.queries.protocolSearch({ text: 'requisit' }).map((x) => x.id)).toContain('forms/downtime-lab-requisition.pdf');
    const pdf = h.queries.protocolOpen({ id: 'forms/downtime-lab-requisition.pdf' });
    check('protocolOpen', pdf);
    expect(Buffer.from(pdf.base64!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const md = h.queries.protocolOpen({ id: 'downtime/ehr-downtime-procedure.md' });
    expect(md.text).toContain('# EHR downtime procedure');
    expect(() => h.queries.protocolOpen({ id: 'nope' })).toThrow(/not in this snapshot/);
  });
});
