import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { dueTimes } from '../chart/schedule';
import {
  ALLERGENS,
  BMP,
  CBC,
  CODE_STATUS,
  DRUGS,
  EXTRA_LABS,
  FIRST_F,
  FIRST_M,
  ISOLATION,
  LAST,
  ORDERS,
  PROBLEMS,
  STREETS,
  type LabDef,
} from './data';
import { ZipfPicker, indexNames } from './names';
import { writeProtocols } from './protocols';

/**
 * The synthetic hospital: a FHIR R4 Bulk Data export (one NDJSON file per resource type and
 * the $export manifest) of N occupied beds, plus downtime protocols and forms. Deterministic
 * for a seed and a data-as-of time; streams to disk with bounded memory.
 */

export interface GenerateOptions {
  outDir: string;
  /** Occupied beds (one in-progress inpatient encounter each). */
  beds?: number;
  units?: number;
  /** Days of MAR, vitals and labs before `now`. */
  days?: number;
  seed?: string | number;
  /** The data-as-of time (the export's transactionTime). Default: now. */
  now?: Date;
  /** Facility name written into locations and protocols. */
  facilityName?: string;
  /**
   * Patients of the health system's index beyond those in beds: Patient resources only (no
   * encounter, no bed), with often repeated names (see names.ts). Default 0.
   */
  indexPatients?: number;
}

export interface GeneratedUnit {
  id: string;
  name: string;
  kind: string;
  beds: number;
  occupied: number;
}

export interface GenerateSummary {
  outDir: string;
  asOf: string;
  seed: string;
  /** Patients in beds. */
  patients: number;
  /** Patients of the index with no encounter (options.indexPatients). */
  indexPatients: number;
  units: GeneratedUnit[];
  counts: Record<string, number>;
  resources: number;
  protocols: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---- deterministic randomness ----------------------------------------------------------

function hashSeed(seed: string): number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return h >>> 0;
}

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** k distinct items. */
  sample<T>(list: readonly T[], k: number): T[] {
    const copy = list.slice();
    const out: T[] = [];
    for (let i = 0; i < k && copy.length; i++) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0] as T);
    return out;
  }
  uuid(): string {
    const h = () => Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-${((8 + this.int(0, 3)).toString(16))}${h().slice(1)}-${h()}${h()}${h()}`;
  }
}

// ---- output ----------------------------------------------------------------------------

class Sink {
  private parts: string[] = [];
  private size = 0;
  count = 0;
  readonly stream: WriteStream;
  constructor(file: string) {
    this.stream = createWriteStream(file);
  }
  push(resource: object): void {
    const line = JSON.stringify(resource) + '\n';
    this.parts.push(line);
    this.size += line.length;
    this.count++;
  }
  async flush(force = false): Promise<void> {
    if (!force && this.size < 1 << 18) return;
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush(true);
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ref = (type: string, id: string, display?: string) => (display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` });
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const cc = (system: string, code: string, display: string, text = display) => ({ coding: [{ system, code, display }], text });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const round = (x: number, d: number) => Number(x.toFixed(d));

const UNIT_KINDS = [
  { kind: 'ICU', name: 'Medical ICU', weight: 0.6, bedsPerRoom: 1, vitalsEvery: 1, cls: 'IMP' },
  { kind: 'MEDSURG', name: 'Med-Surg 4 West', weight: 1.5, bedsPerRoom: 2, vitalsEvery: 4, cls: 'IMP' },
  { kind: 'ED', name: 'Emergency Department', weight: 0.8, bedsPerRoom: 1, vitalsEvery: 4, cls: 'EMER' },
  { kind: 'TELE', name: 'Telemetry 5 East', weight: 1, bedsPerRoom: 2, vitalsEvery: 4, cls: 'IMP' },
  { kind: 'ONC', name: 'Oncology 6 North', weight: 0.8, bedsPerRoom: 1, vitalsEvery: 4, cls: 'IMP' },
  { kind: 'STEPDOWN', name: 'Step-Down 3 South', weight: 0.7, bedsPerRoom: 1, vitalsEvery: 4, cls: 'IMP' },
  { kind: 'ORTHO', name: 'Orthopedics 7 West', weight: 0.8, bedsPerRoom: 2, vitalsEvery: 4, cls: 'IMP' },
  { kind: 'NEURO', name: 'Neuro 8 East', weight: 0.7, bedsPerRoom: 2, vitalsEvery: 4, cls: 'IMP' },
];

const TYPES = [
  'Organization', 'Location', 'Practitioner', 'Patient', 'Encounter', 'AllergyIntolerance', 'Condition',
  'MedicationRequest', 'MedicationAdministration', 'Observation', 'DiagnosticReport', 'DocumentReference',
  'ServiceRequest', 'CarePlan', 'CareTeam', 'Procedure', 'Immunization', 'Flag', 'Coverage',
] as const;
type GenType = (typeof TYPES)[number];

interface Staff {
  id: string;
  name: string;
}

