import { sign, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { DEFAULT_CLOCK_SKEW_MINUTES } from '../../shared/defaults';
import { z } from 'zod';
import { IsoDateTime } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { certificatePem, certificatesFromPem, verifyPublisherChain, type PublisherPolicy } from './pki/certs';
import { REFUSALS, SnapshotRefusal } from './refusal';

/**
 * The pointer (docs/SNAPSHOT-FORMAT.md, "The pointer"): a small signed JSON file the publisher
 * writes beside the snapshots of one scope, naming the latest one (its sequence, file name,
 * size and SHA-256). A workstation polling a web server reads it first, and downloads a
 * snapshot only when the pointer, checked like a manifest (chain, signature, facility, units,
 * expiry, newer than the last one taken), names one newer than its own.
 */
export const POINTER_FORMAT = 'lantern-pointer';
export const POINTER_VERSION = 1;
/** A pointer is a few kilobytes (its chain); anything longer is not one. */
export const POINTER_MAX_BYTES = 256 * 1024;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A file beside the pointer: a plain name, never a path. */
const FileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name');
const Size = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const PointedFile = z.object({ sequence: Sequence, file: FileName, bytes: Size, sha256: Sha256Hex }).strict();
export type PointedFile = z.infer<typeof PointedFile>;

export const Pointer = z
  .object({
    format: z.literal(POINTER_FORMAT),
    version: z.literal(POINTER_VERSION),
    facility: z.object({ id: z.string().min(1).max(100) }).strict(),
    /** The snapshot's units; empty: the whole facility. */
    units: z.array(z.string().min(1).max(100)).max(1000),
    /** The latest sequence published for this scope (the full snapshot's, or the delta's when newer). */
    sequence: Sequence,
    issuedAt: IsoDateTime,
    expiresAt: IsoDateTime,
    full: PointedFile,
    /**
     * The deltas published since `full`, oldest first, each from `base` (the one before) to its
     * `sequence`, the last one to `sequence`: a workstation on any link of the chain catches up
     * delta by delta instead of downloading the full snapshot again.
     */
    deltas: z.array(PointedFile.extend({ base: Sequence }).strict()).max(1000).optional(),
  })
  .strict();
export type Pointer = z.infer<typeof Pointer>;

/** The file as written: the pointer's JSON text, its signature over those bytes, the chain. */
const SignedPointer = z
  .object({
    signed: z.string().min(1).max(POINTER_MAX_BYTES),
    /** base64 of the signature (SHA-256, the publisher key: RSA PKCS#1 v1.5 or ECDSA). */
    signature: z.string().min(1).max(8192),
    /** Publisher certificate first, then intermediates, PEM. */
    chain: z.array(z.string().max(20_000)).min(1).max(8),
  })
  .strict();

/** Why a pointer was not taken (a replay, a forgery, another facility's...): for IT, never fatal. */
export class PointerRefusal extends LanternError {
  override name = 'PointerRefusal';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('UNAVAILABLE', `Pointer refused (${reason}): ${message}.`, { code: `POINTER_${reason}`, audience: 'it' });
  }
}

const refusePointer = (reason: string, message: string): never => {
  throw new PointerRefusal(reason, message);
};

/** The pointer file's bytes: its JSON signed by the publisher's key, with its chain. */
export function signPointer(pointer: Pointer, signer: { chain: X509Certificate[]; key: KeyObject }): Buffer {
  const signed = JSON.stringify(Pointer.parse(pointer));
  const signature = sign('sha256', Buffer.from(signed, 'utf8'), signer.key).toString('base64');
  return Buffer.from(`${JSON.stringify({ signed, signature, chain: signer.chain.map(certificatePem) }, null, 1)}\n`, 'utf8');
}

/**
 * Authenticity and freshness of a pointer file, as for a snapshot's manifest: the chain leads
 * to an anchor and may publish (the home's pins), the signature verifies, and only then is the
 * pointer read; it must not have expired nor be issued in the future (beyond `skewMs`).
 */
export function verifyPointer(bytes: Buffer, anchors: X509Certificate[], now: Date, options: PublisherPolicy & { skewMs?: number } = {}): Pointer {
  if (bytes.length > POINTER_MAX_BYTES) refusePointer('TOO_LARGE', `${bytes.length} bytes; a pointer is at most ${POINTER_MAX_BYTES}`);
  let envelope: z.infer<typeof SignedPointer>;
  try {
    envelope = SignedPointer.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return refusePointer('NOT_A_POINTER', 'the file is not a signed Lantern pointer');
  }
  let chain: X509Certificate[];
  try {
    chain = certificatesFromPem(envelope.chain.join(''));
  } catch {
    return refusePointer('MALFORMED', 'its certificate chain cannot be read');
  }
  try {
    const publisher = verifyPublisherChain(chain, anchors, now, options);
    if (!verify('sha256', Buffer.from(envelope.signed, 'utf8'), publisher.publicKey, Buffer.from(envelope.signature, 'base64'))) {
      refusePointer('BAD_SIGNATURE', 'its signature does not verify');
    }
  } catch (error) {
    // The chain's checks are the snapshot's: said of the pointer, with their codes.
    if (error instanceof SnapshotRefusal) refusePointer(error.code, error.detail ?? REFUSALS[error.code].text);
    if (error instanceof PointerRefusal) throw error;
    refusePointer('BAD_SIGNATURE', 'its signature does not verify');
  }
  let json: unknown;
  try {
    json = JSON.parse(envelope.signed);
  } catch {
    return refusePointer('MALFORMED', 'the signed text is not JSON');
  }
  const parsed = Pointer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refusePointer('MALFORMED', `${issue?.path.join('.') || 'the pointer'}: ${issue?.message ?? 'invalid'}`);
  }
  const pointer = parsed.data;
  const deltas = pointer.deltas ?? [];
  if (deltas.length > 0 && deltas.at(-1)!.sequence !== pointer.sequence) refusePointer('MALFORMED', 'its last delta does not lead to its sequence');
  if (deltas.some((d, i) => d.base !== (i === 0 ? pointer.full.sequence : deltas[i - 1]!.sequence) || d.sequence <= d.base)) {
    refusePointer('MALFORMED', 'its deltas do not form one chain from its full snapshot');
  }
  if (pointer.full.sequence > pointer.sequence) refusePointer('MALFORMED', 'its full snapshot is newer than its sequence');
  if (Date.parse(pointer.expiresAt) <= now.getTime()) refusePointer('EXPIRED', `it expired ${pointer.expiresAt}; the publisher has not written a newer one`);
  const ahead = Date.parse(pointer.issuedAt) - now.getTime();
  if (ahead > (options.skewMs ?? DEFAULT_CLOCK_SKEW_MINUTES * 60_000)) refusePointer('FUTURE', `issued ${pointer.issuedAt}, ahead of this workstation's clock ${now.toISOString()} (check both clocks)`);
  return pointer;
}

/**
 * What a workstation whose copy in use has sequence `current` (null: none) fetches: the delta
 * that starts from exactly that copy (the next link of the chain), else the full snapshot when it
 * is newer; null when neither is.
 */
export function chooseDownload(pointer: Pointer, current: number | null): (PointedFile & { kind: 'full' | 'delta' }) | null {
  const next = current === null ? undefined : pointer.deltas?.find((d) => d.base === current);
  if (next) return { ...next, kind: 'delta' };
  if (current !== null && pointer.full.sequence <= current) return null;
  return { ...pointer.full, kind: 'full' };
}
