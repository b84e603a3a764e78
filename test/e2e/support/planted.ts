import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedHome, readResources, rewriteResources, type GeneratedHomeOptions } from './homes';

/**
 * The cases the safety specs need, planted in a generated export before it is published: a
 * patient with known allergies, a held and a refused dose and an abnormal lab in the MAR
 * window, and an HTML protocol carrying script, handlers, a form and remote content. What a
 * spec expects is what was planted, or read back from the export; nothing here answers a query.
 */

export interface PlantedAllergy {
  substance: string;
  severity: 'mild' | 'moderate' | 'severe';
  criticality: 'low' | 'high';
  reaction: string;
}

export interface PlantedDose {
  medication: string;
  orderId: string;
  at: string;
  reason: string;
}

export interface KnownPatient {
  id: string;
  /** As the chart names a patient: "Family, Given Middle". */
  name: string;
  mrn: string;
  birthDate: string;
  unitId: string;
  allergies: PlantedAllergy[];
  held: PlantedDose;
  refused: PlantedDose;
  lab: { display: string; value: number; unit: string; low: number; high: number; at: string };
}

export interface HostileProtocol {
  title: string;
  /** The text a nurse must still read once the markup is made harmless. */
  text: string;
  criteria: string[];
}

export interface Planted {
  known: KnownPatient;
  protocol: HostileProtocol;
}

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const LOINC = 'http://loinc.org';
const ref = (r: unknown) => (r as { reference?: string } | undefined)?.reference ?? '';
const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');

const ALLERGIES: PlantedAllergy[] = [
  { substance: 'Penicillin', severity: 'severe', criticality: 'high', reaction: 'Anaphylaxis' },
  { substance: 'Latex', severity: 'moderate', criticality: 'low', reaction: 'Contact dermatitis' },
];

const PROTOCOL: HostileProtocol = {
  title: 'Rapid response team activation',
  text: 'Call extension 5555 for any of the criteria below.',
  criteria: ['Heart rate below 40 or above 130', 'Systolic BP below 90', 'New confusion or agitation'],
};

/** The HTML as a careless intranet page could send it: every way markup could act or reach out. */
const protocolHtml = (p: HostileProtocol) => `<!doctype html><html><head><title>${p.title}</title></head><body>
<h1>${p.title}</h1>
<p onclick="window.__lanternPwned='onclick'">${p.text.replace('extension 5555', '<strong>extension 5555</strong>')}</p>
<script>window.__lanternPwned = 'protocol-script'</script>
<img src="https://tracker.example.org/pixel.gif" alt="remote image">
<img src="x" onerror="window.__lanternPwned='protocol-img'" alt="broken">
<form action="https://evil.example.org"><input name="q"><button>Send</button></form>
<ul style="color:red">${p.criteria.map((c) => `<li>${c}</li>`).join('')}</ul>
<a href="javascript:window.__lanternPwned='href'">details</a>
<iframe src="https://evil.example.org"></iframe>
</body></html>
`;

/** The unit a patient's current encounter puts them in: encounter bed, its room, the room's unit. */
function unitOf(fhirDir: string, patientId: string): string {
  const locations = new Map(readResources(fhirDir, 'Location').map((l) => [`Location/${String(l['id'])}`, l]));
  const encounter = readResources(fhirDir, 'Encounter').find((e) => ref(e['subject']) === `Patient/${patientId}` && e['status'] === 'in-progress');
  const bed = ref((encounter?.['location'] as Array<{ location: unknown }> | undefined)?.[0]?.location);
  const room = ref(locations.get(bed)?.['partOf']);
  const unit = ref(locations.get(room)?.['partOf']);
  if (!unit) throw new Error(`the export puts patient ${patientId} in no unit`);
  return unit.slice('Location/'.length);
}

