import { z } from 'zod';
import { IsoDateTime, ProtocolKind } from '../../shared/contract';

/** The snapshot manifest (docs/SNAPSHOT-FORMAT.md). Signed by the publisher; never encrypted. */
export const FORMAT_NAME = 'lantern-snapshot';
/**
 * 2: each entry is its own gzip member (compressedBytes), and mapped entries may come. A
 * snapshot without mapped entries is written as 1, which older readers take.
 */
export const FORMAT_VERSION = 2;
/**
 * 3: a delta snapshot (manifest.delta): the snapshot of its sequence given as the base
 * snapshot's lines plus what changed. A version 1 or 2 reader refuses it as UNSUPPORTED_VERSION
 * and keeps taking full snapshots, which stay version 2.
 */
export const DELTA_VERSION = 3;
export const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const RelPath = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'relative path');
export const ResourceType = z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/);
/** Format 2: the size of the entry's own gzip member in the payload. */
const CompressedBytes = Size.optional();
const Ref = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) });

export const NdjsonEntry = z.object({
  kind: z.literal('ndjson'),
  path: RelPath,
  type: ResourceType,
  bytes: Size,
  /** Non-blank lines: one FHIR resource each. */
  lines: Size,
  sha256: Sha256Hex,
  compressedBytes: CompressedBytes,
});
export const ProtocolEntry = z.object({
  kind: z.literal('protocol'),
  path: RelPath,
  title: z.string().min(1).max(300),
  category: z.string().min(1).max(100),
  format: ProtocolKind,
  bytes: Size,
  sha256: Sha256Hex,
  compressedBytes: CompressedBytes,
});
/**
 * The NDJSON entry that comes right after it, already parsed and mapped by the publisher's
 * content mapper (`mapper` names it and its revision): its records, each ended by U+0001.
 * A reader with the same mapper stores these and skips parsing the lines; any other reader
 * skips these and parses the lines. Both must give the same database.
 */
export const MappedEntry = z.object({
  kind: z.literal('mapped'),
  path: RelPath,
  mapper: z.string().min(1).max(100),
  bytes: Size,
  /** One per non-blank line of the NDJSON entry. */
  records: Size,
  sha256: Sha256Hex,
  compressedBytes: CompressedBytes,
});
export const Entry = z.discriminatedUnion('kind', [NdjsonEntry, ProtocolEntry, MappedEntry]);
export type Entry = z.infer<typeof Entry>;
export type NdjsonEntry = z.infer<typeof NdjsonEntry>;
export type ProtocolEntry = z.infer<typeof ProtocolEntry>;
export type MappedEntry = z.infer<typeof MappedEntry>;

export const Recipient = z.object({
  /** SHA-256 of the recipient certificate's DER, lower-case hex. */
  certificate: Sha256Hex,
  subject: z.string().max(200),
  algorithm: z.literal('RSA-OAEP-SHA256'),
  /** The content key, wrapped for this recipient, base64. */
  wrappedKey: z.string().min(1).max(2000),
});
export type Recipient = z.infer<typeof Recipient>;

/**
 * How a delta's NDJSON file is made, in runs of its non-blank lines: [0, line, count, baseFile,
 * baseLine] copies `count` lines of the base snapshot (its file `baseFiles[baseFile]`, from
 * `baseLine`) to `line` onwards; [1, line, count] takes the next `count` lines the delta's
 * payload carries for this file. Runs never overlap and go up.
 */
const Count = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const DeltaRun = z.union([z.tuple([z.literal(0), Count, Count, Size, Count]), z.tuple([z.literal(1), Count, Count])]);
export type DeltaRun = z.infer<typeof DeltaRun>;

/** What a delta stands for: the base it applies to, and the full snapshot's files and protocols it gives. */
export const Delta = z.object({
  /** The snapshot this delta applies to: its sequence and the SHA-256 of its signed manifest bytes. */
  base: z.object({ sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), manifestSha256: Sha256Hex }),
  /** The base snapshot's NDJSON paths the runs name by index. */
  baseFiles: z.array(RelPath).max(100_000),
  /** The full snapshot's NDJSON files, in its order, each with its non-blank line count and its runs. */
  files: z.array(z.object({ path: RelPath, type: ResourceType, lines: Size, runs: z.array(DeltaRun).max(10_000_000) })).max(100_000),
  /** The full snapshot's protocols, in its order; `base: true` is the base snapshot's document of that path and hash. */
  protocols: z.array(ProtocolEntry.omit({ compressedBytes: true }).extend({ base: z.boolean() })).max(100_000),
});
export type Delta = z.infer<typeof Delta>;

export const Manifest = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  facility: Ref,
  units: z.array(Ref).max(1000),
  sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** The data-as-of time (the export's transactionTime unless the publisher said otherwise). */
  createdAt: IsoDateTime,
  publishedAt: IsoDateTime,
  expiresAt: IsoDateTime,
  source: z.object({ transactionTime: IsoDateTime.nullable(), request: z.string().max(2000).nullable() }),
  /** Publisher certificate first, then intermediates, PEM. */
  publisher: z.object({ chain: z.array(z.string().max(20_000)).min(1).max(8) }),
  recipients: z.array(Recipient).min(1).max(10_000),
  payload: z.object({
    encryption: z.literal('AES-256-GCM'),
    compression: z.literal('gzip'),
    chunkSize: z.number().int().min(1024).max(16 * 1024 * 1024),
    ciphertextBytes: Size,
    ciphertextSha256: Sha256Hex,
    plainBytes: Size,
  }),
  entries: z.array(Entry).max(100_000),
  /** FHIR resource type -> lines (resources) in the payload; in a delta, in the snapshot it gives. */
  counts: z.record(ResourceType, Size),
  /** Version 3 only: what the delta applies to and gives. */
  delta: Delta.optional(),
}).superRefine((m, ctx) => {
  if ((m.version === DELTA_VERSION) !== (m.delta !== undefined)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['delta'], message: m.delta ? `a delta in a version ${m.version} manifest` : 'a version 3 manifest without its delta' });
  if (m.version >= 2) {
    const missing = m.entries.findIndex((e) => e.compressedBytes === undefined);
    if (missing >= 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['entries', missing], message: 'no compressedBytes' });
    if (m.entries.reduce((n, e) => n + e.bytes, 0) !== m.payload.plainBytes) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['payload', 'plainBytes'], message: 'not the sum of the entries' });
  }
  m.entries.forEach((e, i) => {
    if (e.kind !== 'mapped') return;
    const next = m.entries[i + 1];
    const problem =
      m.version < 2 ? 'a version 1 snapshot has no mapped entries'
      : next?.kind !== 'ndjson' || next.path !== e.path ? `mapped entry ${i} is not followed by the NDJSON entry ${e.path}`
      : next.lines !== e.records ? `mapped entry ${i} has ${e.records} records for ${next.lines} lines`
      : null;
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['entries', i], message: problem });
  });
});
export type Manifest = z.infer<typeof Manifest>;
