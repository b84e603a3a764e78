import type { FoundVia } from '../../../electron/shared/contract';

/**
 * How the chart about to open was reached, for the audit log: the census and the patient
 * search note it just before they navigate, the chart screen reads it as it asks for the
 * chart. A chart reached any other way (a typed address, Back, another screen) is a link.
 * Reading does not consume it (React may render twice); it holds for a few seconds only.
 */
const HOLDS_MS = 5000;
let noted: { patientId: string; via: FoundVia; at: number } | null = null;

export function noteFoundVia(patientId: string, via: FoundVia): void {
  noted = { patientId, via, at: Date.now() };
}

export function foundViaFor(patientId: string): FoundVia {
  return noted && noted.patientId === patientId && Date.now() - noted.at < HOLDS_MS ? noted.via : 'link';
}
