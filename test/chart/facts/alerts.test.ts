import { describe, expect, it } from 'vitest';
import { decideAlerts, isInForce, type FlagEntry } from '../../../electron/core/chart/facts/alerts';
import { mapResource } from '../../../electron/core/chart/map';
import type { Json } from '../../../electron/core/fhir/util';

const AS_OF = '2026-03-01T12:00:00Z';
const entry = (item: string, live: boolean, end: string | null = null): FlagEntry<string> => ({ item, live, end });

const CASES: Array<[string, FlagEntry<string>[], string[]]> = [
  ['no flags, no alerts', [], []],
  ['an active flag is an alert', [entry('Fall risk', true)], ['Fall risk']],
  ['an inactive flag is not', [entry('Difficult airway', false)], []],
  ['an active flag whose period ended before the snapshot is not', [entry('Wandering', true, '2026-02-01T00:00:00Z')], []],
  ['an active flag ending after the snapshot still is', [entry('Bleeding risk', true, '2026-03-05T00:00:00Z')], ['Bleeding risk']],
  ['an active flag ending at the snapshot\'s time still is', [entry('Bleeding risk', true, AS_OF)], ['Bleeding risk']],
  ['an inactive flag stays out whatever its end', [entry('Difficult airway', false, '2026-03-05T00:00:00Z')], []],
  ['the ones in force, in the order given', [entry('A', true), entry('B', false), entry('C', true, '2026-01-01'), entry('D', true)], ['A', 'D']],
];

describe('which flags are in force, decided once', () => {
  it.each(CASES)('%s', (_name, entries, want) => {
    expect(decideAlerts(entries, AS_OF)).toEqual(want);
  });

  /** What the mapper stores for a Flag as sent (active, ends), and whether that is in force. */
  const MAPPED: Array<[string, Json, boolean]> = [
    ['status active', { status: 'active' }, true],
    ['no status sent', {}, true],
    ['status inactive', { status: 'inactive' }, false],
    ['entered in error', { status: 'entered-in-error' }, false],
    ['active, period ended', { status: 'active', period: { start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' } }, false],
    ['active, period open', { status: 'active', period: { start: '2026-01-01T00:00:00Z' } }, true],
  ];
  it.each(MAPPED)('a Flag sent with %s', (_name, extra, want) => {
    const r: Json = { resourceType: 'Flag', id: 'f1', subject: { reference: 'Patient/p1' }, code: { text: 'Bleeding risk' }, ...extra };
    const row = mapResource('Flag', r, JSON.stringify(r)) as { active?: number; ends?: string | null };
    expect(isInForce({ live: row.active === 1, end: row.ends ?? null }, AS_OF)).toBe(want);
  });
});
