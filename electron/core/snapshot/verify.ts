import { type X509Certificate, constants, createHash, privateDecrypt, verify, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isExpired } from '../../shared/freshness';
import { certificatesFromPem, fingerprint, verifyPublisherChain, type PublisherPolicy } from './pki/certs';
import { CHAIN_MAX, HEADER_MAX, MAGIC, MANIFEST_MAX, SIGNATURE_MAX } from './format';
import { Manifest, READABLE_VERSIONS } from './manifest';
import { refuse } from './refusal';

/** The unencrypted front of a snapshot file, as read (nothing in it trusted yet). */
export interface SnapshotHead {
  version: number;
  manifestBytes: Buffer;
  signature: Buffer;
  chainPem: string;
  /** Where the encrypted payload starts. */
  payloadOffset: number;
  fileSize: number;
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** The header line without its newline: version, manifest, signature and chain sizes. */
const HEADER_PATTERN = /^LANTERN-SNAPSHOT (\d{1,4}) (\d{1,10}) (\d{1,6}) (\d{1,7})$/;

/**
 * How much of a snapshot a file holds, by the sizes it declares (header line, then the
 * manifest's payload.ciphertextBytes), for an inbox deciding whether a writer is done.
 * Nothing is verified: 'partial' (fewer bytes than declared, or not even the whole header
 * yet: wait), 'whole' (exactly the declared size: take it), 'other' (not a snapshot, a
 * damaged header or manifest, more bytes than declared: the ingest refuses it). Reads the
 * header line, and the manifest only once the file is long enough to hold it.
 */
export type SnapshotExtent =
  | { kind: 'partial'; bytes: number; expectedBytes: number | null }
  | { kind: 'whole'; bytes: number; sequence: number | null }
  | { kind: 'other'; bytes: number };

/** What a manifest declared, kept while a file grows (keyed by its header line). */
export interface ManifestMemo {
  header: string;
  declared: { ciphertextBytes: number; sequence: number | null } | null;
}

export function snapshotExtent(fd: number, size: number, memo: ManifestMemo | null = null): { extent: SnapshotExtent; memo: ManifestMemo | null } {
  const partial = (expectedBytes: number | null) => ({ extent: { kind: 'partial' as const, bytes: size, expectedBytes }, memo });
  const other = { extent: { kind: 'other' as const, bytes: size }, memo };
  if (size === 0) return partial(null);
  const first = readExactly(fd, Math.min(HEADER_MAX, size), 0);
  const magic = Buffer.from(`${MAGIC} `);
  if (first.length < magic.length) return magic.subarray(0, first.length).equals(first) ? partial(null) : other;
  if (!first.subarray(0, magic.length).equals(magic)) return other;
  const end = first.indexOf(10);
  if (end < 0) return first.length < HEADER_MAX ? partial(null) : other;
  const header = first.subarray(0, end).toString('latin1');
  const match = HEADER_PATTERN.exec(header);
  if (!match) return other;
  const [version, m, sig, c] = match.slice(1).map(Number) as [number, number, number, number];
  if (!READABLE_VERSIONS.includes(version) || m > MANIFEST_MAX || sig > SIGNATURE_MAX || c > CHAIN_MAX) return other;
  const headEnd = end + 1 + m + sig + c;
  if (size < headEnd) return partial(headEnd);
  let declared: ManifestMemo['declared'];
  if (memo?.header === header) declared = memo.declared;
  else {
    declared = null;
    try {
      const json = JSON.parse(readExactly(fd, m, end + 1).toString('utf8')) as { sequence?: unknown; payload?: { ciphertextBytes?: unknown } };
      const bytes = json.payload?.ciphertextBytes;
      if (typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= 0) {
        declared = { ciphertextBytes: bytes, sequence: typeof json.sequence === 'number' && Number.isSafeInteger(json.sequence) ? json.sequence : null };
      }
    } catch {
      // Not JSON: the ingest says MALFORMED.
    }
    memo = { header, declared };
  }
  if (!declared) return { extent: other.extent, memo };
  const total = headEnd + declared.ciphertextBytes;
  if (size < total) return { extent: { kind: 'partial', bytes: size, expectedBytes: total }, memo };
  if (size > total) return { extent: other.extent, memo };
  return { extent: { kind: 'whole', bytes: size, sequence: declared.sequence }, memo };
}

/** Read the header line, manifest, signature and chain (bounded sizes; no trust yet). */
export function readSnapshotHead(file: string): SnapshotHead {
  const fd = openSync(file, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const first = readExactly(fd, HEADER_MAX, 0);
    const magic = Buffer.from(`${MAGIC} `);
    if (first.length > 0 && first.length < magic.length && magic.subarray(0, first.length).equals(first)) refuse('TRUNCATED', 'header line');
    if (!first.subarray(0, magic.length).equals(magic)) refuse('NOT_A_SNAPSHOT');
    const end = first.indexOf(10);
    if (end < 0) return refuse(first.length < HEADER_MAX ? 'TRUNCATED' : 'MALFORMED', 'header line');
    const match = HEADER_PATTERN.exec(first.subarray(0, end).toString('latin1'));
    if (!match) return refuse('MALFORMED', 'header line');
    const [version, manifestLength, signatureLength, chainLength] = match.slice(1).map(Number) as [number, number, number, number];
    if (!READABLE_VERSIONS.includes(version)) refuse('UNSUPPORTED_VERSION', `format version ${version}`);
    if (manifestLength > MANIFEST_MAX || signatureLength > SIGNATURE_MAX || chainLength > CHAIN_MAX) refuse('MALFORMED', 'section sizes');
    let pos = end + 1;
    const section = (length: number, name: string) => {
      const buf = readExactly(fd, length, pos);
      if (buf.length < length) refuse('TRUNCATED', name);
      pos += length;
      return buf;
    };
    const manifestBytes = section(manifestLength, 'manifest');
    const signature = section(signatureLength, 'signature');
    const chainPem = section(chainLength, 'certificate chain').toString('utf8');
    return { version, manifestBytes, signature, chainPem, payloadOffset: pos, fileSize };
  } finally {
    closeSync(fd);
  }
}

export interface VerifiedHead {
  manifest: Manifest;
  publisher: X509Certificate;
  /** SHA-256 of the signed manifest bytes: names this exact snapshot. */
  manifestSha256: string;
}

/**
 * Authenticity: the chain section's publisher certificate chains to an anchor at `now`,
 * the signature over the manifest bytes verifies with it, and only then is the manifest
 * parsed; it must name the same chain. `policy`: the home's publisher pins, if any.
 */
export function verifySnapshotHead(head: SnapshotHead, anchors: X509Certificate[], now: Date, policy: PublisherPolicy = {}): VerifiedHead {
  let chain: X509Certificate[];
  try {
    chain = certificatesFromPem(head.chainPem);
  } catch {
    return refuse('MALFORMED', 'certificate chain');
  }
  if (chain.length === 0) refuse('MALFORMED', 'certificate chain');
  const publisher = verifyPublisherChain(chain, anchors, now, policy);
  let ok: boolean;
  try {
    ok = verify('sha256', head.manifestBytes, publisher.publicKey, head.signature);
  } catch {
    ok = false;
  }
  if (!ok) refuse('BAD_SIGNATURE');
  let json: unknown;
  try {
    json = JSON.parse(head.manifestBytes.toString('utf8'));
  } catch {
    return refuse('MALFORMED', 'manifest is not JSON');
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('MALFORMED', `manifest ${issue?.path.join('.') || ''}: ${issue?.message ?? ''}`.trim());
  }
  const manifest = parsed.data;
  if (manifest.version !== head.version) refuse('MALFORMED', `manifest version ${manifest.version} in a version ${head.version} file`);
  if (manifest.publisher.chain.join('') !== head.chainPem) refuse('MALFORMED', 'certificate chain differs from the manifest');
  const sizeOk = head.payloadOffset + manifest.payload.ciphertextBytes;
  if (head.fileSize < sizeOk) refuse('TRUNCATED', `${head.fileSize} of ${sizeOk} bytes`);
  if (head.fileSize > sizeOk) refuse('TOO_LARGE', `${head.fileSize - sizeOk} bytes beyond the end the manifest gives`);
  return { manifest, publisher, manifestSha256: createHash('sha256').update(head.manifestBytes).digest('hex') };
}

/** Freshness, within the manifest itself: refuse a snapshot past its expiry time. */
export function checkExpiry(manifest: Manifest, now: Date): void {
  if (isExpired(manifest.expiresAt, now)) refuse('SNAPSHOT_EXPIRED', `expired ${manifest.expiresAt}`);
  if (new Date(manifest.expiresAt).getTime() <= new Date(manifest.createdAt).getTime()) refuse('MALFORMED', 'expires before it was created');
}

/** What a home accepts: its facility and units (null = not pinned) and what it has seen. */
export interface HomeScope {
  facility: string | null;
  units: string[] | null;
  /** Facility id -> highest sequence number ingested. */
  highWater: Record<string, number>;
  /** Largest step above the high-water mark (HOME_LIMITS.maxSequenceJump); absent: no cap. */
  maxSequenceJump?: number;
  /** How far (minutes) the data-as-of time may lie ahead of this workstation's clock. */
  clockSkewMinutes: number;
}

/** Scope and freshness against the home (mix-and-match, rollback, replay). Pure. */
export function checkAdmission(manifest: Manifest, scope: HomeScope, now: Date): void {
  checkExpiry(manifest, now);
  // Data "as of" a time that has not come yet: a wrong clock at the publisher or here.
  const ahead = Date.parse(manifest.createdAt) - now.getTime();
  if (ahead > scope.clockSkewMinutes * 60_000) {
    refuse('FUTURE_AS_OF', `data as of ${manifest.createdAt}, ${Math.ceil(ahead / 60_000)} min ahead of this workstation's clock ${now.toISOString()}; ${scope.clockSkewMinutes} min allowed`);
  }
  if (scope.facility !== null && manifest.facility.id !== scope.facility) {
    refuse('WRONG_FACILITY', `snapshot facility "${manifest.facility.id}", home facility "${scope.facility}"`);
  }
  if (scope.units !== null) {
    const allowed = new Set(scope.units);
    const outside = manifest.units.filter((u) => !allowed.has(u.id)).map((u) => u.id);
    if (manifest.units.length === 0) refuse('WRONG_UNITS', 'the snapshot covers the whole facility; this home takes only its units');
    if (outside.length > 0) refuse('WRONG_UNITS', `units ${outside.slice(0, 5).join(', ')} are not this home's`);
  }
  const seen = scope.highWater[manifest.facility.id];
  if (seen !== undefined && manifest.sequence <= seen) {
    refuse('ROLLBACK', `sequence ${manifest.sequence}, already ingested ${seen}`);
  }
  // A far jump would put the mark where the real publisher never gets to (2^53 - 1 locks it
  // out for good). A facility's first snapshot has no mark to jump from: publishers may
  // count from a clock, and a poisoned mark is undone with lantern reset-sequence.
  const cap = scope.maxSequenceJump;
  if (seen !== undefined && cap !== undefined && manifest.sequence - seen > cap) {
    refuse(
      'SEQUENCE_JUMP',
      `sequence ${manifest.sequence}, last ingested ${seen}: a step of ${manifest.sequence - seen}, this home takes at most ${cap} (lantern enroll --max-sequence-jump, or lantern reset-sequence)`,
    );
  }
}

/** Unwrap the content key addressed to this workstation's certificate. */
export function unwrapContentKey(manifest: Manifest, identity: { certificate: X509Certificate; key: KeyObject }): Buffer {
  const print = fingerprint(identity.certificate);
  const mine = manifest.recipients.find((r) => r.certificate === print);
  if (!mine) return refuse('NOT_RECIPIENT');
  try {
    const key = privateDecrypt(
      { key: identity.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(mine.wrappedKey, 'base64'),
    );
    if (key.length !== 32) refuse('CORRUPT', 'content key');
    return key;
  } catch {
    return refuse('CORRUPT', 'the content key does not unwrap with this workstation key');
  }
}
