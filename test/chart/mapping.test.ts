import { decodeItemData, encodeItemData, itemDataJson } from '../../electron/core/chart/compact';
import { S, mapResource } from '../../electron/core/chart/map';
import { R, mapLine, packRecords, unpackRecords } from '../../electron/core/chart/mapper';
import { ITEM } from '../../electron/core/chart/tables';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../electron/shared/contract';
import { buildChartDb, type InlineExport } from '../support/chart-db';

const ASOF = '2026-03-01T12:00:00.000Z';
const P = 'Patient/p1';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const cc = (code: string, display?: string, system = 'http://loinc.org') => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

/** A hand-written export with the shapes real extracts have, in an awkward file order. */
function edgeExport(): InlineExport {
  return {
    // Clinical files before the Patient file: resolution must not depend on order.
    Observation: [
      { resourceType: 'Observation', id: 'bp1', status: 'final', category: [cc('vital-signs', undefined, 'http://terminology.hl7.org/CodeSystem/observation-category')], code: cc('85354-9', 'Blood pressure panel'), subject: { reference: P }, effectiveDateTime: '2026-03-01T08:00:00Z',
        component: [{ code: cc('8480-6', 'Systolic'), valueQuantity: { value: 182, unit: 'mm[Hg]' }, interpretation: [cc('H', 'High', 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation')] }, { code: cc('8462-4', 'Diastolic'), valueQuantity: { value: 95, unit: 'mm[Hg]' } }] },
      { resourceType: 'Observation', id: 'bp2', status: 'final', category: [cc('vital-signs')], code: cc('85354-9'), subject: { reference: 'urn:uuid:p1' }, effectiveDateTime: '2026-03-01T04:00:00Z',
        component: [{ code: cc('8480-6'), valueQuantity: { value: 120, unit: 'mm[Hg]' } }, { code: cc('8462-4'), valueQuantity: { value: 70, unit: 'mm[Hg]' } }] },
      { resourceType: 'Observation', id: 'k1', status: 'final', category: [cc('laboratory')], code: cc('2823-3'), subject: { reference: P }, effectiveDateTime: '2026-03-01T05:00:00Z',
        valueQuantity: { value: 6.1, unit: 'mmol/L' }, referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }] },
      { resourceType: 'Observation', id: 'na1', status: 'final', category: [cc('laboratory')], code: cc('2951-2', 'Sodium'), subject: { reference: P }, effectiveDateTime: '2026-03-01T05:00:00Z',
        valueQuantity: { value: 139, unit: 'mmol/L' }, interpretation: [cc('N')], referenceRange: [{ text: '136-145 mmol/L' }] },
      { resourceType: 'Observation', id: 'w1', status: 'final', code: cc('29463-7', 'Body weight'), subject: { reference: P }, effectiveDateTime: '2026-03-01T06:00:00Z', valueQuantity: { value: 81.2, unit: 'kg' } },
      { resourceType: 'Observation', id: 'smoke', status: 'final', category: [cc('social-history')], code: cc('72166-2', 'Tobacco smoking status'), subject: { reference: P }, valueCodeableConcept: { text: 'Former smoker' } },
      { resourceType: 'Observation', id: 'cs-old', status: 'final', code: cc('75320-2', 'Advance directive'), subject: { reference: P }, effectiveDateTime: '2026-02-27T10:00:00Z', valueCodeableConcept: { text: 'Full code' } },
      { resourceType: 'Observation', id: 'orphan', status: 'final', code: cc('8867-4'), subject: { reference: 'Patient/nobody' }, valueQuantity: { value: 80, unit: '/min' } },
      { resourceType: 'Observation', id: 'nosubject', status: 'final', code: cc('8867-4'), valueQuantity: { value: 80, unit: '/min' } },
      '{"resourceType":"Observation","id":"broken",',
      { resourceType: 'Condition', id: 'wrongfile', subject: { reference: P } },
      { resourceType: 'Observation', status: 'final' },
    ],
    Flag: [
      { resourceType: 'Flag', id: 'f-iso', status: 'active', code: { text: 'Contact isolation: MRSA' }, subject: { reference: P } },
      { resourceType: 'Flag', id: 'f-fall', status: 'active', code: { text: 'High fall risk' }, subject: { reference: P } },
      { resourceType: 'Flag', id: 'f-old-iso', status: 'inactive', code: { text: 'Droplet isolation: influenza' }, subject: { reference: P } },
      { resourceType: 'Flag', id: 'f-dnr', status: 'active', code: { text: 'DNR/DNI' }, subject: { reference: P }, period: { start: '2026-02-28T10:00:00Z' } },
    ],
    Consent: [
      { resourceType: 'Consent', id: 'c-dnr', status: 'active', scope: cc('adr', undefined, 'http://terminology.hl7.org/CodeSystem/consentscope'), category: [{ text: 'Do not resuscitate (DNR)' }], patient: { reference: 'Patient/p2' }, dateTime: '2026-01-01' },
      { resourceType: 'Consent', id: 'c-privacy', status: 'active', scope: cc('patient-privacy'), category: [{ text: 'Privacy notice' }], patient: { reference: 'Patient/p2' } },
    ],
    Patient: [
      {
        resourceType: 'Patient', id: 'p1',
        identifier: [
          { system: 'urn:example:ssn', value: '999-00-1234' },
          { type: cc('MR', 'Medical Record Number', 'http://terminology.hl7.org/CodeSystem/v2-0203'), system: 'urn:example:mrn', value: 'MRN-0042' },
        ],
        name: [{ use: 'nickname', given: ['Bobby'] }, { use: 'official', family: "O'Brien", given: ['Robert', 'James'] }],
        gender: 'male', birthDate: '1950-04-03',
        telecom: [{ system: 'email', value: 'x@example.org' }, { system: 'phone', value: '555-0199' }],
        address: [{ line: ['1 Example St'], city: 'Springfield', state: 'ZZ', postalCode: '00000' }],
        contact: [{ relationship: [{ text: 'Daughter' }], name: { given: ['Ann'], family: "O'Brien" }, telecom: [{ system: 'phone', value: '555-0100' }] }],
      },
      { resourceType: 'Patient', id: 'p2', identifier: [{ value: 'X2' }], name: [{ text: 'Jane Q. Deceased' }], gender: 'female', birthDate: '1930-01-01', deceasedDateTime: '2026-02-28T03:00:00Z' },
    ],
    Location: [
      { resourceType: 'Location', id: 'ward', name: 'ICU East', physicalType: cc('wa', 'Ward'), identifier: [{ value: 'ICU-E' }] },
      { resourceType: 'Location', id: 'room1', name: '12', physicalType: cc('ro'), partOf: { reference: 'Location/ward' } },
      { resourceType: 'Location', id: 'bed1', name: '12-A', physicalType: cc('bd'), partOf: { reference: 'Location/room1' } },
      { resourceType: 'Location', id: 'bed2', name: '12-B', physicalType: cc('bd'), partOf: { reference: 'Location/room1' } },
    ],
    Practitioner: [{ resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'House', given: ['Greg'], prefix: ['Dr.'] }] }],
    Medication: [{ resourceType: 'Medication', id: 'med-ext', code: { text: 'Vancomycin 1 g IV' } }],
    Encounter: [
      { resourceType: 'Encounter', id: 'e-old', status: 'finished', class: { code: 'AMB' }, subject: { reference: P }, period: { start: '2025-01-01T10:00:00Z', end: '2025-01-01T11:00:00Z' } },
      { resourceType: 'Encounter', id: 'e1', status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: P },
        period: { start: '2026-02-27T09:00:00Z' }, participant: [{ type: [cc('ATND', undefined, 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType')], individual: { reference: 'Practitioner/dr1' } }],
        location: [{ location: { reference: 'Location/bed1' }, status: 'active' }], reasonCode: [{ text: 'Sepsis' }] },
    ],
    AllergyIntolerance: [
      { resourceType: 'AllergyIntolerance', id: 'a1', clinicalStatus: cc('active'), verificationStatus: cc('confirmed'), criticality: 'high', category: ['medication'], code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980' }] }, patient: { reference: P }, reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }] },
      { resourceType: 'AllergyIntolerance', id: 'a2', clinicalStatus: cc('inactive'), code: { text: 'Latex' }, patient: { reference: P } },
      { resourceType: 'AllergyIntolerance', id: 'nka', code: cc('716186003', 'No known allergy', 'http://snomed.info/sct'), patient: { reference: 'Patient/p2' } },
    ],
    Condition: [{ resourceType: 'Condition', id: 'c1', clinicalStatus: cc('active'), code: cc('91302008', 'Sepsis', 'http://snomed.info/sct'), subject: { reference: P }, onsetDateTime: '2026-02-27' }],
    MedicationRequest: [
      { resourceType: 'MedicationRequest', id: 'mr1', status: 'active', intent: 'order', contained: [{ resourceType: 'Medication', id: 'm1', code: { text: 'Metoprolol tartrate 25 mg tablet' } }], medicationReference: { reference: '#m1' }, subject: { reference: P }, requester: { reference: 'Practitioner/dr1' }, authoredOn: '2026-02-27T09:30:00Z',
        dosageInstruction: [{ text: '25 mg PO BID', timing: { code: { coding: [{ code: 'BID' }] }, repeat: { boundsPeriod: { start: '2026-02-27T09:00:00Z' } } }, route: { text: 'Oral' }, doseAndRate: [{ doseQuantity: { value: 25, unit: 'mg' } }] }] },
      { resourceType: 'MedicationRequest', id: 'mr2', status: 'active', intent: 'order', medicationReference: { reference: 'Medication/med-ext' }, subject: { reference: P }, authoredOn: '2026-02-28T00:00:00Z',
        dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: '2026-02-28T00:00:00Z' } } }, doseAndRate: [{ doseQuantity: { value: 1, unit: 'g' } }] }] },
      { resourceType: 'MedicationRequest', id: 'mr3', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'Morphine 2 mg IV' }, subject: { reference: P }, authoredOn: '2026-02-28T00:00:00Z',
        dosageInstruction: [{ asNeededBoolean: true, timing: { repeat: { frequency: 1, period: 4, periodUnit: 'h' } } }] },
    ],
    MedicationAdministration: [
      { resourceType: 'MedicationAdministration', id: 'ma1', status: 'completed', medicationReference: { reference: '#x' }, contained: [{ resourceType: 'Medication', id: 'x', code: { text: 'Metoprolol tartrate 25 mg tablet' } }], subject: { reference: P }, effectiveDateTime: '2026-03-01T09:05:00Z', request: { reference: 'MedicationRequest/mr1' }, performer: [{ actor: { reference: 'Practitioner/dr1' } }], dosage: { dose: { value: 25, unit: 'mg' }, route: { text: 'Oral' } } },
      { resourceType: 'MedicationAdministration', id: 'ma2', status: 'not-done', statusReason: [{ text: 'Held: heart rate 52' }], medicationCodeableConcept: { text: 'Metoprolol tartrate 25 mg tablet' }, subject: { reference: P }, effectiveDateTime: '2026-02-28T21:00:00Z', request: { reference: 'MedicationRequest/mr1' } },
      { resourceType: 'MedicationAdministration', id: 'ma3', status: 'completed', medicationCodeableConcept: { text: 'Morphine 2 mg IV' }, subject: { reference: P }, effectiveDateTime: '2026-03-01T02:00:00Z', request: { reference: 'MedicationRequest/mr3' } },
      { resourceType: 'MedicationAdministration', id: 'ma4', status: 'completed', medicationCodeableConcept: { text: 'Ondansetron 4 mg' }, subject: { reference: P }, effectiveDateTime: '2026-03-01T03:00:00Z' },
    ],
    DiagnosticReport: [{ resourceType: 'DiagnosticReport', id: 'dr-cxr', status: 'final', code: { text: 'Chest X-ray' }, subject: { reference: P }, effectiveDateTime: '2026-02-28T12:00:00Z', presentedForm: [{ contentType: 'text/plain', data: b64('No acute cardiopulmonary process.') }] }],
    DocumentReference: [
      { resourceType: 'DocumentReference', id: 'n1', status: 'current', type: { text: 'Nurse note' }, subject: { reference: P }, date: '2026-03-01T07:30:00Z', author: [{ display: 'Pat Nurse, RN' }], content: [{ attachment: { contentType: 'text/plain', data: b64('Patient resting. Pain 2/10.') } }] },
      { resourceType: 'DocumentReference', id: 'n2', status: 'current', type: { text: 'Progress note' }, subject: { reference: P }, date: '2026-03-01T10:00:00Z', content: [{ attachment: { contentType: 'text/html', data: b64('<p onclick="steal()">Plan: <b>continue</b> antibiotics &amp; fluids</p><script>alert(1)</script><img src=x onerror=alert(2)>') } }] },
    ],
    ServiceRequest: [{ resourceType: 'ServiceRequest', id: 'o1', status: 'active', intent: 'order', priority: 'stat', category: [{ text: 'Imaging' }], code: { text: 'Chest X-ray portable' }, subject: { reference: P }, authoredOn: '2026-02-28T11:00:00Z', requester: { reference: 'Practitioner/dr1' } }],
    CarePlan: [{ resourceType: 'CarePlan', id: 'cp1', status: 'active', intent: 'plan', title: 'Sepsis bundle', subject: { reference: P }, activity: [{ detail: { description: 'Lactate every 6 hours' } }] }],
    CareTeam: [{ resourceType: 'CareTeam', id: 'ct1', status: 'active', subject: { reference: P }, participant: [{ role: [{ text: 'Attending' }], member: { reference: 'Practitioner/dr1' } }] }],
    Procedure: [{ resourceType: 'Procedure', id: 'pr1', status: 'completed', code: { text: 'Central line insertion' }, subject: { reference: P }, performedDateTime: '2026-02-27T11:00:00Z' }],
    Immunization: [{ resourceType: 'Immunization', id: 'im1', status: 'completed', vaccineCode: cc('140', undefined, 'http://hl7.org/fhir/sid/cvx'), patient: { reference: P }, occurrenceDateTime: '2025-10-01' }],
    Claim: [{ resourceType: 'Claim', id: 'cl1', status: 'active', type: { text: 'institutional' }, patient: { reference: P }, created: '2026-02-28' }],
    Device: [{ resourceType: 'Device', id: 'dev1', deviceName: [{ name: 'Infusion pump' }], patient: { reference: P } }],
  };
}

