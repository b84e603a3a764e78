import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHospital, type GenerateSummary } from '../../electron/core/demo';

const NOW = new Date('2026-03-01T12:00:00Z');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'lantern-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type R = Record<string, unknown> & { id: string };
const read = (dir: string, type: string): R[] =>
  readFileSync(path.join(dir, `${type}.ndjson`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as R);
const digest = (dir: string) => {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ndjson') || f === 'manifest.json').sort()) h.update(f).update(readFileSync(path.join(dir, f)));
  return h.digest('hex');
};
const patientOf = (r: R) => String(((r['subject'] ?? r['patient'] ?? r['beneficiary']) as { reference: string }).reference).replace('Patient/', '');

describe('generateHospital', () => {
  let dir: string;
  let summary: GenerateSummary;
  beforeAll(async () => {
    dir = tmp();
    summary = await generateHospital({ outDir: dir, beds: 30, days: 2, seed: 'test', now: NOW });
  });

  it('is deterministic for a seed and as-of time, and differs for another seed', async () => {
    const again = tmp();
    await generateHospital({ outDir: again, beds: 30, days: 2, seed: 'test', now: NOW });
    expect(digest(again)).toBe(digest(dir));
    const other = tmp();
    await generateHospital({ outDir: other, beds: 30, days: 2, seed: 'other', now: NOW });
    expect(digest(other)).not.toBe(digest(dir));
  });

  it('writes a Bulk Data manifest whose counts match the NDJSON files', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
      transactionTime: string;
      output: { type: string; url: string; count: number }[];
    };
    expect(new Date(manifest.transactionTime).toISOString()).toBe(NOW.toISOString());
    for (const o of manifest.output) {
      expect(read(dir, o.type).length, o.type).toBe(o.count);
      expect(read(dir, o.type).every((r) => r['resourceType'] === o.type)).toBe(true);
    }
    expect(summary.patients).toBe(30);
  });

  it('puts every patient in a bed with an in-progress inpatient encounter, and leaves some beds empty', () => {
    const patients = read(dir, 'Patient');
    const encounters = read(dir, 'Encounter');
    const locations = new Map(read(dir, 'Location').map((l) => [l.id, l]));
    expect(patients).toHaveLength(30);
    const occupied = new Set<string>();
    for (const p of patients) {
      const enc = encounters.filter((e) => patientOf(e) === p.id);
      expect(enc).toHaveLength(1);
      expect(enc[0]!['status']).toBe('in-progress');
      const bedId = ((enc[0]!['location'] as { location: { reference: string } }[])[0]!.location.reference).replace('Location/', '');
      const bed = locations.get(bedId)!;
      expect(JSON.stringify(bed['physicalType'])).toContain('"bd"');
      const room = locations.get((bed['partOf'] as { reference: string }).reference.replace('Location/', ''))!;
      const unit = locations.get((room['partOf'] as { reference: string }).reference.replace('Location/', ''))!;
      expect(JSON.stringify(unit['physicalType'])).toContain('"wa"');
      occupied.add(bedId);
      expect((p['identifier'] as { value: string }[])[0]!.value).toMatch(/^SYN\d{7}$/);
    }
    expect(occupied.size).toBe(30);
    const beds = [...locations.values()].filter((l) => JSON.stringify(l['physicalType']).includes('"bd"'));
    expect(beds.length).toBeGreaterThan(30);
    expect(summary.units.map((u) => u.kind)).toEqual(expect.arrayContaining(['ICU', 'MEDSURG', 'ED']));
  });

  it('orders 10-25 active medications per patient and charts a MAR with held and refused doses', () => {
    const orders = read(dir, 'MedicationRequest');
    const byPatient = new Map<string, number>();
    for (const o of orders) byPatient.set(patientOf(o), (byPatient.get(patientOf(o)) ?? 0) + 1);
    for (const n of byPatient.values()) {
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(25);
    }
    expect(orders.some((o) => JSON.stringify(o).includes('"asNeededBoolean":true'))).toBe(true);
    const admins = read(dir, 'MedicationAdministration');
    const notDone = admins.filter((a) => a['status'] === 'not-done');
    expect(notDone.length).toBeGreaterThan(0);
    expect(notDone.every((a) => Array.isArray(a['statusReason']))).toBe(true);
    expect(notDone.some((a) => JSON.stringify(a['statusReason']).includes('Refused'))).toBe(true);
    expect(notDone.some((a) => JSON.stringify(a['statusReason']).includes('Held'))).toBe(true);
    const window = NOW.getTime() - 2 * 86_400_000;
    for (const a of admins) {
      const t = Date.parse(a['effectiveDateTime'] as string);
      expect(t).toBeLessThanOrEqual(NOW.getTime());
      expect(t).toBeGreaterThanOrEqual(window - 86_400_000);
    }
  });

  it('records vitals hourly in the ICU and every 4 hours elsewhere, and daily labs with ranges and abnormal flags', () => {
    const encounters = read(dir, 'Encounter');
    const unitOf = new Map(encounters.map((e) => [patientOf(e), JSON.stringify(e['location']).includes('unit-icu') ? 'icu' : 'other']));
    const hr = read(dir, 'Observation').filter((o) => JSON.stringify(o['code']).includes('8867-4'));
    const gaps = { icu: new Set<number>(), other: new Set<number>() };
    const byPatient = new Map<string, number[]>();
    for (const o of hr) byPatient.set(patientOf(o), [...(byPatient.get(patientOf(o)) ?? []), Date.parse(o['effectiveDateTime'] as string)]);
    for (const [pid, times] of byPatient) {
      times.sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) gaps[unitOf.get(pid) as 'icu' | 'other'].add((times[i]! - times[i - 1]!) / 3_600_000);
    }
    expect([...gaps.icu]).toEqual([1]);
    expect([...gaps.other]).toEqual([4]);
    const labs = read(dir, 'Observation').filter((o) => JSON.stringify(o['category']).includes('laboratory'));
    expect(labs.length).toBeGreaterThan(0);
    expect(labs.every((l) => Array.isArray(l['referenceRange']))).toBe(true);
    expect(labs.some((l) => /"code":"(H|L|HH|LL)"/.test(JSON.stringify(l['interpretation'])))).toBe(true);
    const bp = read(dir, 'Observation').find((o) => JSON.stringify(o['code']).includes('85354-9'))!;
    expect((bp['component'] as unknown[]).length).toBe(2);
  });

  it('writes notes, orders, code status, isolation flags and raw-only types', () => {
    const notes = read(dir, 'DocumentReference');
    const text = notes.map((n) => Buffer.from((n['content'] as { attachment: { data: string } }[])[0]!.attachment.data, 'base64').toString('utf8'));
    expect(text.some((t) => t.includes('Shift assessment'))).toBe(true);
    expect(notes.some((n) => JSON.stringify(n['type']).includes('Progress note'))).toBe(true);
    expect(read(dir, 'ServiceRequest').length).toBeGreaterThanOrEqual(30 * 4);
    const codeStatus = read(dir, 'Observation').filter((o) => JSON.stringify(o['code']).includes('75320-2'));
    expect(codeStatus).toHaveLength(30);
    expect(read(dir, 'Flag').some((f) => JSON.stringify(f['code']).includes('isolation'))).toBe(true);
    expect(read(dir, 'Coverage')).toHaveLength(30);
  });

  it('writes downtime protocols and forms in category folders, including a valid PDF', () => {
    const root = path.join(dir, 'protocols');
    const files = readdirSync(root, { recursive: true }).map(String).filter((f) => f.includes('.'));
    expect(files.some((f) => f.endsWith('.md'))).toBe(true);
    expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    expect(files.some((f) => f.endsWith('.txt'))).toBe(true);
    const pdfName = files.find((f) => f.endsWith('.pdf'))!;
    expect(pdfName.split(path.sep)).toHaveLength(2);
    const pdf = readFileSync(path.join(root, pdfName)).toString('latin1');
    expect(pdf.startsWith('%PDF-1.')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    // The xref offsets point at the objects they name.
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((off, i) => expect(pdf.slice(off, off + 8)).toBe(`${i + 1} 0 obj\n`));
  });
});