/** Plant the cases in an export (the first patient is the known one); returns what was planted. */
export function plantSafetyCases(fhirDir: string): Planted {
  const asOf = Date.parse((JSON.parse(readFileSync(path.join(fhirDir, 'manifest.json'), 'utf8')) as { transactionTime: string }).transactionTime);
  const patient = readResources(fhirDir, 'Patient')[0]!;
  const id = String(patient['id']);
  const subject = { reference: `Patient/${id}` };
  const official = (patient['name'] as Array<{ use?: string; family: string; given: string[] }>).find((n) => n.use === 'official')!;
  const mrn = (patient['identifier'] as Array<{ type?: { coding?: Array<{ code?: string }> }; value: string }>).find((i) => i.type?.coding?.[0]?.code === 'MR')!.value;

  // Allergies: these two, and nothing else the generator gave this patient.
  rewriteResources(fhirDir, 'AllergyIntolerance', (all) => [
    ...all.filter((a) => ref(a['patient']) !== subject.reference),
    ...ALLERGIES.map((a, i) => ({
      resourceType: 'AllergyIntolerance',
      id: `e2e-known-allergy-${i}`,
      clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] },
      verificationStatus: { coding: [{ system: VERIFICATION, code: 'confirmed' }] },
      type: 'allergy',
      criticality: a.criticality,
      code: { text: a.substance },
      patient: subject,
      reaction: [{ manifestation: [{ text: a.reaction }], severity: a.severity }],
    })),
  ]);

  // A held and a refused dose of one of the patient's scheduled orders, inside the MAR window.
  const order = readResources(fhirDir, 'MedicationRequest').find((m) => ref(m['subject']) === subject.reference && m['status'] === 'active' && !(m['dosageInstruction'] as Array<{ asNeededBoolean?: boolean }>)[0]?.asNeededBoolean)!;
  const medicationConcept = order['medicationCodeableConcept'] as { text: string };
  const dose = (at: number, reason: string): PlantedDose => ({ medication: medicationConcept.text, orderId: String(order['id']), at: minute(at), reason });
  const held = dose(asOf - 2 * 3_600_000 - 7 * 60_000, 'Held: heart rate 52');
  const refused = dose(asOf - 14 * 3_600_000 - 11 * 60_000, 'Refused by patient');
  rewriteResources(fhirDir, 'MedicationAdministration', (all) => [
    ...all,
    ...[held, refused].map((d, i) => ({
      resourceType: 'MedicationAdministration',
      id: `e2e-known-not-given-${i}`,
      status: 'not-done',
      statusReason: [{ text: d.reason }],
      medicationCodeableConcept: medicationConcept,
      subject,
      effectiveDateTime: d.at,
      request: { reference: `MedicationRequest/${d.orderId}` },
    })),
  ]);

  // A potassium above its range, the newest lab of the chart.
  const lab = { display: 'Potassium', value: 5.9, unit: 'mmol/L', low: 3.5, high: 5.1, at: minute(asOf - 60 * 60_000) };
  rewriteResources(fhirDir, 'Observation', (all) => [
    ...all,
    {
      resourceType: 'Observation',
      id: 'e2e-known-potassium',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '2823-3' }], text: lab.display },
      subject,
      effectiveDateTime: lab.at,
      valueQuantity: { value: lab.value, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] }],
      referenceRange: [{ low: { value: lab.low, unit: lab.unit }, high: { value: lab.high, unit: lab.unit } }],
    },
  ]);

  const protocols = path.join(fhirDir, 'protocols', 'emergency');
  mkdirSync(protocols, { recursive: true });
  writeFileSync(path.join(protocols, 'rapid-response-activation.html'), protocolHtml(PROTOCOL));

  return {
    known: {
      id,
      name: `${official.family}, ${official.given.join(' ')}`,
      mrn,
      birthDate: String(patient['birthDate']),
      unitId: unitOf(fhirDir, id),
      allergies: ALLERGIES,
      held,
      refused,
      lab,
    },
    protocol: PROTOCOL,
  };
}

/** The patient of an export with the most vital-sign times (rows of the vitals flowsheet), and how many. */
export function mostVitalSets(fhirDir: string): { patientId: string; sets: number } {
  const times = new Map<string, Set<string>>();
  for (const o of readResources(fhirDir, 'Observation')) {
    const vital = (o['category'] as Array<{ coding?: Array<{ code?: string }> }> | undefined)?.some((c) => c.coding?.some((x) => x.code === 'vital-signs'));
    if (!vital) continue;
    const patient = ref(o['subject']).slice('Patient/'.length);
    const set = times.get(patient) ?? new Set<string>();
    set.add(String(o['effectiveDateTime']));
    times.set(patient, set);
  }
  const [patientId, sets] = [...times].sort((a, b) => b[1].size - a[1].size)[0]!;
  return { patientId, sets: sets.size };
}

/** The beds of a unit in an export that no in-progress encounter occupies (their ids). */
export function emptyBeds(fhirDir: string, unitId: string): string[] {
  const locations = readResources(fhirDir, 'Location');
  const rooms = new Set(locations.filter((l) => ref(l['partOf']) === `Location/${unitId}`).map((l) => `Location/${String(l['id'])}`));
  const occupied = new Set(
    readResources(fhirDir, 'Encounter')
      .filter((e) => e['status'] === 'in-progress')
      .flatMap((e) => (e['location'] as Array<{ location: unknown }> | undefined ?? []).map((l) => ref(l.location))),
  );
  return locations
    .filter((l) => rooms.has(ref(l['partOf'])) && !occupied.has(`Location/${String(l['id'])}`))
    .map((l) => String(l['id']));
}

/** A generated home with the safety cases planted (and whatever else `edit` changes). */
export async function plantedHome(options: GeneratedHomeOptions = {}) {
  let planted: Planted | null = null;
  const home = await generatedHome({
    ...options,
    edit: (dir) => {
      planted = plantSafetyCases(dir);
      options.edit?.(dir);
    },
  });
  return { ...home, planted: planted! as Planted };
}
