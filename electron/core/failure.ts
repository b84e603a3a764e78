import { LanternError } from '../shared/errors';
import { HomeError } from './home/layout';
import { SnapshotRefusal } from './snapshot/refusal';

/**
 * A failure of this workstation (disk, permissions, a locked database...), not of the
 * snapshot: `code` is the system or SQLite code (ENOSPC, SQLITE_BUSY...) or our own (HOME,
 * HOME_BUSY), `message` one sentence for IT in our own words. Never a third-party message,
 * which may quote data.
 */
export interface LocalFailure {
  code: string;
  message: string;
  /** False for a failure Lantern has no sentence for (a bug, or a code not listed here). */
  known: boolean;
}

const UNCHANGED = 'the snapshot in use is unchanged';

/** The sentences, by code. SQLite's extended codes (SQLITE_IOERR_WRITE) fall under their primary code. */
const SENTENCES: Array<[codes: string[], sentence: string]> = [
  [
    ['ENOSPC', 'EDQUOT', 'SQLITE_FULL'],
    `The disk is full: Lantern could not write to the home folder or the inbox. Free space on that drive and try again; ${UNCHANGED}.`,
  ],
  [
    ['EACCES', 'EPERM', 'SQLITE_PERM', 'SQLITE_AUTH'],
    `Permission denied: the account Lantern runs under may not read or write a file in the home folder or the inbox. Give it read and write access there and try again; ${UNCHANGED}.`,
  ],
  [
    ['EROFS', 'SQLITE_READONLY'],
    `The home folder or the inbox is on a read-only drive or share, so Lantern cannot write there. Make it writable and try again; ${UNCHANGED}.`,
  ],
  [
    ['EIO', 'SQLITE_IOERR'],
    `The drive or network share reported a read or write error (I/O error): check the disk and the connection to the share that hold the home folder and the inbox; ${UNCHANGED}.`,
  ],
  [
    ['SQLITE_BUSY', 'SQLITE_LOCKED', 'EBUSY'],
    `A file in the home folder is locked by another program (a backup, an antivirus scan or another Lantern): let it finish, or stop it, and try again; ${UNCHANGED}.`,
  ],
  [
    ['SQLITE_CORRUPT', 'SQLITE_NOTADB'],
    'A database file in the home folder is damaged, which usually means a failing disk: check the drive, then ingest a new snapshot (or enroll the home again if it repeats).',
  ],
  [
    ['ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR', 'SQLITE_CANTOPEN'],
    'A file or folder Lantern needs is missing, cannot be opened, or is a file where a folder belongs: check that the home folder and the inbox (with its processed and rejected folders) exist, are folders and are reachable (a share may be disconnected).',
  ],
  [
    ['ETIMEDOUT', 'ESTALE', 'EHOSTDOWN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ECONNRESET', 'ECONNREFUSED'],
    `The network share that holds the home folder or the inbox stopped answering: check the connection to it and try again; ${UNCHANGED}.`,
  ],
  [['EMFILE', 'ENFILE'], `The workstation ran out of open files: close other programs or restart Lantern, then try again; ${UNCHANGED}.`],
  [['ENOMEM', 'SQLITE_NOMEM'], `The workstation ran out of memory: close other programs and try again; ${UNCHANGED}.`],
];

const primary = (code: string) => (code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code);

/** The system or SQLite code an error carries, on itself or on an error it wraps (`cause`). */
export function errorCode(error: unknown): string | null {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * One sentence for IT about what went wrong on this workstation, for the CLI, the app, the
 * home's state and its log alike. Our own errors (HomeError, LanternError, refusals) keep
 * their messages, which are ours and carry no PHI; anything else is known by its code only.
 */
export function describeFailure(error: unknown): LocalFailure {
  if (error instanceof SnapshotRefusal) return { code: error.code, message: error.message, known: true };
  if (error instanceof HomeError) return { code: error.name === 'HomeBusyError' ? 'HOME_BUSY' : 'HOME', message: error.message, known: true };
  if (error instanceof LanternError) return { code: error.code, message: error.message, known: true };
  const code = errorCode(error);
  if (code) {
    const found = SENTENCES.find(([codes]) => codes.includes(primary(code)));
    if (found) return { code, message: found[1], known: true };
  }
  if (error instanceof RangeError && /allocation failed|out of memory/i.test(error.message)) {
    return { code: 'ENOMEM', message: SENTENCES.find(([codes]) => codes.includes('ENOMEM'))![1], known: true };
  }
  const name = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'Error';
  return {
    code: code ?? name,
    message: `Lantern hit an unexpected failure (${code ?? name}); ${UNCHANGED}. If it happens again, report it to IT with the file lantern.log from the home folder.`,
    known: false,
  };
}
