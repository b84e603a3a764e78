import { existsSync } from 'node:fs';
import { LanternError, EXIT } from '../../shared/errors';
import type { Audience, ErrorCode } from '../../shared/result';
import { homePath } from './layout';
import { appendHomeLog, type Surface } from './log';

/**
 * The one way an error becomes what someone sees: an IPC Result, a CLI line and exit code, an
 * inbox reason or log line, the home's lastFailure, the desktop start-up dialog.
 *   - A LanternError (SnapshotRefusal, HomeError, PublishError...) is ours: shown as it is.
 *   - A system or SQLite error (ENOSPC, EACCES, SQLITE_BUSY...) is a failure of this
 *     workstation: one sentence for IT in our words, by its code.
 *   - Anything else is unexpected (a bug): a sentence that says what to do, and a line in the
 *     home's lantern.log with its name, code and call stack, never its message (which may
 *     quote chart data).
 */


export interface PresentOptions {
  /** Default 'cli'. */
  surface?: Surface;
  /** The home in use, when there is one: unexpected errors are logged there. */
  homeDir?: string | null;
  /** What was running (a channel, a command), for the log; no PHI. */
  where?: string;
  clock?: () => Date;
}

export interface Presented {
  /** Stable, for logs, state.json and scripts: ours (TRUNCATED, HOME...), the system's (ENOSPC...) or the error's name. */
  code: string;
  /** The Result code it crosses IPC with. */
  kind: ErrorCode;
  audience: Audience;
  /** One sentence (or a few) that says what happened and what to do; never PHI. */
  message: string;
  /** The CLI's exit code: a refusal's own (10-39), 2 for usage, 1 otherwise. */
  exitCode: number;
  /** False for an error Lantern has no words for (a bug): those are logged. */
  expected: boolean;
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
const sentenceFor = (code: string) => SENTENCES.find(([codes]) => codes.includes(primary(code)))?.[1] ?? null;

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

/** An error's class name when it is a plain word (a name is code, not data), else what was thrown. */
const nameOf = (error: unknown): string =>
  error instanceof Error ? (/^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'Error') : `thrown ${error === null ? 'null' : typeof error}`;

/**
 * The call stack without the message (cut out wherever it sits) and without folders: frames
 * like "at openHome (open.ts:120:11)". Nothing when the message cannot be told apart.
 */
export function stackFrames(error: unknown, max = 12): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  let rest = error.stack;
  if (error.message) {
    const at = rest.indexOf(error.message);
    if (at < 0) return undefined; // changed after it was thrown: its text may be anywhere
    rest = rest.slice(at + error.message.length);
  }
  const frames = rest
    .split('\n')
    .filter((line) => /^\s+at \S/.test(line))
    .slice(0, max)
    .map((line) => line.trim().replace(/(?:file:\/\/)?[^\s()]*[\\/]/g, ''));
  return frames.length > 0 ? frames.join(' | ') : undefined;
}

/** Unexpected errors already written to a log, so one that passes several hands is written once. */
const logged = new WeakSet<object>();

/** Write an unexpected error to the home's log, once; true when the home has a log to look in. */
function logUnexpected(error: unknown, code: string, options: PresentOptions): boolean {
  const dir = options.homeDir;
  if (!dir || !existsSync(homePath(dir, 'config'))) return false;
  if (typeof error === 'object' && error !== null) {
    if (logged.has(error)) return true;
    logged.add(error);
  }
  const stack = stackFrames(error);
  appendHomeLog(
    dir,
    {
      event: 'unexpected',
      surface: options.surface ?? 'cli',
      ...(options.where ? { where: options.where } : {}),
      name: nameOf(error),
      code,
      ...(stack ? { stack } : {}),
    },
    { clock: options.clock },
  );
  return true;
}

function unexpectedSentence(code: string, surface: Surface, inLog: boolean): string {
  if (surface === 'app') {
    return `Something went wrong inside Lantern (${code}). Try again; if it happens again, report it to IT${inLog ? ' (the details are in lantern.log in the home folder)' : ''}.`;
  }
  return `Lantern hit an unexpected failure (${code}); ${UNCHANGED}. If it happens again, report it to IT${inLog ? ' with the file lantern.log from the home folder' : ', saying what was running and when'}.`;
}

/** What to show for any error, on any surface; see the top of this file. */
export function presentError(error: unknown, options: PresentOptions = {}): Presented {
  if (error instanceof LanternError) {
    return { code: error.code, kind: error.kind, audience: error.audience, message: error.message, exitCode: error.exitCode, expected: true };
  }
  const system = errorCode(error);
  const outOfMemory = error instanceof RangeError && /allocation failed|out of memory/i.test(error.message);
  const sentence = system ? sentenceFor(system) : outOfMemory ? sentenceFor('ENOMEM') : null;
  if (sentence) {
    return { code: system ?? 'ENOMEM', kind: 'UNAVAILABLE', audience: 'it', message: sentence, exitCode: EXIT.FAILED, expected: true };
  }
  const code = system ?? nameOf(error);
  const surface = options.surface ?? 'cli';
  const inLog = logUnexpected(error, code, options);
  return {
    code,
    kind: 'INTERNAL',
    // In the app the sentence tells the nurse what to do (try again, then call IT).
    audience: surface === 'app' ? 'nurse' : 'it',
    message: unexpectedSentence(code, surface, inLog),
    exitCode: EXIT.FAILED,
    expected: false,
  };
}
export type { Surface } from './log';
