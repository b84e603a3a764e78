import { describe, expect, it } from 'vitest';
import type { ObservationFlag, ObservationValue } from '../../electron/shared/contract';
import { codeStatusText, isolationText } from '../../electron/shared/bedside-text';
import {
  noAbnormalText,
  observationValueParts,
  observationValueText,
  rangeText,
  testName,
  unflaggedText,
  unjudgedCount,
} from '../../electron/shared/observation-text';

const LOINC = 'http://loinc.org';
type Part = ObservationValue['components'][number];
const part = (code: string | null, display: string, value: string | null, unit: string | null = 'mm[Hg]'): Part => ({
  code: { code, system: code ? LOINC : null, display }, value, numeric: value === null ? null : Number(value), unit,
});
const result = (o: Partial<Pick<ObservationValue, 'value' | 'unit' | 'components'>>) => ({ value: null, unit: null, components: [], ...o });

/** Blood pressure as the exports send it: a panel with systolic and diastolic components and no value of its own. */
const VALUES: Array<[string, Pick<ObservationValue, 'value' | 'unit' | 'components'>, string, { value: string; unit: string }]> = [
  ['Synthea / generator panel (85354-9)', result({ components: [part('8480-6', 'Systolic Blood Pressure', '120'), part('8462-4', 'Diastolic Blood Pressure', '80')] }), '120/80 mmHg', { value: '120/80', unit: 'mmHg' }],
  ['diastolic sent first', result({ components: [part('8462-4', 'Diastolic', '76'), part('8480-6', 'Systolic', '128')] }), '128/76 mmHg', { value: '128/76', unit: 'mmHg' }],
  ['components named but not coded', result({ components: [part(null, 'Systolic', '110', 'mmHg'), part(null, 'Diastolic', '70', 'mmHg')] }), '110/70 mmHg', { value: '110/70', unit: 'mmHg' }],
  ['no unit on either half', result({ components: [part('8480-6', 'Systolic', '118', null), part('8462-4', 'Diastolic', '77', null)] }), '118/77 (no unit given)', { value: '118/77', unit: 'no unit given' }],
  ['diastolic missing', result({ components: [part('8480-6', 'Systolic', '140')] }), 'systolic 140 mmHg, diastolic not given', { value: 'systolic 140 mmHg, diastolic not given', unit: '' }],
  ['halves in different units', result({ components: [part('8480-6', 'Systolic', '16', 'kPa'), part('8462-4', 'Diastolic', '80')] }), '16 kPa / 80 mmHg', { value: '16 kPa / 80 mmHg', unit: '' }],
  ['a value of its own wins', result({ value: '120/80', unit: 'mm[Hg]', components: [part('8480-6', 'Systolic', '1')] }), '120/80 mmHg', { value: '120/80', unit: 'mmHg' }],
  ['temperature', result({ value: '37.2', unit: 'Cel' }), '37.2 °C', { value: '37.2', unit: '°C' }],
  ['a score', result({ value: '3', unit: '{score}' }), '3', { value: '3', unit: '' }],
  ['a number without a unit', result({ value: '16.55' }), '16.55 (no unit given)', { value: '16.55', unit: 'no unit given' }],
  ['a coded answer', result({ value: 'Never smoker' }), 'Never smoker', { value: 'Never smoker', unit: '' }],
  ['other components', result({ components: [part('71970-8', 'PROMIS-10 GMH score', '12', 'units'), part('71972-4', 'PROMIS-10 GPH score', '14', 'units')] }), 'PROMIS-10 GMH score 12 units; PROMIS-10 GPH score 14 units', { value: 'PROMIS-10 GMH score 12 units; PROMIS-10 GPH score 14 units', unit: '' }],
  ['nothing at all', result({}), 'no value given', { value: 'no value given', unit: '' }],
];

