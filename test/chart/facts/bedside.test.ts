import { describe, expect, it } from 'vitest';
import { codeStatusLimits, decideBedside, type Bedside, type BedsideEntry } from '../../../electron/core/chart/facts/bedside';

const AS_OF = '2026-03-01T12:00:00Z';
const code = (text: string | null, at: string | null, extra: Partial<BedsideEntry> = {}): BedsideEntry => ({ kind: 'code-status', live: true, at, end: null, text, code: null, ...extra });
const iso = (text: string, extra: Partial<BedsideEntry> = {}): BedsideEntry => ({ kind: 'isolation', live: true, at: null, end: null, text, code: null, ...extra });

const CASES: Array<[string, BedsideEntry[], Bedside]> = [
  ['silence is not recorded (never "Full code", never "None")', [], { codeStatus: null, codeStatusLimits: null, isolation: [] }],
  ['one code status', [code('DNR/DNI', '2026-02-01')], { codeStatus: 'DNR/DNI', codeStatusLimits: true, isolation: [] }],
  ['the latest code status wins', [code('Full code', '2026-02-01'), code('DNR', '2026-02-20'), code('Full code', '2026-01-01')], { codeStatus: 'DNR', codeStatusLimits: true, isolation: [] }],
  ['a withdrawn code status does not count', [code('DNR', '2026-02-20', { live: false }), code('Full code', '2026-02-01')], { codeStatus: 'Full code', codeStatusLimits: false, isolation: [] }],
  ['an undated code status loses to a dated one', [code('DNR', null), code('Full code', '2026-02-01')], { codeStatus: 'Full code', codeStatusLimits: false, isolation: [] }],
  ['a code status without text says nothing', [code(null, '2026-02-20')], { codeStatus: null, codeStatusLimits: null, isolation: [] }],
  ['current isolation flags', [iso('Contact: MRSA'), iso('Droplet')], { codeStatus: null, codeStatusLimits: null, isolation: ['Contact: MRSA', 'Droplet'] }],
  ['an isolation flag that ended before the snapshot does not count', [iso('Droplet', { end: '2026-02-01' }), iso('Contact', { end: '2026-03-05' })], { codeStatus: null, codeStatusLimits: null, isolation: ['Contact'] }],
  ['an inactive isolation flag does not count', [iso('Airborne', { live: false })], { codeStatus: null, codeStatusLimits: null, isolation: [] }],
  ['the same isolation twice is said once', [iso('Contact'), iso('Contact')], { codeStatus: null, codeStatusLimits: null, isolation: ['Contact'] }],
];

const LIMITS: Array<[string, string, string | null, boolean | null]> = [
  ['Full code', 'Full code', null, false],
  ['full resuscitation', 'Full resuscitation', null, false],
  ['"For resuscitation"', 'For resuscitation', null, false],
  ['a full code that withholds intubation is limited', 'Full code, no intubation', null, true],
  ['full code with DNI', 'Full code / DNI', null, true],
  ['DNR', 'DNR', null, true],
  ['DNR/DNI', 'DNR/DNI', null, true],
  ['do not resuscitate', 'Do not resuscitate (DNR)', null, true],
  ['do not intubate', 'Do-not-intubate', null, true],
  ['not for resuscitation', 'Not for resuscitation', null, true],
  ['no CPR', 'No CPR', null, true],
  ['allow natural death', 'Allow natural death', null, true],
  ['comfort care', 'Comfort measures only', null, true],
  ['a limited code', 'Limited code: no pressors', null, true],
  ['a partial code', 'Partial code', null, true],
  ['a form name says neither', 'POLST on file', null, null],
  ['an advance directive says neither', 'Advance directive on file', null, null],
  ['an unknown text says neither (not "full")', 'Code status discussed with family', null, null],
  ['SNOMED "not for resuscitation" decides over the text', 'Resuscitation status', '304253006', true],
  ['SNOMED "not for attempted CPR"', 'See note', '450476008', true],
  ['SNOMED "for resuscitation"', 'Resuscitation status', '304252001', false],
  ['a question code (LOINC 75320-2) leaves it to the text', 'DNR', '75320-2', true],
  ['a question code with an unknown answer says neither', 'Discussed', '75320-2', null],
];

describe('does a code status limit treatment', () => {
  it.each(LIMITS)('%s', (_name, text, coded, want) => {
    expect(codeStatusLimits(text, coded)).toBe(want);
  });
  it('the latest statement decides, by its own code', () => {
    expect(decideBedside([code('Full code', '2026-02-01'), code('Resuscitation status', '2026-02-20', { code: '304253006' })], AS_OF)).toEqual({ codeStatus: 'Resuscitation status', codeStatusLimits: true, isolation: [] });
  });
});

describe('code status and isolation, decided once', () => {
  it.each(CASES)('%s', (_name, entries, want) => {
    expect(decideBedside(entries, AS_OF)).toEqual(want);
  });
});
