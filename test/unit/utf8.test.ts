import { describe, expect, it } from 'vitest';
import { utf8Prefix } from '../../electron/core/files/utf8';

describe('utf8Prefix', () => {
  it.each([
    ['plain', 3, 'pla'],
    ['plain', 10, 'plain'],
    ['Søren', 2, 'S'], // ø is two bytes: never half of it
    ['Søren', 3, 'Sø'],
    ['a€b', 3, 'a'], // € is three bytes
    ['a😀b', 4, 'a'], // an emoji is four bytes (a surrogate pair in the string)
    ['a😀b', 5, 'a😀'],
    ['', 0, ''],
  ])('%s in %i bytes is %s', (text, bytes, expected) => {
    expect(utf8Prefix(text, bytes)).toBe(expected);
    expect(Buffer.byteLength(utf8Prefix(text, bytes))).toBeLessThanOrEqual(bytes);
  });
});
