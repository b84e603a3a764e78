import { describe, expect, it } from 'vitest';
import { looksNumeric, unitText, withUnit } from '../../electron/shared/unit-text';

/** UCUM as the exports send it (the generator, Synthea, other EHRs) -> as a nurse reads it. */
const UNITS: Array<[string | null, string | null]> = [
  ['Cel', '°C'],
  ['[degF]', '°F'],
  ['mm[Hg]', 'mmHg'],
  ['cm[H2O]', 'cmH₂O'],
  ['10*3/uL', '×10³/µL'],
  ['10*6/uL', '×10⁶/µL'],
  ['10*9/L', '×10⁹/L'],
  ['10^12/L', '×10¹²/L'],
  ['kg/m2', 'kg/m²'],
  ['m2', 'm²'],
  ['%', '%'],
  ['/min', '/min'],
  ['{beats}/min', '/min'],
  ['{cells}/uL', '/µL'],
  ['umol/L', 'µmol/L'],
  ['ug/mL', 'µg/mL'],
  ['uL', 'µL'],
  ['meq/L', 'mEq/L'],
  ['m[IU]/L', 'mIU/L'],
  ['u[IU]/mL', 'µIU/mL'],
  ['[IU]/L', 'IU/L'],
  ['[lb_av]', 'lb'],
  ['[in_i]', 'in'],
  ['mL/min/{1.73_m2}', 'mL/min/1.73 m²'],
  ['kg.m-2', 'kg·m⁻²'],
  // Curly-brace annotations only, and UCUM's unity, read as nothing.
  ['{score}', ''],
  ['{INR}', ''],
  ['{nominal}', ''],
  ['{count}', ''],
  ['1', ''],
  // Already readable, or unknown: as sent.
  ['mmHg', 'mmHg'],
  ['°C', '°C'],
  ['mg/dL', 'mg/dL'],
  ['mmol/L', 'mmol/L'],
  ['g/dL', 'g/dL'],
  ['U/L', 'U/L'],
  ['kU/L', 'kU/L'],
  ['fL', 'fL'],
  ['kg', 'kg'],
  ['cm', 'cm'],
  ['(score)', '(score)'],
  ['units', 'units'],
  ['pH', 'pH'],
  // None sent.
  [null, null],
  ['', null],
  ['  ', null],
];

describe('units as people read them', () => {
  it.each(UNITS)('%s -> %s', (sent, read) => {
    expect(unitText(sent)).toBe(read);
  });

  const VALUES: Array<[string, string | null, string]> = [
    ['37.2', 'Cel', '37.2 °C'],
    ['96', '%', '96%'],
    ['9.1', '10*3/uL', '9.1 ×10³/µL'],
    ['3', '{score}', '3'],
    ['16.55', null, '16.55 (no unit given)'],
    ['<5', null, '<5 (no unit given)'],
    ['120/80', null, '120/80 (no unit given)'],
    ['Never smoker', null, 'Never smoker'],
    ['Clear', '', 'Clear'],
  ];
  it.each(VALUES)('%s %s reads "%s"', (value, unit, read) => {
    expect(withUnit(value, unit)).toBe(read);
  });

  it('knows a number from a word', () => {
    expect([looksNumeric('16.55'), looksNumeric('≥ 90'), looksNumeric('-2'), looksNumeric('128/76'), looksNumeric('Positive'), looksNumeric('2 to 3')]).toEqual([true, true, true, true, false, false]);
  });
});
