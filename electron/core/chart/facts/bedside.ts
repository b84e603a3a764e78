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
  /**
   * The row's stored code. For a Flag this is the statement itself (Flag.code); for a
   * code-status Observation it is the question (Observation.code, e.g. LOINC 75320-2), whose
   * answer the mapper keeps as text only; a Consent stores none.
   */
  code: string | null;
}

export interface Bedside {
  /** The latest current code-status statement, or null when none is recorded. */
  codeStatus: string | null;
  /** Whether that statement limits treatment (codeStatusLimits); null when it says neither. */
  codeStatusLimits: boolean | null;
  /** Every current isolation flag, in the order given. */
  isolation: string[];
}

/** SNOMED CT findings that answer the question themselves: true limits treatment, false is full resuscitation. */
const CODED_LIMITS: ReadonlyMap<string, boolean> = new Map([
  ['304252001', false], // For resuscitation
  ['304253006', true], // Not for resuscitation
  ['450476008', true], // Not for attempted cardiopulmonary resuscitation
]);

/** Any stated limit: no resuscitation, no intubation or other withheld treatment, comfort care only, a partial code. */
const LIMIT_TEXT =
  /\b(dnr|dni|dnar|dnacpr|do[- ]not[- ](resuscitat\w*|intubat\w*|attempt\w*)|not for (resuscitation|cpr|intubation|ventilation)|no[- ](code|cpr|resuscitation|intubation|ventilation|pressors|vasopressors|defibrillation|shock|escalation|icu|dialysis)|allow natural death|comfort|hospice|limited|partial|selective|modified|chemical code)\b/i;
/** Full resuscitation said outright ("Full code", "For resuscitation", "Attempt resuscitation/CPR"). */
const FULL_TEXT = /^\s*(full code|full resuscitation|full|for (full )?resuscitation|attempt (resuscitation|cpr))\b/i;

/**
 * Does a code-status statement limit treatment? A code the export sends for the statement
 * (CODED_LIMITS) decides; else the text: any stated limit makes it limited, even after "Full
 * code" ("Full code, no intubation"); full resuscitation said outright with no limit is not
 * limited; any other text (a form's name, a free note) is null: shown as sent, neither
 * highlighted nor called full.
 */
export function codeStatusLimits(text: string, code: string | null): boolean | null {
  const coded = code === null ? undefined : CODED_LIMITS.get(code);
  if (coded !== undefined) return coded;
  if (LIMIT_TEXT.test(text)) return true;
  if (FULL_TEXT.test(text)) return false;
  return null;
}

export function decideBedside(entries: Iterable<BedsideEntry>, asOf: string): Bedside {
  let code: { at: string | null; text: string; code: string | null } | null = null;
  const isolation: string[] = [];
  for (const e of entries) {
    if (!e.text || !isInForce(e, asOf)) continue;
    if (e.kind === 'isolation') {
      if (!isolation.includes(e.text)) isolation.push(e.text);
    } else if (!code || (e.at ?? '') >= (code.at ?? '')) code = { at: e.at, text: e.text, code: e.code };
  }
  return { codeStatus: code?.text ?? null, codeStatusLimits: code ? codeStatusLimits(code.text, code.code) : null, isolation };
}