describe('generateHospital with a patient index', () => {
  let plain: string;
  let indexed: string;
  let summary: GenerateSummary;
  beforeAll(async () => {
    plain = tmp();
    indexed = tmp();
    await generateHospital({ outDir: plain, beds: 12, units: 2, days: 1, seed: 'index', now: NOW });
    summary = await generateHospital({ outDir: indexed, beds: 12, units: 2, days: 1, seed: 'index', now: NOW, indexPatients: 6000 });
  });

  it('adds Patient resources only, after the same hospital', () => {
    expect(summary).toMatchObject({ patients: 12, indexPatients: 6000 });
    const types = readdirSync(indexed).filter((f) => f.endsWith('.ndjson') && f !== 'Patient.ndjson');
    for (const f of types) expect(readFileSync(path.join(indexed, f)).equals(readFileSync(path.join(plain, f))), f).toBe(true);
    const before = readFileSync(path.join(plain, 'Patient.ndjson'), 'utf8');
    const after = readFileSync(path.join(indexed, 'Patient.ndjson'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const patients = read(indexed, 'Patient');
    expect(patients).toHaveLength(6012);
    const manifest = JSON.parse(readFileSync(path.join(indexed, 'manifest.json'), 'utf8')) as { output: { type: string; count: number }[] };
    expect(manifest.output.find((o) => o.type === 'Patient')?.count).toBe(6012);
    // No encounter or other resource refers to the index patients.
    const referred = new Set(read(indexed, 'Encounter').map(patientOf));
    expect(patients.slice(12).some((p) => referred.has(p.id))).toBe(false);
  });

  it('gives unique MRNs and ids, realistic birth dates, and names that repeat as in a real index', () => {
    const patients = read(indexed, 'Patient');
    const mrns = patients.map((p) => (p['identifier'] as { value: string }[])[0]!.value);
    expect(new Set(mrns).size).toBe(patients.length);
    expect(new Set(patients.map((p) => p.id)).size).toBe(patients.length);
    const births = patients.map((p) => String(p['birthDate']));
    expect(births.every((b) => /^\d{4}-\d{2}-\d{2}$/.test(b) && b >= '1920' && b <= NOW.toISOString().slice(0, 10))).toBe(true);
    expect(births.some((b) => b > '2010')).toBe(true);
    const families = patients.slice(12).map((p) => String((p['name'] as { family: string }[])[0]!.family));
    const count = new Map<string, number>();
    for (const f of families) count.set(f, (count.get(f) ?? 0) + 1);
    const top = [...count.entries()].sort((a, b) => b[1] - a[1]);
    expect(top[0]![0]).toBe('Smith');
    expect(top[0]![1]).toBeGreaterThan(100);
    expect(top.filter(([, n]) => n === 1).length).toBeGreaterThan(1000);
    expect(families.some((f) => /^[^-]+-[^-]+$/.test(f))).toBe(true);
    expect(families.some((f) => f.includes("'"))).toBe(true);
    expect(families.some((f) => /[^ -~]/.test(f))).toBe(true);
    expect(families.some((f) => f.includes(' '))).toBe(true);
  });
});
