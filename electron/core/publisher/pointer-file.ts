import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../home/layout';
import type { Manifest } from '../snapshot/manifest';
import { POINTER_FORMAT, POINTER_VERSION, signPointer, type PointedFile, type Pointer } from '../snapshot/pointer';
import { readSnapshotHead } from '../snapshot/verify';

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

/** What a pointer says of a snapshot file: its sequence, the base a delta applies to (null: a full one), name, size and SHA-256. */
export interface SnapshotFileInfo extends PointedFile {
  base: number | null;
}

// A full snapshot stays in an outbox for many cycles: hash it once, not at every pointer.
const described = new Map<string, SnapshotFileInfo>();

/** Describe a snapshot file the publisher wrote (full or delta), read from its own manifest. */
export async function describeSnapshotFile(file: string): Promise<SnapshotFileInfo> {
  const { size, mtimeMs } = statSync(file);
  const key = `${path.resolve(file)}\0${size}\0${mtimeMs}`;
  const known = described.get(key);
  if (known) return known;
  const manifest = JSON.parse(readSnapshotHead(file).manifestBytes.toString('utf8')) as Manifest;
  const { sha256 } = await describeFile(file, manifest.sequence);
  const info = { sequence: manifest.sequence, base: manifest.delta?.base.sequence ?? null, file: path.basename(file), bytes: size, sha256 };
  if (described.size > 10_000) described.clear();
  described.set(key, info);
  return info;
}

/**
 * The pointer for one scope's outbox as it now lies (`prefix`: the scope's file names): its newest
 * full snapshot, and the chain of deltas published after it, so that a workstation on any link
 * catches up delta by delta. `latest` is the manifest of the newest file (full or delta).
 */
export async function pointerForOutbox(outbox: string, prefix: string, latest: Manifest, issuedAt: Date): Promise<Pointer> {
  const files = readdirSync(outbox).filter((f) => f.startsWith(prefix) && f.endsWith('.lantern'));
  const infos = (await Promise.all(files.map((f) => describeSnapshotFile(path.join(outbox, f))))).sort((a, b) => a.sequence - b.sequence);
  const full = infos.filter((i) => i.base === null).at(-1);
  if (!full) throw new Error(`The outbox ${outbox} holds no full snapshot of ${prefix}* to point at.`);
  // The chain from the full one: each delta's base is the link before it (a gap ends it).
  const deltas: Array<PointedFile & { base: number }> = [];
  for (const i of infos) {
    if (i.base !== null && i.sequence > full.sequence && i.base === (deltas.at(-1)?.sequence ?? full.sequence)) {
      deltas.push({ sequence: i.sequence, base: i.base, file: i.file, bytes: i.bytes, sha256: i.sha256 });
    }
  }
  const strip = ({ base: _base, ...file }: SnapshotFileInfo): PointedFile => file;
  const pointer = pointerTo(latest, strip(full), issuedAt);
  const sequence = deltas.at(-1)?.sequence ?? full.sequence;
  return { ...pointer, sequence, ...(deltas.length ? { deltas } : {}) };
}