describe('FHIR R4 to chart mapping (hand-written edge cases)', () => {
  const { queries, report } = buildChartDb(edgeExport(), { asOf: ASOF });
  const chart = queries.chart({ patientId: 'p1' });

  it('answers in the shape of the IPC contract', () => {
    expect(() => CHANNELS.chart.response.parse(chart)).not.toThrow();
    expect(() => CHANNELS.chart.response.parse(queries.chart({ patientId: 'p2' }))).not.toThrow();
  });

  it('maps the patient: official name, MRN among several identifiers, phone, address, contacts', () => {
    const p = chart.patient;
    expect(p.name).toBe("O'Brien, Robert James");
    expect(p.mrn).toBe('MRN-0042');
    expect(p.identifiers.map((i) => i.value)).toEqual(['999-00-1234', 'MRN-0042']);
    expect(p.birthDate).toBe('1950-04-03');
    expect(p.sex).toBe('male');
    expect(p.phone).toBe('555-0199');
    expect(p.address).toContain('1 Example St');
    expect(p.contacts).toEqual([{ relationship: 'Daughter', name: "Ann O'Brien", phone: '555-0100' }]);
    expect(p.deceased).toBe(false);
    const dead = queries.chart({ patientId: 'p2' }).patient;
    expect(dead.deceased).toBe(true);
    expect(dead.deceasedAt).toBe('2026-02-28T03:00:00Z');
  });

  it('resolves the bed through Location.partOf and names the attending from the Practitioner', () => {
    expect(chart.patient.location).toEqual({ unit: { id: 'ward', name: 'ICU East' }, room: '12', bed: '12-A' });
    expect(chart.encounter?.id).toBe('e1');
    expect(chart.attending).toBe('Dr. Greg House');
    expect(chart.encounters.map((e) => e.id)).toEqual(['e1', 'e-old']);
  });

  it('reports unresolvable patients and malformed lines with file and line, attaching nothing', () => {
    expect(report.unresolved).toEqual(
      expect.arrayContaining([
        { file: 'Observation.ndjson', line: 8, reason: expect.stringContaining('not in the extract') },
        { file: 'Observation.ndjson', line: 9, reason: expect.stringContaining('no patient') },
      ]),
    );
    expect(report.malformed.map((m) => [m.file, m.line])).toEqual([
      ['Observation.ndjson', 10],
      ['Observation.ndjson', 11],
      ['Observation.ndjson', 12],
    ]);
    expect(chart.vitals.map((v) => v.id)).not.toContain('orphan');
    expect(report.counts['Observation']).toBe(9);
  });

  it('maps vitals with components, labs with ranges and abnormal flags, other observations', () => {
    const bp = chart.vitals.find((v) => v.id === 'bp1')!;
    expect(bp.components.map((c) => [c.code.code, c.numeric])).toEqual([['8480-6', 182], ['8462-4', 95]]);
    expect(bp.abnormal).toBe(true);
    expect(chart.vitals.map((v) => v.id)).toEqual(['bp1', 'w1', 'bp2']); // newest first
    const k = chart.labs.find((l) => l.id === 'k1')!;
    expect(k).toMatchObject({ value: '6.1', numeric: 6.1, unit: 'mmol/L', referenceRange: '3.5–5.1 mmol/L', referenceLow: 3.5, referenceHigh: 5.1, flag: 'high', abnormal: true });
    expect(k.code.display).toBe('2823-3'); // a code without display still shows something
    expect(chart.labs.find((l) => l.id === 'na1')).toMatchObject({ flag: 'normal', abnormal: false, referenceRange: '136-145 mmol/L', referenceLow: null, referenceHigh: null, interpretation: 'N' });
    expect(chart.weight).toBe('81.2 kg');
    expect(chart.otherObservations.find((o) => o.id === 'smoke')?.value).toBe('Former smoker');
    const series = queries.series({ patientId: 'p1', code: '8480-6' });
    expect(series.points.map((p) => p.numeric)).toEqual([120, 182]);
  });

  it('takes code status from the latest of Observation, Flag or Consent, and isolation from active flags', () => {
    expect(chart.codeStatus).toBe('DNR/DNI');
    expect(chart.isolation).toEqual(['Contact isolation: MRSA']);
    expect(chart.flags.map((f) => f.title)).toEqual(expect.arrayContaining(['High fall risk', 'Droplet isolation: influenza']));
    expect(queries.chart({ patientId: 'p2' }).codeStatus).toBe('Do not resuscitate (DNR)');
    expect(queries.chart({ patientId: 'p2' }).other.map((o) => o.id)).toEqual(['c-privacy']);
  });

  it('maps allergies with reactions, severity and status; "no known allergies" is not an allergy', () => {
    const a1 = chart.allergies.find((a) => a.id === 'a1')!;
    expect(a1).toMatchObject({ substance: '7980', criticality: 'high', severity: 'moderate', reactions: ['Hives'], clinicalStatus: 'active', verificationStatus: 'confirmed', category: 'medication' });
    const census = queries.census({ unit: 'ward' });
    const bed = census.beds.find((b) => b.bed === '12-A')!;
    expect(bed.patient?.allergies).toEqual(chart.allergySummary);
    expect(bed.patient?.allergies).toMatchObject({ state: 'allergies', active: [{ substance: '7980' }], conflict: false });
    expect(bed.patient).toMatchObject({ id: 'p1', codeStatus: 'DNR/DNI', isolation: ['Contact isolation: MRSA'], attending: 'Dr. Greg House', admitDate: '2026-02-27T09:00:00Z' });
    expect(census.beds.find((b) => b.bed === '12-B')!.patient).toBeNull();
    expect(queries.census({ unit: 'ICU-E' }).unit).toEqual({ id: 'ward', name: 'ICU East' });
  });

  it('maps medication orders (contained and referenced Medication, dose, route, frequency, PRN, prescriber)', () => {
    const m1 = chart.medications.find((m) => m.id === 'mr1')!;
    expect(m1).toMatchObject({ medication: 'Metoprolol tartrate 25 mg tablet', dose: '25 mg', route: 'Oral', frequency: 'BID', prn: false, status: 'active', prescriber: 'Dr. Greg House', start: '2026-02-27T09:00:00Z' });
    expect(chart.medications.find((m) => m.id === 'mr2')).toMatchObject({ medication: 'Vancomycin 1 g IV', frequency: 'every 12 h' });
    expect(chart.medications.find((m) => m.id === 'mr3')).toMatchObject({ prn: true, frequency: 'every 4 h PRN' });
    const held = chart.administrations.find((a) => a.id === 'ma2')!;
    expect(held).toMatchObject({ status: 'not-done', reason: 'Held: heart rate 52', orderId: 'mr1' });
    expect(chart.administrations.find((a) => a.id === 'ma1')).toMatchObject({ performer: 'Dr. Greg House', dose: '25 mg', medication: 'Metoprolol tartrate 25 mg tablet' });
  });

  it('says PRN once, with its reason, whether or not the timing code already says it', () => {
    const order = (timing: object, asNeeded: object) =>
      mapResource('MedicationRequest', { resourceType: 'MedicationRequest', id: 'x', status: 'active', subject: { reference: P },
        medicationCodeableConcept: { text: 'Oxycodone 5 mg' }, dosageInstruction: [{ timing, ...asNeeded }] }, '').data as { frequency: string };
    expect(order({ code: { text: 'Q6H PRN' } }, { asNeededBoolean: true }).frequency).toBe('Q6H PRN');
    expect(order({ code: { text: 'Q6H' } }, { asNeededCodeableConcept: { text: 'pain' } }).frequency).toBe('Q6H PRN (pain)');
  });

  it('decodes notes and reduces HTML to inert text', () => {
    expect(chart.notes.find((n) => n.id === 'n1')).toMatchObject({ text: 'Patient resting. Pain 2/10.', author: 'Pat Nurse, RN', type: 'Nurse note' });
    const html = chart.notes.find((n) => n.id === 'n2')!.text;
    expect(html).toBe('Plan: continue antibiotics & fluids');
    expect(html).not.toMatch(/[<>]|alert|onclick|steal/);
    expect(chart.reports.find((r) => r.id === 'dr-cxr')?.detail).toBe('No acute cardiopulmonary process.');
  });

  it('maps orders, care plans, care team, procedures and immunizations', () => {
    expect(chart.orders[0]).toMatchObject({ id: 'o1', kind: 'Imaging', priority: 'stat', requester: 'Dr. Greg House' });
    expect(chart.orders[0]!.code.display).toBe('Chest X-ray portable');
    expect(chart.carePlans[0]).toMatchObject({ title: 'Sepsis bundle', detail: expect.stringContaining('Lactate every 6 hours') });
    expect(chart.careTeam).toEqual([{ name: 'Dr. Greg House', role: 'Attending', team: null }]);
    expect(chart.procedures[0]).toMatchObject({ title: 'Central line insertion', at: '2026-02-27T11:00:00Z' });
    expect(chart.immunizations[0]).toMatchObject({ title: '140', status: 'completed' });
  });

  it('keeps other types raw and reachable, and counts every resource of the patient', () => {
    expect(chart.other.map((o) => `${o.type}/${o.id}`).sort()).toEqual(['Claim/cl1', 'Device/dev1']);
    expect(chart.other.find((o) => o.id === 'dev1')!.summary).toContain('Infusion pump');
    const rec = queries.record({ patientId: 'p1', type: 'Claim', id: 'cl1' });
    expect(JSON.parse(rec.json)).toMatchObject({ resourceType: 'Claim', id: 'cl1' });
    expect(chart.counts).toEqual({
      Patient: 1, Observation: 7, Flag: 4, Encounter: 2, AllergyIntolerance: 2, Condition: 1, MedicationRequest: 3,
      MedicationAdministration: 4, DiagnosticReport: 1, DocumentReference: 2, ServiceRequest: 1, CarePlan: 1, CareTeam: 1,
      Procedure: 1, Immunization: 1, Claim: 1, Device: 1,
    });
    expect(() => queries.record({ patientId: 'p2', type: 'Claim', id: 'cl1' })).toThrow(/not in this patient/);
  });

  it('refuses unknown patients with a clear error', () => {
    expect(() => queries.chart({ patientId: 'nobody' })).toThrow(/not in this snapshot/);
  });
});

