// The floors Lantern's ingest is measured against, on the same data in the same run:
// what the sqlite3 shell needs to import the raw lines, and what Node needs just to
// decrypt and decompress that many bytes.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { Writable } from 'node:stream';

export interface FloorResult {
  seconds: number;
  mbPerSecond: number;
}

export const ndjsonFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .map((f) => path.join(dir, f));

export const totalBytes = (files: string[]): number => files.reduce((sum, f) => sum + statSync(f).size, 0);

const MB = 1024 * 1024;

/** sqlite3 shell import of every NDJSON line into a one-column table; null without sqlite3. */
export function sqliteImportFloor(files: string[]): (FloorResult & { rows: number }) | null {
  if (spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status !== 0) return null;
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-floor-'));
  try {
    const script = [
      'PRAGMA journal_mode=OFF;',
      'PRAGMA synchronous=OFF;',
      'CREATE TABLE r(line TEXT);',
      '.mode ascii',
      // Unit separator as the column separator: a JSON line never contains it, so each line is one field.
      '.separator "\\037" "\\n"',
      'BEGIN;',
      ...files.map((f) => `.import '${f.replace(/'/g, "''")}' r`),
      'COMMIT;',
      'SELECT count(*) FROM r;',
    ].join('\n');
    writeFileSync(path.join(work, 'import.sql'), script);
    const started = performance.now();
    const run = spawnSync('sqlite3', [path.join(work, 'floor.db')], {
      input: script,
      encoding: 'utf8',
      maxBuffer: 16 * MB,
    });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`sqlite3 import failed: ${run.stderr.split('\n')[0]}`);
    const rows = Number(run.stdout.trim().split('\n').pop());
    return { seconds, mbPerSecond: totalBytes(files) / MB / seconds, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Node's AES-256-GCM decrypt of `bytes` bytes, in 1 MiB authenticated chunks. */
export function aesGcmDecryptFloor(bytes: number): FloorResult {
  const key = randomBytes(32);
  const chunk = randomBytes(MB);
  const chunks = Math.max(1, Math.ceil(bytes / MB));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(chunk), cipher.final()]);
  const tag = cipher.getAuthTag();
  const started = performance.now();
  for (let i = 0; i < chunks; i++) {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    decipher.update(sealed);
    decipher.final();
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, mbPerSecond: (chunks * MB) / MB / seconds };
}

/** gunzip of the NDJSON files, gzipped first (the decompression a snapshot's payload needs). */
export async function gunzipFloor(files: string[]): Promise<FloorResult & { compressedBytes: number }> {
  const parts: Buffer[] = [];
  for (const file of files) {
    const out: Buffer[] = [];
    await pipeline(
      createReadStream(file),
      createGzip({ level: 6 }),
      new Writable({
        write(data: Buffer, _enc, done) {
          out.push(data);
          done();
        },
      }),
    );
    parts.push(Buffer.concat(out));
  }
  const started = performance.now();
  let raw = 0;
  for (const part of parts) raw += gunzipSync(part).length;
  const seconds = (performance.now() - started) / 1000;
  return { seconds, mbPerSecond: raw / MB / seconds, compressedBytes: parts.reduce((s, p) => s + p.length, 0) };
}
