import { describe, expect, it } from 'vitest';
import { NdjsonLines } from '../../electron/core/snapshot/lines';

const TEXT = '{"a":1}\r\n\n  \t\r\n{"b":"Grüße, 体温"}\n\n{"c":3}\r\n   {"d":4}  \n{"e":5}';
/** What the lines of TEXT are: numbered from 1 with blank ones counted, a trailing CR dropped. */
const EXPECTED: Array<[number, string]> = [
  [1, '{"a":1}'],
  [4, '{"b":"Grüße, 体温"}'],
  [6, '{"c":3}'],
  [7, '   {"d":4}  '],
  [8, '{"e":5}'],
];

function split(chunks: Buffer[], max?: number): { lines: Array<[number, string]>; count: number } {
  const lines: Array<[number, string]> = [];
  const splitter = new NdjsonLines(
    (buf, start, end, n) => lines.push([n, buf.toString('utf8', start, end)]),
    (n) => {
      throw new Error(`line ${n} too long`);
    },
    max,
  );
  for (const c of chunks) splitter.push(c);
  return { lines, count: splitter.end() };
}

describe('NDJSON lines, as publisher and reader both split them', () => {
  it('gives the same numbered lines wherever the chunks are cut, even inside a UTF-8 character', () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    expect(split([bytes])).toEqual({ lines: EXPECTED, count: 5 });
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(split([bytes.subarray(0, cut), bytes.subarray(cut)]).lines, `cut at ${cut}`).toEqual(EXPECTED);
    }
    expect(split([...bytes].map((b) => Buffer.from([b]))).lines).toEqual(EXPECTED);
  });

  it('calls a line over the limit too long, whether it arrives whole or in pieces', () => {
    const bytes = Buffer.from('{"a":1}\n{"long":"xxxxxxxxxxxxxxxx"}\n', 'utf8');
    expect(() => split([bytes], 20)).toThrow('line 2 too long');
    expect(() => split([...bytes].map((b) => Buffer.from([b])), 20)).toThrow('line 2 too long');
    expect(split([bytes], 64).count).toBe(2);
  });
});
