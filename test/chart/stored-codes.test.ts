import { describe, expect, it } from 'vitest';
import { BEDSIDE, R, S } from '../../electron/core/chart/codes';

/**
 * Section codes are written into every snapshot database (and into the publisher's packed
 * records): a workstation reads rows of an earlier database, or a publisher's records, by them.
 * Renumbering one would file allergies as conditions in every copy already on a station, so
 * their values are pinned here; a new section takes a new number.
 */
describe('stored section codes', () => {
  it('keep the values databases and mapped records already hold', () => {
    const shipped = {
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
    };
    expect(S).toMatchObject(shipped);
    // A section added later takes a number no shipped one holds.
    const highest = Math.max(...Object.values(shipped));
    for (const [name, code] of Object.entries(S)) if (!(name in shipped)) expect(code, name).toBeGreaterThan(highest);
  });

  it('are all different', () => {
    const values = Object.values(S);
    expect(new Set(values).size).toBe(values.length);
  });
});

/** Written into every item row (kind) and every packed record (its first field): as fixed as the section codes. */
describe('stored record kinds and bedside kinds', () => {
  it('keep their values', () => {
    expect(R).toEqual({ MALFORMED: 0, PATIENT: 1, ENTITY: 2, ITEM: 3 });
    expect(BEDSIDE).toEqual({ CODE_STATUS: 'code-status', ISOLATION: 'isolation' });
  });

  it('are all different, and each record kind is one digit (packed records start with it)', () => {
    expect(new Set(Object.values(R)).size).toBe(Object.values(R).length);
    expect(new Set(Object.values(BEDSIDE)).size).toBe(Object.values(BEDSIDE).length);
    for (const kind of Object.values(R)) expect(String(kind)).toMatch(/^\d$/);
  });
});
