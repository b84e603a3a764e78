import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipped } from '../../electron/core/publisher/payload-writer';

// gzipped asks for the next block while gzip takes in the one before: a source that reads its
// blocks into two buffers in turn (as the publisher's file reader does) must still come out
// byte for byte, and a source that fails must fail the member.

const BLOCK = 1024 * 1024;

/** `blocks` random blocks, each copied into one of two buffers in turn just as it is asked for. */
function twoBuffers(blocks: Buffer[]): AsyncGenerator<Buffer> {
  const bufs = [Buffer.alloc(BLOCK), Buffer.alloc(BLOCK)];
  return (async function* () {
    for (let i = 0; i < blocks.length; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // a read takes a turn of the event loop
      const buf = bufs[i & 1]!;
      blocks[i]!.copy(buf);
      yield buf.subarray(0, blocks[i]!.length);
    }
  })();
}

async function all(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of gen) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}

describe('gzipped', () => {
  it('compresses every block as it was when given, though the source reuses two buffers', async () => {
    const blocks = Array.from({ length: 7 }, (_, i) => (i === 6 ? randomBytes(12_345) : randomBytes(BLOCK)));
    const plain = gunzipSync(await all(gzipped(twoBuffers(blocks))));
    expect(plain.equals(Buffer.concat(blocks))).toBe(true);
  });

  it('gives an empty member for an empty source', async () => {
    expect(gunzipSync(await all(gzipped(twoBuffers([])))).length).toBe(0);
  });

  it("fails with the source's error", async () => {
    const failing = (async function* () {
      yield randomBytes(BLOCK);
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('the disk went away');
    })();
    await expect(all(gzipped(failing))).rejects.toThrow('the disk went away');
  });
});
