import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Emergency access codes: a hash chain whose end (the anchor) travels in the signed roster,
 * so a station checks a code with nothing secret on it. IT keeps the seed (`lantern roster
 * seed`); code k is the chain value k steps before the anchor, so hashing it k times gives
 * the anchor. Handing out code k reveals the codes before it (hash it once: code k-1), which
 * is why a station takes only codes later than the last one it took, each once.
 *
 * Values are 80 bits (16 Crockford base32 characters, read out in groups of four): far too
 * many to guess against the public anchor, few enough to read over a phone.
 */
export const CODE_BYTES = 10;
/** The most codes one chain holds (a station's check hashes at most this many times). */
export const MAX_CODES = 5000;
/** How many codes a new chain holds unless IT asks for another number (lantern roster seed). */
export const DEFAULT_CODES = 200;

/** What a roster carries of a chain: its name, how many codes it holds, and its end. */
export const EmergencyChain = z
  .object({
    /** Names the chain (and salts its hash): a new seed is a new chain, counted afresh. */
    id: z.string().regex(/^[0-9a-f]{16}$/),
    length: z.number().int().min(1).max(MAX_CODES),
    /** H^length(start), hex. */
    anchor: z.string().regex(/^[0-9a-f]{20}$/),
  })
  .strict();
export type EmergencyChain = z.infer<typeof EmergencyChain>;

/** IT's seed file: never on a station. */
export const EmergencySeed = z
  .object({
    format: z.literal('lantern-emergency-seed'),
    version: z.literal(1),
    id: z.string().regex(/^[0-9a-f]{16}$/),
    seed: z.string().regex(/^[0-9a-f]{64}$/),
    length: z.number().int().min(1).max(MAX_CODES),
  })
  .strict();
export type EmergencySeed = z.infer<typeof EmergencySeed>;

export function makeEmergencySeed(length: number, random: (n: number) => Buffer = randomBytes): EmergencySeed {
  return { format: 'lantern-emergency-seed', version: 1, id: random(8).toString('hex'), seed: random(32).toString('hex'), length };
}

/** One step of the chain: SHA-256 over the chain's name and the value, cut to 80 bits. */
const step = (id: string, value: Buffer): Buffer =>
  createHash('sha256').update('lantern-emergency-v1\0').update(id).update('\0').update(value).digest().subarray(0, CODE_BYTES);

/** Every value of the chain, start first (length + 1 values). */
function chainValues(seed: EmergencySeed): Buffer[] {
  const values: Buffer[] = [createHash('sha256').update('lantern-emergency-start\0').update(Buffer.from(seed.seed, 'hex')).digest().subarray(0, CODE_BYTES)];
  for (let i = 1; i <= seed.length; i++) values.push(step(seed.id, values[i - 1]!));
  return values;
}

export function chainOf(seed: EmergencySeed): EmergencyChain {
  return { id: seed.id, length: seed.length, anchor: chainValues(seed)[seed.length]!.toString('hex') };
}

/** Codes `from`..`from + count - 1` (1 is the first to hand out), as read out. */
export function emergencyCodes(seed: EmergencySeed, from = 1, count = seed.length): Array<{ index: number; code: string }> {
  const values = chainValues(seed);
  const out: Array<{ index: number; code: string }> = [];
  for (let k = Math.max(1, from); k < from + count && k <= seed.length; k++) out.push({ index: k, code: formatCode(values[seed.length - k]!) });
  return out;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function formatCode(value: Buffer): string {
  let bits = 0n;
  for (const b of value) bits = (bits << 8n) | BigInt(b);
  let text = '';
  for (let i = CODE_BYTES * 8 - 5; i >= 0; i -= 5) text += ALPHABET[Number((bits >> BigInt(i)) & 31n)];
  return text.match(/.{4}/g)!.join('-');
}

/** A code as typed: case, spaces and dashes do not matter; I and L read as 1, O as 0. Null: not a code. */
export function parseCode(text: string): Buffer | null {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (clean.length !== (CODE_BYTES * 8) / 5 || [...clean].some((c) => !ALPHABET.includes(c))) return null;
  let bits = 0n;
  for (const c of clean) bits = (bits << 5n) | BigInt(ALPHABET.indexOf(c));
  const out = Buffer.alloc(CODE_BYTES);
  for (let i = CODE_BYTES - 1; i >= 0; i--) {
    out[i] = Number(bits & 255n);
    bits >>= 8n;
  }
  return out;
}

/**
 * Which code of the chain this is (1 = the first handed out), or null when hashing it up to
 * `length` times never reaches the anchor (not a code of this chain).
 */
export function codeIndex(chain: EmergencyChain, code: Buffer): number | null {
  const anchor = Buffer.from(chain.anchor, 'hex');
  let value = code;
  for (let k = 1; k <= chain.length; k++) {
    value = step(chain.id, value);
    if (timingSafeEqual(value, anchor)) return k;
  }
  return null;
}
