import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../home/layout';
import type { Manifest } from '../snapshot/manifest';
import { POINTER_FORMAT, POINTER_VERSION, signPointer, type PointedFile, type Pointer } from '../snapshot/pointer';

/** Size and SHA-256 of a snapshot file as it lies on disk: what a pointer promises a downloader. */
export async function describeFile(file: string, sequence: number): Promise<PointedFile> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return { sequence, file: path.basename(file), bytes: statSync(file).size, sha256: hash.digest('hex') };
}

/** The pointer naming one full snapshot; it expires with the snapshot. */
export const pointerTo = (manifest: Manifest, full: PointedFile, issuedAt: Date): Pointer => ({
  format: POINTER_FORMAT,
  version: POINTER_VERSION,
  facility: { id: manifest.facility.id },
  units: manifest.units.map((u) => u.id),
  sequence: manifest.sequence,
  issuedAt: issuedAt.toISOString(),
  expiresAt: manifest.expiresAt,
  full,
});

/**
 * Write the signed pointer `out` (atomically: a web server serves the old one or the new one,
 * never half) once the snapshot it names lies beside it.
 */
export function writePointer(out: string, pointer: Pointer, signer: { chain: X509Certificate[]; key: KeyObject }): void {
  writeFileAtomic(out, signPointer(pointer, signer), 0o644);
}