describe('records between threads', () => {
  it('come back from their packed form exactly, whatever characters the resource holds', () => {
    const lines = [
      { resourceType: 'Patient', id: 'p\u0000\u0001', name: [{ family: 'O\u0002Brien', given: ['Zoë'] }], identifier: [{ value: 'MRN\u00001' }] },
      { resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' }, valueQuantity: { value: 1.5, unit: '\u0002' } },
      { resourceType: 'Observation', id: 'o2', valueString: '体温' },
      { resourceType: 'Location', id: 'b1', name: 'Bed 1', physicalType: { coding: [{ code: 'bd' }] }, partOf: { reference: 'Location/r1' } },
      { resourceType: 'Practitioner', id: 'dr' },
    ];
    const records = [
      ...lines.map((r, i) => mapLine(r.resourceType, JSON.stringify(r), i + 1)),
      mapLine('Observation', '{"resourceType":"Observation",', 9),
      mapLine('Observation', '{"resourceType":"Patient","id":"x"}', 10),
    ];
    expect(records.map((r) => r[0])).toEqual([R.PATIENT, R.ITEM, R.ITEM, R.ENTITY, R.ENTITY, R.MALFORMED, R.MALFORMED]);
    expect([...unpackRecords(packRecords(records))]).toEqual(records);
    expect([...unpackRecords(packRecords([]))]).toEqual([]);
  });
});

describe('compact item data (observations and administrations)', () => {
  const exported = edgeExport();
  const items = (['Observation', 'MedicationAdministration'] as const).flatMap((type) =>
    (exported[type] ?? []).flatMap((resource) => {
      const json = typeof resource === 'string' ? resource : JSON.stringify(resource);
      const rec = mapLine(type, json, 1);
      if (rec[0] !== R.ITEM) return [];
      return [{ rec, expected: mapResource(type, JSON.parse(json) as Record<string, unknown>, json).data }];
    }),
  );

  it('reads back as the very contract object the mapper made, and the same JSON', () => {
    expect(items.filter(({ rec }) => rec[ITEM.at.data].startsWith('[')).length).toBeGreaterThan(5);
    for (const { rec, expected } of items) {
      const section = rec[ITEM.at.section];
      const row = { id: rec[ITEM.at.id], at: rec[ITEM.at.at], order_id: rec[ITEM.at.order_id], data: rec[ITEM.at.data] };
      expect(decodeItemData(section, row)).toEqual(expected);
      expect(itemDataJson(section, row)).toBe(JSON.stringify(expected));
    }
  });

  it('stores an object of an unexpected shape, and reads rows written before the encoding, as JSON objects', () => {
    const odd = { id: 'o1', code: { code: 'x', system: null, display: 'X' }, category: 'Observation', at: null, value: null, numeric: Number.NaN, unit: null, referenceRange: null, interpretation: null, flag: 'no-flag-given' as const, abnormal: false, components: [] };
    const data = encodeItemData(S.OBS, odd, 'o1', null, null);
    expect(data).toBe(JSON.stringify(odd));
    const old = JSON.stringify({ ...odd, numeric: 1 });
    expect(decodeItemData(S.OBS, { id: 'o1', at: null, order_id: null, data: old })).toEqual({ ...odd, numeric: 1 });
    expect(itemDataJson(S.OBS, { id: 'o1', at: null, order_id: null, data: old })).toBe(old);
  });
});