describe('results in words', () => {
  it.each(VALUES)('%s', (_name, o, text, parts) => {
    expect(observationValueText(o)).toBe(text);
    expect(observationValueParts(o)).toEqual(parts);
  });

  const RANGES: Array<[string | null, ObservationFlag, string, string]> = [
    ['3.5–5.1 mmol/L', 'normal', '3.5–5.1 mmol/L', 'normal'],
    ['4.5–11 10*3/uL', 'normal', '4.5–11 ×10³/µL', 'normal'],
    ['36.1–38 Cel', 'normal', '36.1–38 °C', 'normal'],
    ['0–10 {score}', 'normal', '0–10', 'normal'],
    ['≥ 60', 'no-flag-given', '≥ 60', 'no flag given'],
    ['36–52 %', 'normal', '36–52%', 'normal'],
    ['Negative', 'no-flag-given', 'Negative', 'no flag given'],
    // No range sent: never "normal", unless the EHR's interpretation said so.
    [null, 'no-flag-given', 'no range given', 'no range given'],
    [null, 'normal', 'no range given', 'normal'],
  ];
  it.each(RANGES)('range %s (%s) reads "%s", quiet side "%s"', (referenceRange, flag, range, quiet) => {
    expect(rangeText({ referenceRange })).toBe(range);
    expect(unflaggedText({ referenceRange, flag })).toBe(quiet);
  });

  it('says "No abnormal results" only when every result was judged', () => {
    const flags = (...f: ObservationFlag[]) => f.map((flag) => ({ flag }));
    expect(noAbnormalText(flags('normal', 'normal'))).toBe('No abnormal results in this snapshot.');
    expect(noAbnormalText(flags('normal', 'no-flag-given'))).toBe('No result is flagged abnormal by the lab or outside its range; 1 result has no range or flag given.');
    expect(noAbnormalText(flags('no-flag-given', 'no-flag-given'))).toMatch(/; 2 results have no range or flag given\.$/);
    expect(unjudgedCount(flags('high', 'no-flag-given', 'normal', 'no-flag-given'))).toBe(2);
  });

  const NAMES: Array<[string, string | null, string | null, string, string]> = [
    ['the generator sends the LOINC long name', '6690-2', LOINC, 'Leukocytes [#/volume] in Blood by Automated count', 'WBC'],
    ['Synthea sends the LOINC long name as text', '33914-3', LOINC, 'Glomerular filtration rate/1.73 sq M.predicted', 'eGFR'],
    ['a panel name', '85354-9', LOINC, 'Blood pressure panel with all children optional', 'Blood pressure'],
    ['the export’s own short name wins', '8310-5', LOINC, 'Body temperature', 'Body temperature'],
    ['a short local name for a LOINC code', '6690-2', LOINC, 'WBC count', 'WBC count'],
    ['only the code was sent', '2160-0', null, '2160-0', 'Creatinine'],
    ['an unknown long name is shortened', '5792-7', LOINC, 'Glucose [Mass/volume] in Urine by Test strip', 'Glucose, urine'],
    ['keeping a property the unit does not say', '25428-4', LOINC, 'Glucose [Presence] in Urine by Test strip', 'Glucose (presence), urine'],
    ['a long name without LOINC shape stays', null, null, 'Are you covered by health insurance or some other kind of health care plan', 'Are you covered by health insurance or some other kind of health care plan'],
    ['another code system is not read as LOINC', '6690-2', 'urn:local', 'Leukocytes [#/volume] in Blood by Automated count', 'Leukocytes'],
  ];
  it.each(NAMES)('test name: %s', (_name, code, system, display, short) => {
    const n = testName({ code, system, display });
    expect(n.name).toBe(short);
    expect(n.full).toBe(code ? `${display} (${system && /loinc/.test(system) ? 'LOINC' : 'code'} ${code})` : display);
  });

  it('says "not recorded" for code status and isolation the export does not give', () => {
    expect([codeStatusText(null), codeStatusText('  '), codeStatusText('DNR')]).toEqual(['not recorded', 'not recorded', 'DNR']);
    expect([isolationText([]), isolationText(['Contact', 'Droplet']), isolationText(['A', 'B'], '; ')]).toEqual(['not recorded', 'Contact, Droplet', 'A; B']);
  });
});
