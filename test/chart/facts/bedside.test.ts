import { describe, expect, it } from 'vitest';
import { decideBedside, type Bedside, type BedsideEntry } from '../../../electron/core/chart/facts/bedside';

const AS_OF = '2026-03-01T12:00:00Z';
const code = (text: string | null, at: string | null, extra: Partial<BedsideEntry> = {}): BedsideEntry => ({ kind: 'code-status', live: true, at, end: null, text, ...extra });
const iso = (text: string, extra: Partial<BedsideEntry> = {}): BedsideEntry => ({ kind: 'isolation', live: true, at: null, end: null, text, ...extra });

const CASES: Array<[string, BedsideEntry[], Bedside]> = [
  ['silence is not recorded (never "Full code", never "None")', [], { codeStatus: null, isolation: [] }],
  ['one code status', [code('DNR/DNI', '2026-02-01')], { codeStatus: 'DNR/DNI', isolation: [] }],
  ['the latest code status wins', [code('Full code', '2026-02-01'), code('DNR', '2026-02-20'), code('Full code', '2026-01-01')], { codeStatus: 'DNR', isolation: [] }],
  ['a withdrawn code status does not count', [code('DNR', '2026-02-20', { live: false }), code('Full code', '2026-02-01')], { codeStatus: 'Full code', isolation: [] }],
  ['an undated code status loses to a dated one', [code('DNR', null), code('Full code', '2026-02-01')], { codeStatus: 'Full code', isolation: [] }],
  ['a code status without text says nothing', [code(null, '2026-02-20')], { codeStatus: null, isolation: [] }],
  ['current isolation flags', [iso('Contact: MRSA'), iso('Droplet')], { codeStatus: null, isolation: ['Contact: MRSA', 'Droplet'] }],
  ['an isolation flag that ended before the snapshot does not count', [iso('Droplet', { end: '2026-02-01' }), iso('Contact', { end: '2026-03-05' })], { codeStatus: null, isolation: ['Contact'] }],
  ['an inactive isolation flag does not count', [iso('Airborne', { live: false })], { codeStatus: null, isolation: [] }],
  ['the same isolation twice is said once', [iso('Contact'), iso('Contact')], { codeStatus: null, isolation: ['Contact'] }],
];

describe('code status and isolation, decided once', () => {
  it.each(CASES)('%s', (_name, entries, want) => {
    expect(decideBedside(entries, AS_OF)).toEqual(want);
  });
});
