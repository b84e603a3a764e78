import { closeSync, existsSync, fstatSync, fsyncSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';

export type Db = Database.Database;

/**
 * The compiled SQLite module to load: null for the one in node_modules (built for Node);
 * the desktop app points it at its Electron-ABI build before opening any database.
 */
let nativeBinding: string | null = null;
export function useSqliteBinding(file: string | null): void {
  nativeBinding = file;
}
const bindingOption = () => (nativeBinding ? { nativeBinding } : {});

/**
 * How a snapshot database is encrypted, whole (pages, indexes, full-text index, journal), by
 * SQLite3 Multiple Ciphers under a raw 256-bit key (no passphrase derivation: the key is random
 * and sealed by the KeyProtector). New databases use AEGIS-256: an authenticated cipher (a tag
 * and a random nonce per page, so a changed page is refused, as SQLCipher's HMAC does) that
 * runs on the CPU's AES instructions; measured, it adds a few percent to a write or a full
 * check where the SQLCipher 4 scheme (AES-CBC + HMAC-SHA512 per page) added about 75%.
 * 'sqlcipher4' stays readable: databases written before AEGIS (kept for rollback) still open.
 */
export const DATABASE_CIPHERS = ['aegis256', 'sqlcipher4'] as const;
export type DatabaseCipher = (typeof DATABASE_CIPHERS)[number];
export const NEW_DATABASE_CIPHER: DatabaseCipher = 'aegis256';

function applyKey(db: Db, key: Buffer, cipher: DatabaseCipher): void {
  if (key.length !== 32) throw new Error('database key must be 32 bytes');
  if (cipher === 'aegis256') {
    db.pragma(`cipher='aegis'`);
    db.pragma(`algorithm='aegis-256'`);
  } else {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
  }
  db.pragma(`key="x'${key.toString('hex')}'"`);
}

/** A new, empty database to build a snapshot into: fast settings (it is discarded on failure). */
export function createSnapshotDatabase(file: string, key: Buffer, cipher: DatabaseCipher = NEW_DATABASE_CIPHER): Db {
  if (existsSync(file)) throw new Error('snapshot database already exists');
  const db = new Database(file, bindingOption());
  try {
    applyKey(db, key, cipher);
    // 16 KiB pages: a quarter of the pages (and of the per-page nonces, tags and B-tree steps)
    // of the default 4 KiB; measured 5% off a 1,000-bed ingest. (SQLCipher 4 keeps its 4 KiB.)
    if (cipher === 'aegis256') db.pragma('page_size = 16384');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -65536');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE lantern_snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** After the build: a real journal again, so the file on disk is a normal (encrypted) database. */
export function sealSnapshotDatabase(db: Db): string {
  const result = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
  const verdict = result.map((r) => r.integrity_check).join('; ');
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = DELETE');
  return verdict;
}

/** Open a finished snapshot database read-only; throws when the key is wrong. */
export function openSnapshotDatabase(file: string, key: Buffer, cipher: DatabaseCipher): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...bindingOption() });
  try {
    applyKey(db, key, cipher);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Remove a database and its side files: overwrite with zeros, flush, unlink. The content
 * is encrypted already; this keeps the ciphertext from lingering on the disk as well (on
 * SSDs, best effort). A file still open elsewhere (Windows) is left for the next cleanup.
 */
export function removeSecurely(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    try {
      const fd = openSync(f, 'r+');
      try {
        const size = fstatSync(fd).size;
        const zeros = Buffer.alloc(Math.min(size, 1024 * 1024));
        for (let pos = 0; pos < size; pos += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - pos), pos);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      unlinkSync(f);
    } catch {
      rmSync(f, { force: true });
    }
  }
}

/**
 * A long-lived database that is written to in place (the publisher's current state): the same
 * whole-file encryption as a snapshot's, with a write-ahead journal so a crash mid-write
 * leaves the last committed state.
 */
export function openLiveDatabase(file: string, key: Buffer): Db {
  const fresh = !existsSync(file);
  const db = new Database(file, bindingOption());
  try {
    applyKey(db, key, NEW_DATABASE_CIPHER);
    if (fresh) db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
