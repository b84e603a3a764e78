import { describe, expect, it } from 'vitest';
import { S } from '../../electron/core/chart/map';

/**
 * Section codes are written into every snapshot database (and into the publisher's packed
 * records): a workstation reads rows of an earlier database, or a publisher's records, by them.
 * Renumbering one would file allergies as conditions in every copy already on a station, so
 * their values are pinned here; a new section takes a new number.
 */
describe('stored section codes', () => {
  it('keep the values databases and mapped records already hold', () => {
    expect(S).toEqual({
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
    });
  });

  it('are all different', () => {
    const values = Object.values(S);
    expect(new Set(values).size).toBe(values.length);
  });
});
