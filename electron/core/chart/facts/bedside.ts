/**
 * Code status and isolation: the one place that decides them from a patient's rows (the
 * mapper says which Observation, Flag or Consent is a code-status or isolation statement and
 * whether it is current). The export's silence stays null / empty: screens say "not
 * recorded", never "Full code" or "None".
 */
import { isInForce } from './alerts';

export interface BedsideEntry {
  kind: 'code-status' | 'isolation';
  /** Active as sent (status active / final, not entered-in-error). */
  live: boolean;
  at: string | null;
  /** When it stops applying (a Flag's period end), if sent. */
  end: string | null;
  text: string | null;
}

export interface Bedside {
  /** The latest current code-status statement, or null when none is recorded. */
  codeStatus: string | null;
  /** Every current isolation flag, in the order given. */
  isolation: string[];
}

export function decideBedside(entries: Iterable<BedsideEntry>, asOf: string): Bedside {
  let code: { at: string | null; text: string } | null = null;
  const isolation: string[] = [];
  for (const e of entries) {
    if (!e.text || !isInForce(e, asOf)) continue;
    if (e.kind === 'isolation') {
      if (!isolation.includes(e.text)) isolation.push(e.text);
    } else if (!code || (e.at ?? '') >= (code.at ?? '')) code = { at: e.at, text: e.text };
  }
  return { codeStatus: code?.text ?? null, isolation };
}