/** Generate the hospital into outDir (created if needed). */
export async function generateHospital(options: GenerateOptions): Promise<GenerateSummary> {
  const beds = Math.max(1, Math.floor(options.beds ?? 40));
  const unitCount = Math.max(1, Math.min(beds, Math.floor(options.units ?? Math.min(12, Math.max(3, Math.round(beds / 30))))));
  const days = Math.max(1, Math.floor(options.days ?? 3));
  const seed = String(options.seed ?? 'lantern');
  const now = Math.floor((options.now ?? new Date()).getTime() / 60_000) * 60_000;
  const facility = options.facilityName ?? 'Lantern Demo General Hospital';
  const rng = new Rng(hashSeed(seed));
  const outDir = options.outDir;
  await mkdir(outDir, { recursive: true });

  const sinks = new Map<GenType, Sink>();
  for (const t of TYPES) sinks.set(t, new Sink(path.join(outDir, `${t}.ndjson`)));
  const out = (t: GenType, r: object) => (sinks.get(t) as Sink).push(r);

  // Organization and staff.
  const orgId = 'org-demo-hospital';
  out('Organization', {
    resourceType: 'Organization',
    id: orgId,
    identifier: [{ system: 'urn:lantern:demo:organization', value: 'DEMO-001' }],
    active: true,
    type: [cc('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider')],
    name: facility,
    telecom: [{ system: 'phone', value: '555-0100' }],
  });
  const staff = (n: number, prefix: string, role: string): Staff[] =>
    Array.from({ length: n }, (_, i) => {
      const female = rng.chance(0.5);
      const given = rng.pick(female ? FIRST_F : FIRST_M);
      const family = rng.pick(LAST);
      const id = `${prefix}-${i + 1}`;
      const name = role === 'physician' ? `Dr. ${given} ${family}` : `${given} ${family}, RN`;
      out('Practitioner', {
        resourceType: 'Practitioner',
        id,
        identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(9_990_000_000 + i + (role === 'physician' ? 0 : 50_000)) }],
        active: true,
        name: [{ family, given: [given], ...(role === 'physician' ? { prefix: ['Dr.'] } : { suffix: ['RN'] }) }],
        gender: female ? 'female' : 'male',
        qualification: [{ code: { text: role === 'physician' ? 'MD' : 'RN' } }],
      });
      return { id, name };
    });
  const physicians = staff(Math.max(3, Math.ceil(beds / 10)), 'pract-md', 'physician');
  const nurses = staff(Math.max(4, Math.ceil(beds / 4)), 'pract-rn', 'nurse');

  // Units, rooms and beds: occupied beds spread by unit weight, plus a few empty beds each.
  const kinds = Array.from({ length: unitCount }, (_, i) => {
    const k = UNIT_KINDS[i % UNIT_KINDS.length] as (typeof UNIT_KINDS)[number];
    const round2 = Math.floor(i / UNIT_KINDS.length);
    return { ...k, id: `unit-${k.kind.toLowerCase()}${round2 ? `-${round2 + 1}` : ''}`, name: round2 ? `${k.name} (${round2 + 1})` : k.name };
  });
  const totalWeight = kinds.reduce((s, k) => s + k.weight, 0);
  const occupied = kinds.map((k) => Math.max(1, Math.floor((beds * k.weight) / totalWeight)));
  let assigned = occupied.reduce((s, n) => s + n, 0);
  for (let i = 0; assigned < beds; i = (i + 1) % kinds.length, assigned++) occupied[i] = (occupied[i] as number) + 1;
  for (let i = kinds.length - 1; assigned > beds; i = (i - 1 + kinds.length) % kinds.length) {
    if ((occupied[i] as number) > 1) {
      occupied[i] = (occupied[i] as number) - 1;
      assigned--;
    }
  }
  out('Location', {
    resourceType: 'Location',
    id: 'loc-building-main',
    status: 'active',
    name: `${facility}, Main Building`,
    mode: 'instance',
    physicalType: cc('http://terminology.hl7.org/CodeSystem/location-physical-type', 'bu', 'Building'),
    managingOrganization: ref('Organization', orgId),
  });

  const units: GeneratedUnit[] = [];
  const bedSlots: { unit: (typeof kinds)[number]; bedId: string; room: string; bed: string }[] = [];
  kinds.forEach((k, ui) => {
    const occ = occupied[ui] as number;
    const capacity = occ + Math.max(1, Math.ceil(occ * 0.1));
    units.push({ id: k.id, name: k.name, kind: k.kind, beds: capacity, occupied: occ });
    out('Location', {
      resourceType: 'Location',
      id: k.id,
      identifier: [{ system: 'urn:lantern:demo:unit', value: k.kind }],
      status: 'active',
      name: k.name,
      mode: 'instance',
      type: [cc('http://terminology.hl7.org/CodeSystem/v3-RoleCode', k.kind === 'ICU' ? 'ICU' : k.kind === 'ED' ? 'ER' : 'HU', k.kind === 'ICU' ? 'Intensive care unit' : k.kind === 'ED' ? 'Emergency room' : 'Hospital unit')],
      physicalType: cc('http://terminology.hl7.org/CodeSystem/location-physical-type', 'wa', 'Ward'),
      managingOrganization: ref('Organization', orgId),
      partOf: ref('Location', 'loc-building-main'),
    });
    const floor = (ui % 9) + 1;
    const unitBeds: typeof bedSlots = [];
    for (let b = 0; b < capacity; b++) {
      const roomNo = `${floor}${String(Math.floor(b / k.bedsPerRoom) + 1 + Math.floor(ui / 9) * 50).padStart(2, '0')}`;
      const roomId = `room-${k.id}-${roomNo}`;
      if (b % k.bedsPerRoom === 0) {
        out('Location', {
          resourceType: 'Location',
          id: roomId,
          status: 'active',
          name: roomNo,
          mode: 'instance',
          physicalType: cc('http://terminology.hl7.org/CodeSystem/location-physical-type', 'ro', 'Room'),
          partOf: ref('Location', k.id),
        });
      }
      const letter = String.fromCharCode(65 + (b % k.bedsPerRoom));
      const bedName = `${roomNo}-${letter}`;
      const bedId = `bed-${k.id}-${roomNo}-${letter}`;
      out('Location', {
        resourceType: 'Location',
        id: bedId,
        status: 'active',
        operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: b < occ ? 'O' : 'U', display: b < occ ? 'Occupied' : 'Unoccupied' },
        name: bedName,
        mode: 'instance',
        physicalType: cc('http://terminology.hl7.org/CodeSystem/location-physical-type', 'bd', 'Bed'),
        partOf: ref('Location', roomId, roomNo),
      });
      unitBeds.push({ unit: k, bedId, room: roomNo, bed: bedName });
    }
    // Occupy a deterministic, scattered subset of the unit's beds.
    const chosen = rng.sample(unitBeds, occ);
    chosen.sort((a, b) => (a.bedId < b.bedId ? -1 : 1));
    bedSlots.push(...chosen);
  });

  for (const t of TYPES) await (sinks.get(t) as Sink).flush(true);

  // Patients.
  const windowStart = now - days * DAY;
  for (let i = 0; i < bedSlots.length; i++) {
    const slot = bedSlots[i] as (typeof bedSlots)[number];
    generatePatient(rng, i, slot, { now, windowStart, out, physicians, nurses, orgId, facility });
    if (i % 16 === 15) for (const s of sinks.values()) await s.flush();
  }
  // The rest of the index after the admitted patients, from its own random stream, so that
  // the hospital is the same with or without it.
  const indexPatients = Math.max(0, Math.floor(options.indexPatients ?? 0));
  if (indexPatients > 0) {
    const patientSink = sinks.get('Patient') as Sink;
    const draw = indexPatientDrawer(new Rng(hashSeed(`${seed}:index`)), now, orgId);
    for (let i = 0; i < indexPatients; i++) {
      patientSink.push(draw(bedSlots.length + i));
      if (i % 256 === 255) await patientSink.flush();
    }
  }
  for (const s of sinks.values()) await s.close();

  const counts: Record<string, number> = {};
  for (const [t, s] of sinks) counts[t] = s.count;
  const manifest = {
    transactionTime: iso(now).replace('Z', '+00:00'),
    request: '[base]/$export',
    requiresAccessToken: false,
    output: TYPES.map((t) => ({ type: t, url: `${t}.ndjson`, count: counts[t] ?? 0 })),
    error: [],
    extension: { 'urn:lantern:demo': { synthetic: true, seed, beds, units: unitCount, days, ...(indexPatients ? { indexPatients } : {}) } },
  };
  await writeFile(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const protocols = await writeProtocols(outDir, facility);
  return {
    outDir,
    asOf: iso(now),
    seed,
    patients: bedSlots.length,
    indexPatients,
    units,
    counts,
    resources: Object.values(counts).reduce((s, n) => s + n, 0),
    protocols,
  };
}

