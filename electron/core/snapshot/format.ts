import { createCipheriv, createDecipheriv, type CipherGCM, type DecipherGCM } from 'node:crypto';

/**
 * The container: one ASCII header line, then the manifest (JSON), its signature and the
 * publisher chain (PEM), then the encrypted payload to the end of the file.
 *
 *   LANTERN-SNAPSHOT <version> <manifest bytes> <signature bytes> <chain bytes>\n
 */
export const MAGIC = 'LANTERN-SNAPSHOT';
export const HEADER_MAX = 128;
export const MANIFEST_MAX = 32 * 1024 * 1024;
export const SIGNATURE_MAX = 4096;
export const CHAIN_MAX = 160 * 1024;
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
export const TAG_BYTES = 16;

export const headerLine = (version: number, manifest: number, signature: number, chain: number): string =>
  `${MAGIC} ${version} ${manifest} ${signature} ${chain}\n`;

/** 96-bit GCM nonce: four zero bytes, then the chunk index (big-endian). Keys are never reused. */
export function chunkNonce(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

/** Authenticated data of a chunk: its index and whether it is the last one. */
export function chunkAad(index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(13);
  aad.write('LNT1', 0, 'latin1');
  aad.writeBigUInt64BE(BigInt(index), 4);
  aad[12] = final ? 1 : 0;
  return aad;
}

export function encryptChunk(key: Buffer, index: number, final: boolean, plain: Buffer): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, chunkNonce(index)) as CipherGCM;
  cipher.setAAD(chunkAad(index, final));
  const body = cipher.update(plain);
  const tail = cipher.final();
  return [body, tail, cipher.getAuthTag()];
}

/** Decrypts and authenticates one chunk; throws when the tag does not verify. */
export function decryptChunk(key: Buffer, index: number, final: boolean, record: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, chunkNonce(index)) as DecipherGCM;
  decipher.setAAD(chunkAad(index, final));
  decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
  const body = decipher.update(record.subarray(0, record.length - TAG_BYTES));
  const tail = decipher.final();
  return tail.length ? Buffer.concat([body, tail]) : body;
}
