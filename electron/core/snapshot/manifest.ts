import { z } from 'zod';
import { IsoDateTime, ProtocolKind } from '../../shared/contract';

/** The snapshot manifest (docs/SNAPSHOT-FORMAT.md). Signed by the publisher; never encrypted. */
export const FORMAT_NAME = 'lantern-snapshot';
export const FORMAT_VERSION = 1;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const RelPath = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'relative path');
export const ResourceType = z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/);
const Ref = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) });

export const NdjsonEntry = z.object({
  kind: z.literal('ndjson'),
  path: RelPath,
  type: ResourceType,
  bytes: Size,
  /** Non-blank lines: one FHIR resource each. */
  lines: Size,
  sha256: Sha256Hex,
});
export const ProtocolEntry = z.object({
  kind: z.literal('protocol'),
  path: RelPath,
  title: z.string().min(1).max(300),
  category: z.string().min(1).max(100),
  format: ProtocolKind,
  bytes: Size,
  sha256: Sha256Hex,
});
export const Entry = z.discriminatedUnion('kind', [NdjsonEntry, ProtocolEntry]);
export type Entry = z.infer<typeof Entry>;
export type NdjsonEntry = z.infer<typeof NdjsonEntry>;
export type ProtocolEntry = z.infer<typeof ProtocolEntry>;

export const Recipient = z.object({
  /** SHA-256 of the recipient certificate's DER, lower-case hex. */
  certificate: Sha256Hex,
  subject: z.string().max(200),
  algorithm: z.literal('RSA-OAEP-SHA256'),
  /** The content key, wrapped for this recipient, base64. */
  wrappedKey: z.string().min(1).max(2000),
});
export type Recipient = z.infer<typeof Recipient>;

export const Manifest = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.literal(FORMAT_VERSION),
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
  /** FHIR resource type -> lines (resources) in the payload. */
  counts: z.record(ResourceType, Size),
});
export type Manifest = z.infer<typeof Manifest>;