/** The MRN of the index-th patient; unique for index < 9,000,000 (7919 is coprime with 9,000,000). */
const mrnOf = (index: number) => `SYN${String(((index * 7919 + 104_729) % 9_000_000) + 1_000_000)}`;

/**
 * Patients of the index who are not in hospital: names from the ranked lists with a Zipf
 * frequency, a few double-barrelled surnames, ages across a whole population (children too).
 */
function indexPatientDrawer(rng: Rng, now: number, orgId: string): (index: number) => object {
  const names = indexNames();
  const surnames = new ZipfPicker(names.surnames, 1, 3);
  const female = new ZipfPicker(names.female, 1, 4);
  const male = new ZipfPicker(names.male, 1, 4);
  return (index) => {
    const isFemale = rng.chance(0.51);
    const givens = isFemale ? female : male;
    const given = [givens.pick(rng.next())];
    if (rng.chance(0.45)) given.push(givens.pick(rng.next()));
    let family = surnames.pick(rng.next());
    if (rng.chance(0.04)) family = `${family}-${surnames.pick(rng.next())}`;
    const band = rng.next();
    const age = band < 0.2 ? rng.int(0, 17) : band < 0.72 ? rng.int(18, 64) : rng.int(65, 101);
    const birth = now - age * 365.25 * DAY - rng.int(0, 364) * DAY;
    return {
      resourceType: 'Patient',
      id: rng.uuid(),
      meta: { tag: [{ system: 'urn:lantern:demo', code: 'synthetic', display: 'Synthetic demo patient' }] },
      identifier: [
        {
          use: 'usual',
          type: cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'MR', 'Medical Record Number'),
          system: 'urn:lantern:demo:mrn',
          value: mrnOf(index),
        },
      ],
      active: true,
      name: [{ use: 'official', family, given }],
      telecom: [{ system: 'phone', value: `555-01${String(rng.int(0, 99)).padStart(2, '0')}`, use: 'home' }],
      gender: isFemale ? 'female' : 'male',
      birthDate: isoDate(birth),
      address: [{ use: 'home', line: [`${rng.int(1, 999)} ${rng.pick(STREETS)} Street`], city: 'Springfield', state: 'ZZ', postalCode: '00000', country: 'US' }],
      managingOrganization: ref('Organization', orgId),
    };
  };
}

