import type { BedsideEntry } from './facts/bedside';

/**
 * Codes the chart model writes into every snapshot database and into the publisher's packed
 * records. A workstation reads an earlier database, or a publisher's records, by them, so a
 * value never changes and a new one takes a new value (test/chart/stored-codes.test.ts pins
 * them).
 */

/** Chart sections: what a stored item row is, for the chart query to route it (chart/sections.ts). */
export const S = {
  RAW: 0,
  ENCOUNTER: 1,
  ALLERGY: 2,
  CONDITION: 3,
  MEDREQ: 4,
  MEDADMIN: 5,
  VITAL: 6,
  LAB: 7,
  OBS: 8,
  REPORT: 9,
  NOTE: 10,
  ORDER: 11,
  CAREPLAN: 12,
  CARETEAM: 13,
  PROCEDURE: 14,
  IMMUNIZATION: 15,
  FLAG: 16,
  CODESTATUS: 17,
} as const;
export type SectionCode = (typeof S)[keyof typeof S];

/** Record kinds of the mapper's packed records (one digit each). */
export const R = { MALFORMED: 0, PATIENT: 1, ENTITY: 2, ITEM: 3 } as const;

/** The item table's `kind`: what a row says at the bedside (facts/bedside.ts decides from it). */
export const BEDSIDE = { CODE_STATUS: 'code-status', ISOLATION: 'isolation' } as const satisfies Record<string, BedsideEntry['kind']>;
export type BedsideKind = (typeof BEDSIDE)[keyof typeof BEDSIDE];