interface PatientContext {
  now: number;
  windowStart: number;
  out: (t: GenType, r: object) => void;
  physicians: Staff[];
  nurses: Staff[];
  orgId: string;
  facility: string;
}

function generatePatient(
  rng: Rng,
  index: number,
  slot: { unit: (typeof UNIT_KINDS)[number] & { id: string; name: string }; bedId: string; room: string; bed: string },
  ctx: PatientContext,
): void {
  const { now, windowStart, out } = ctx;
  const unit = slot.unit;
  const female = rng.chance(0.52);
  const given = rng.pick(female ? FIRST_F : FIRST_M);
  const middle = rng.chance(0.5) ? rng.pick(female ? FIRST_F : FIRST_M) : null;
  const family = rng.pick(LAST);
  const age = unit.kind === 'ONC' || unit.kind === 'ICU' ? rng.int(35, 92) : rng.int(18, 96);
  const birth = now - age * 365.25 * DAY - rng.int(0, 364) * DAY;
  const pid = rng.uuid();
  const mrn = mrnOf(index);
  const patientRef = ref('Patient', pid, `${given} ${family}`);
  const attending = rng.pick(ctx.physicians);
  const nurse = rng.pick(ctx.nurses);
  const resident = rng.pick(ctx.physicians);
  const stayDays = unit.kind === 'ED' ? rng.next() * 0.8 + 0.1 : rng.next() * 9 + 0.5;
  const admit = Math.floor((now - stayDays * DAY) / 60_000) * 60_000;
  const encId = rng.uuid();
  const encRef = ref('Encounter', encId);
  const phone = `555-01${String(rng.int(0, 99)).padStart(2, '0')}`;

  out('Patient', {
    resourceType: 'Patient',
    id: pid,
    meta: { tag: [{ system: 'urn:lantern:demo', code: 'synthetic', display: 'Synthetic demo patient' }] },
    identifier: [
      {
        use: 'usual',
        type: cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'MR', 'Medical Record Number'),
        system: 'urn:lantern:demo:mrn',
        value: mrn,
      },
      { type: cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'AN', 'Account number'), system: 'urn:lantern:demo:account', value: `ACC${100_000_000 + index}` },
    ],
    active: true,
    name: [{ use: 'official', family, given: middle ? [given, middle] : [given] }],
    telecom: [{ system: 'phone', value: phone, use: 'home' }],
    gender: female ? 'female' : 'male',
    birthDate: isoDate(birth),
    address: [{ use: 'home', line: [`${rng.int(1, 999)} ${rng.pick(STREETS)} Street`], city: 'Springfield', state: 'ZZ', postalCode: '00000', country: 'US' }],
    contact: [
      {
        relationship: [cc('http://terminology.hl7.org/CodeSystem/v2-0131', 'N', 'Next-of-Kin', rng.pick(['Spouse', 'Daughter', 'Son', 'Sibling', 'Friend']))],
        name: { family: rng.pick(LAST), given: [rng.pick(rng.chance(0.5) ? FIRST_F : FIRST_M)] },
        telecom: [{ system: 'phone', value: `555-01${String(rng.int(0, 99)).padStart(2, '0')}` }],
      },
    ],
    managingOrganization: ref('Organization', ctx.orgId),
  });

  // Problems first: the reason for admission is one of them.
  const problems = rng.sample(PROBLEMS, rng.int(2, 6));
  const reason = problems[0] as (typeof PROBLEMS)[number];
  out('Encounter', {
    resourceType: 'Encounter',
    id: encId,
    identifier: [{ system: 'urn:lantern:demo:visit', value: `V${200_000_000 + index}` }],
    status: 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: unit.cls, display: unit.cls === 'EMER' ? 'emergency' : 'inpatient encounter' },
    type: [cc(SNOMED, unit.cls === 'EMER' ? '50849002' : '183452005', unit.cls === 'EMER' ? 'Emergency room admission' : 'Emergency hospital admission')],
    subject: patientRef,
    participant: [
      { type: [cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'ATND', 'attender')], individual: ref('Practitioner', attending.id, attending.name) },
      { type: [cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'PPRF', 'primary performer')], individual: ref('Practitioner', nurse.id, nurse.name) },
      { type: [cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'CON', 'consultant')], individual: ref('Practitioner', resident.id, resident.name) },
    ],
    period: { start: iso(admit) },
    reasonCode: [cc(SNOMED, reason.code, reason.text)],
    location: [
      { location: ref('Location', slot.bedId, slot.bed), status: 'active', physicalType: cc('http://terminology.hl7.org/CodeSystem/location-physical-type', 'bd', 'Bed'), period: { start: iso(admit) } },
    ],
    serviceProvider: ref('Organization', ctx.orgId),
  });

  // Allergies: no known allergies, or one to three.
  const allergyRoll = rng.next();
  if (allergyRoll < 0.3) {
    out('AllergyIntolerance', {
      resourceType: 'AllergyIntolerance',
      id: rng.uuid(),
      clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
      verificationStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
      code: cc(SNOMED, '716186003', 'No known allergy'),
      patient: patientRef,
      recordedDate: iso(admit + HOUR),
    });
  } else if (allergyRoll < 0.92) {
    for (const a of rng.sample(ALLERGENS, rng.int(1, 3))) {
      out('AllergyIntolerance', {
        resourceType: 'AllergyIntolerance',
        id: rng.uuid(),
        clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
        verificationStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
        type: 'allergy',
        category: [a.category],
        criticality: a.criticality,
        code: cc(a.category === 'medication' ? RXNORM : SNOMED, a.code, a.text),
        patient: patientRef,
        recordedDate: iso(admit - rng.int(30, 3000) * DAY),
        reaction: [{ manifestation: [{ text: a.reaction }], severity: a.severity }],
      });
    }
  }

  for (const p of problems) {
    out('Condition', {
      resourceType: 'Condition',
      id: rng.uuid(),
      clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'Active'),
      verificationStatus: cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
      category: [cc('http://terminology.hl7.org/CodeSystem/condition-category', p === reason ? 'encounter-diagnosis' : 'problem-list-item', p === reason ? 'Encounter Diagnosis' : 'Problem List Item')],
      code: cc(SNOMED, p.code, p.text),
      subject: patientRef,
      encounter: p === reason ? encRef : undefined,
      onsetDateTime: iso(p === reason ? admit - rng.int(1, 72) * HOUR : admit - rng.int(60, 5000) * DAY),
      recordedDate: iso(admit),
    });
  }

  // Medication orders and the MAR of the window.
  const drugs = rng.sample(DRUGS, rng.int(10, 25));
  for (const d of drugs) {
    const orderId = rng.uuid();
    const start = Math.floor((admit + rng.int(0, 12) * HOUR) / HOUR) * HOUR + HOUR;
    const prescriber = rng.chance(0.7) ? attending : resident;
    const timing = d.prn
      ? { code: { text: `${d.code} PRN` }, repeat: { frequency: 1, period: Number(/\d+/.exec(d.code)?.[0] ?? 6), periodUnit: 'h' } }
      : timingFor(d.code);
    out('MedicationRequest', {
      resourceType: 'MedicationRequest',
      id: orderId,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: cc(RXNORM, d.rxnorm, d.name),
      subject: patientRef,
      encounter: encRef,
      authoredOn: iso(start - HOUR),
      requester: ref('Practitioner', prescriber.id, prescriber.name),
      dosageInstruction: [
        {
          sequence: 1,
          text: `${d.dose} ${d.unit} ${d.route.toLowerCase()} ${d.prn ? `every ${/\d+/.exec(d.code)?.[0] ?? 6} hours as needed` : d.code}`,
          timing: { ...timing, repeat: { ...timing.repeat, boundsPeriod: { start: iso(start) } } },
          asNeededBoolean: d.prn ? true : undefined,
          route: cc(SNOMED, routeCode(d.route), d.route),
          doseAndRate: [{ doseQuantity: { value: d.dose, unit: d.unit, system: 'http://unitsofmeasure.org', code: d.unit } }],
        },
      ],
    });
    const admin = (at: number, status: string, reasonText: string | null) => {
      const given = status === 'completed';
      const by = rng.chance(0.8) ? nurse : rng.pick(ctx.nurses);
      out('MedicationAdministration', {
        resourceType: 'MedicationAdministration',
        id: rng.uuid(),
        status,
        statusReason: reasonText ? [{ text: reasonText }] : undefined,
        medicationCodeableConcept: cc(RXNORM, d.rxnorm, d.name),
        subject: patientRef,
        context: encRef,
        effectiveDateTime: iso(at),
        performer: [{ actor: ref('Practitioner', by.id, by.name) }],
        request: ref('MedicationRequest', orderId),
        dosage: given ? { route: cc(SNOMED, routeCode(d.route), d.route), dose: { value: d.dose, unit: d.unit, system: 'http://unitsofmeasure.org', code: d.unit } } : undefined,
      });
    };
    if (d.prn) {
      let at = Math.max(start, windowStart) + rng.int(1, 20) * HOUR;
      while (at < now && rng.chance(0.6)) {
        admin(at, 'completed', null);
        at += rng.int(6, 30) * HOUR;
      }
      continue;
    }
    const dueAt = dueTimes({ code: d.code, frequency: null, period: null, periodUnit: null, timeOfDay: [] }, start, null, windowStart, now);
    for (const due of dueAt) {
      if (due > now - 45 * 60_000 && rng.chance(0.5)) continue; // due now, not yet charted
      const roll = rng.next();
      if (roll < 0.05) admin(Math.min(now, due + rng.int(0, 20) * 60_000), 'not-done', rng.pick(['Held: NPO for procedure', 'Held: heart rate below 55', 'Held: systolic blood pressure below 100', 'Held: patient off unit']));
      else if (roll < 0.08) admin(Math.min(now, due + rng.int(0, 20) * 60_000), 'not-done', 'Refused by patient');
      else admin(Math.min(now, due + rng.int(-20, 40) * 60_000), 'completed', null);
    }
  }

  // Vital signs: every 4 h (ICU: every hour).
  const base = { hr: rng.normal(82, 10), sbp: rng.normal(128, 14), rr: rng.normal(17, 2), t: rng.normal(37, 0.3), spo2: rng.normal(96, 1.5) };
  const every = unit.vitalsEvery * HOUR;
  const vitalStart = Math.ceil(Math.max(windowStart, admit) / every) * every;
  const vitalsCategory = [cc('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs', 'Vital Signs')];
  const vital = (at: number, code: string, text: string, value: number, unitCode: string, low: number, high: number) => {
    const interp = value < low ? 'L' : value > high ? 'H' : null;
    out('Observation', {
      resourceType: 'Observation',
      id: rng.uuid(),
      status: 'final',
      category: vitalsCategory,
      code: cc(LOINC, code, text),
      subject: patientRef,
      encounter: encRef,
      effectiveDateTime: iso(at),
      performer: [ref('Practitioner', nurse.id, nurse.name)],
      valueQuantity: { value, unit: unitCode, system: 'http://unitsofmeasure.org', code: unitCode },
      interpretation: interp ? [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', interp, interp === 'H' ? 'High' : 'Low')] : undefined,
    });
  };
  for (let at = vitalStart; at <= now; at += every) {
    vital(at, '8867-4', 'Heart rate', Math.round(rng.normal(base.hr, 8)), '/min', 60, 100);
    vital(at, '9279-1', 'Respiratory rate', Math.round(rng.normal(base.rr, 2)), '/min', 12, 20);
    vital(at, '8310-5', 'Body temperature', round(rng.normal(base.t, 0.35), 1), 'Cel', 36.1, 38);
    vital(at, '59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', Math.min(100, Math.round(rng.normal(base.spo2, 1.5))), '%', 92, 100);
    const sbp = Math.round(rng.normal(base.sbp, 10));
    const dbp = Math.round(sbp * 0.6 + rng.normal(0, 5));
    out('Observation', {
      resourceType: 'Observation',
      id: rng.uuid(),
      status: 'final',
      category: vitalsCategory,
      code: cc(LOINC, '85354-9', 'Blood pressure panel with all children optional'),
      subject: patientRef,
      encounter: encRef,
      effectiveDateTime: iso(at),
      performer: [ref('Practitioner', nurse.id, nurse.name)],
      interpretation: sbp > 160 || sbp < 90 ? [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', sbp > 160 ? 'H' : 'L', sbp > 160 ? 'High' : 'Low')] : undefined,
      component: [
        { code: cc(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: { value: sbp, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: cc(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: { value: dbp, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    });
    if (at % (4 * HOUR) === 0) vital(at, '72514-3', 'Pain severity - 0-10 verbal numeric rating [Score] - Reported', rng.int(0, rng.chance(0.3) ? 8 : 3), '{score}', 0, 10);
  }
  const weight = round(rng.normal(female ? 72 : 84, 14), 1);
  vital(Math.max(admit, windowStart), '29463-7', 'Body weight', weight, 'kg', 0, 500);
  vital(Math.max(admit, windowStart), '8302-2', 'Body height', round(rng.normal(female ? 163 : 176, 7), 1), 'cm', 0, 300);

  // Daily labs at 05:00, with reference ranges and abnormal flags, and their reports.
  const labDay = (at: number) => {
    const panel = (name: string, loinc: string, defs: LabDef[]) => {
      const ids: { reference: string; display: string }[] = [];
      for (const def of defs) {
        const id = rng.uuid();
        const value = round(Math.max(def.low / 4, rng.normal(def.mean, def.sd)), def.decimals);
        const interp = value < def.low ? (value < def.low * 0.8 ? 'LL' : 'L') : value > def.high ? (value > def.high * 1.5 ? 'HH' : 'H') : 'N';
        out('Observation', {
          resourceType: 'Observation',
          id,
          status: 'final',
          category: [cc('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory', 'Laboratory')],
          code: cc(LOINC, def.loinc, def.text),
          subject: patientRef,
          encounter: encRef,
          effectiveDateTime: iso(at),
          issued: iso(at + 70 * 60_000),
          valueQuantity: { value, unit: def.unit, system: 'http://unitsofmeasure.org', code: def.unit },
          interpretation: [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', interp, { N: 'Normal', L: 'Low', LL: 'Critical low', H: 'High', HH: 'Critical high' }[interp] ?? interp)],
          referenceRange: [{ low: { value: def.low, unit: def.unit }, high: { value: def.high, unit: def.unit } }],
        });
        ids.push({ reference: `Observation/${id}`, display: def.text });
      }
      out('DiagnosticReport', {
        resourceType: 'DiagnosticReport',
        id: rng.uuid(),
        status: 'final',
        category: [cc('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory')],
        code: cc(LOINC, loinc, name),
        subject: patientRef,
        encounter: encRef,
        effectiveDateTime: iso(at),
        issued: iso(at + 75 * 60_000),
        performer: [ref('Organization', ctx.orgId, ctx.facility)],
        result: ids,
      });
    };
    panel('Basic metabolic panel - Serum or Plasma', '51990-0', BMP);
    panel('CBC panel - Blood by Automated count', '58410-2', CBC);
    panel('Additional chemistry', '24323-8', unit.kind === 'ICU' ? EXTRA_LABS : EXTRA_LABS.slice(0, 1));
  };
  for (let day = Math.floor(windowStart / DAY) * DAY; day <= now; day += DAY) {
    const at = day + 5 * HOUR;
    if (at >= admit && at >= windowStart && at + 75 * 60_000 <= now) labDay(at);
  }
  if (admit >= windowStart) labDay(admit + 30 * 60_000 <= now - 2 * HOUR ? admit + 30 * 60_000 : admit);

  // Code status (Observation) and flags.
  const codeRoll = rng.next();
  let acc = 0;
  const code = CODE_STATUS.find((c) => (acc += c.weight) > codeRoll) ?? (CODE_STATUS[0] as (typeof CODE_STATUS)[number]);
  out('Observation', {
    resourceType: 'Observation',
    id: rng.uuid(),
    status: 'final',
    category: [cc('http://terminology.hl7.org/CodeSystem/observation-category', 'survey', 'Survey')],
    code: cc(LOINC, '75320-2', 'Advance directive', 'Code status'),
    subject: patientRef,
    encounter: encRef,
    effectiveDateTime: iso(admit + 2 * HOUR),
    valueCodeableConcept: cc(SNOMED, code.code, code.text),
  });
  if (rng.chance(0.18)) {
    const iso0 = rng.pick(ISOLATION);
    out('Flag', {
      resourceType: 'Flag',
      id: rng.uuid(),
      status: 'active',
      category: [cc('http://terminology.hl7.org/CodeSystem/flag-category', 'safety', 'Safety')],
      code: cc(SNOMED, iso0.code, iso0.text),
      subject: patientRef,
      encounter: encRef,
      period: { start: iso(admit + HOUR) },
    });
  }
  if (age > 70 || rng.chance(0.2)) {
    out('Flag', {
      resourceType: 'Flag',
      id: rng.uuid(),
      status: 'active',
      category: [cc('http://terminology.hl7.org/CodeSystem/flag-category', 'safety', 'Safety')],
      code: cc(SNOMED, '129839007', 'At risk for falls', 'High fall risk'),
      subject: patientRef,
      period: { start: iso(admit + HOUR) },
    });
  }

  // Notes: H&P, a physician progress note a day, a nursing note a shift.
  const note = (at: number, loinc: string, title: string, author: Staff, text: string, html: boolean) => {
    if (at > now) return;
    out('DocumentReference', {
      resourceType: 'DocumentReference',
      id: rng.uuid(),
      status: 'current',
      docStatus: 'final',
      type: cc(LOINC, loinc, title),
      category: [cc('http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', 'clinical-note', 'Clinical Note')],
      subject: patientRef,
      date: iso(at),
      author: [ref('Practitioner', author.id, author.name)],
      content: [{ attachment: { contentType: html ? 'text/html' : 'text/plain', data: b64(text), title } }],
      context: { encounter: [encRef], period: { start: iso(at) } },
    });
  };
  const name = `${given} ${family}`;
  note(admit + HOUR, '34117-2', 'History and physical note', attending,
    `<h2>History and physical</h2><p><b>${name}</b>, ${age}-year-old ${female ? 'woman' : 'man'} admitted to ${unit.name} with ${reason.text.toLowerCase()}.</p><p>History: ${problems.slice(1).map((p) => p.text).join(', ') || 'none significant'}.</p><p>Plan: admit, monitor, continue home medications as appropriate.</p>`, true);
  for (let day = Math.floor(Math.max(windowStart, admit) / DAY) * DAY; day <= now; day += DAY) {
    const md = day + 10 * HOUR;
    if (md > admit + 2 * HOUR) note(md, '11506-3', 'Progress note', rng.chance(0.6) ? attending : resident,
      `Progress note. Hospital day ${Math.max(1, Math.round((md - admit) / DAY))}. ${reason.text}: ${rng.pick(['improving', 'stable', 'slowly improving', 'unchanged'])}. Vitals reviewed. Labs reviewed. Continue current plan. Code status: ${code.text}.`, false);
    for (const shift of [7, 19]) {
      const at = day + shift * HOUR + 30 * 60_000;
      if (at >= windowStart && at > admit) note(at, '34746-8', 'Nurse note', nurse,
        `Shift assessment. Alert and oriented x${rng.int(2, 4)}. ${rng.pick(['Ambulating with assistance.', 'Bed rest, repositioned every 2 hours.', 'Up to chair.'])} Pain ${rng.int(0, 6)}/10. ${rng.pick(['Tolerating diet.', 'NPO.', 'Poor appetite.'])} IV site clean, dry and intact. Call light within reach.`, false);
    }
  }

  // Orders, care plan, care team, procedures, immunizations, coverage.
  for (const o of rng.sample(ORDERS, rng.int(4, 8))) {
    out('ServiceRequest', {
      resourceType: 'ServiceRequest',
      id: rng.uuid(),
      status: 'active',
      intent: 'order',
      priority: rng.chance(0.15) ? 'stat' : 'routine',
      category: [{ text: o.category }],
      code: cc(o.category === 'Laboratory' ? LOINC : SNOMED, o.code, o.text),
      subject: patientRef,
      encounter: encRef,
      authoredOn: iso(admit + rng.int(1, 6) * HOUR),
      requester: ref('Practitioner', attending.id, attending.name),
    });
  }
  out('CarePlan', {
    resourceType: 'CarePlan',
    id: rng.uuid(),
    status: 'active',
    intent: 'plan',
    title: 'Nursing plan of care',
    category: [cc(SNOMED, '734163000', 'Care plan')],
    subject: patientRef,
    encounter: encRef,
    period: { start: iso(admit + HOUR) },
    description: `Goals: safety, pain control, ${reason.text.toLowerCase()} management.`,
    activity: [{ detail: { status: 'in-progress', description: 'Fall prevention: bed low, call light in reach' } }, { detail: { status: 'in-progress', description: 'Pain reassessment within 1 hour of PRN analgesia' } }],
  });
  out('CareTeam', {
    resourceType: 'CareTeam',
    id: rng.uuid(),
    status: 'active',
    name: `${unit.name} care team`,
    subject: patientRef,
    encounter: encRef,
    period: { start: iso(admit) },
    participant: [
      { role: [cc(SNOMED, '405279007', 'Attending physician')], member: ref('Practitioner', attending.id, attending.name) },
      { role: [cc(SNOMED, '224535009', 'Registered nurse')], member: ref('Practitioner', nurse.id, nurse.name) },
      { role: [cc(SNOMED, '309343006', 'Physician')], member: ref('Practitioner', resident.id, resident.name) },
    ],
  });
  if (unit.kind === 'ICU' || rng.chance(0.3)) {
    const proc = unit.kind === 'ICU' ? { code: '233527006', text: 'Central venous catheter insertion' } : rng.pick([{ code: '45595009', text: 'Peripheral intravenous catheter insertion' }, { code: '40701008', text: 'Echocardiography' }, { code: '73761001', text: 'Colonoscopy' }]);
    out('Procedure', {
      resourceType: 'Procedure',
      id: rng.uuid(),
      status: 'completed',
      code: cc(SNOMED, proc.code, proc.text),
      subject: patientRef,
      encounter: encRef,
      performedDateTime: iso(Math.min(now, admit + rng.int(1, 20) * HOUR)),
      performer: [{ actor: ref('Practitioner', resident.id, resident.name) }],
    });
  }
  if (rng.chance(0.6)) {
    out('Immunization', {
      resourceType: 'Immunization',
      id: rng.uuid(),
      status: 'completed',
      vaccineCode: cc('http://hl7.org/fhir/sid/cvx', '140', 'Influenza, seasonal, injectable, preservative free'),
      patient: patientRef,
      occurrenceDateTime: iso(admit - rng.int(20, 300) * DAY),
      primarySource: false,
    });
  }
  out('Coverage', {
    resourceType: 'Coverage',
    id: rng.uuid(),
    status: 'active',
    type: { text: rng.pick(['Medicare', 'Medicaid', 'Commercial', 'Self-pay']) },
    beneficiary: patientRef,
    payor: [{ display: 'Demo Health Plan' }],
  });
}

function timingFor(code: string): { code: object; repeat: Record<string, unknown> } {
  const per: Record<string, [number, number, string]> = {
    QD: [1, 1, 'd'], QHS: [1, 1, 'd'], BID: [2, 1, 'd'], TID: [3, 1, 'd'], QID: [4, 1, 'd'],
    Q4H: [1, 4, 'h'], Q6H: [1, 6, 'h'], Q8H: [1, 8, 'h'], Q12H: [1, 12, 'h'], Q24H: [1, 24, 'h'],
  };
  const [frequency, period, periodUnit] = per[code] ?? [1, 1, 'd'];
  return {
    code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code }], text: code },
    repeat: { frequency, period, periodUnit },
  };
}

function routeCode(route: string): string {
  return (
    { Oral: '26643006', Intravenous: '47625008', Subcutaneous: '34206005', Inhalation: '447694001', Transdermal: '45890007' } as Record<string, string>
  )[route] ?? '284009009';
}
