import { appendFileSync, renameSync, statSync } from 'node:fs';
import { homePath } from './layout';

/** Where the error is shown: the app's window (a nurse reads it) or IT's tools. */
export type Surface = 'app' | 'cli' | 'inbox' | 'ingest' | 'source';

/**
 * The home's log, `lantern.log`: one JSON object per line, each with its ISO time, for every
 * snapshot taken, refused or failed (by the inbox agent or `lantern ingest`), every
 * acknowledgement of an expired copy's age, and every
 * unexpected error met with this home in use (by the app, the CLI or the inbox). It holds codes,
 * file names, counts, sequence numbers and Lantern's own sentences, never chart content: every
 * text goes through redact() on the way in. At LOG_MAX_BYTES it is renamed to lantern.log.1
 * (replacing the older one) and a new one is started.
 */
export const LOG_MAX_BYTES = 1024 * 1024;

export type LogEvent =
  | { event: 'watching'; inbox: string }
  | { event: 'stopped'; inbox: string }
  | { event: 'ingested'; file: string; facility: string; sequence: number; resources: number; by: 'inbox' | 'command' | 'https' }
  /** The HTTPS source started or stopped polling (the URL without its query). */
  | { event: 'polling'; url: string }
  | { event: 'stopped-polling'; url: string }
  | { event: 'refused'; file: string; code: string; message: string; movedTo?: string }
  | { event: 'failed'; file?: string; code: string; message: string; retryInSeconds?: number }
  | { event: 'waiting'; file: string; bytes: number; expectedBytes: number | null }
  /** A nurse confirmed the age of an expired copy to open its charts (home/expiry.ts): which copy, how old. */
  | { event: 'expired-acknowledged'; facility: string; sequence: number; asOf: string; ageDays: number }
  /** The station's heartbeat (home/heartbeat.ts) could not be delivered to a target, or reaches it again. */
  | { event: 'heartbeat-failed'; target: 'home' | 'dir' | 'url'; message: string }
  | { event: 'heartbeat-restored'; target: 'home' | 'dir' | 'url' }
  /** An audit entry could not be written (home/audit.ts): which kind and the error's code, never its content. */
  | { event: 'audit-failed'; kind?: string; code: string }
  /** A signed roster taken into the home (home/roster.ts); a refused one is a `refused` event with its ROSTER_ code. */
  | { event: 'roster-installed'; file: string; facility: string; sequence: number; users: number }
  /** Sign-in at the station (home/sign-in.ts): what happened and to which user id; never a passphrase, a code or a reason's words. */
  | { event: 'sign-in'; kind: string; user: string; how?: string }
  /** A bug or an error Lantern has no words for (home/errors.ts): its name, code and call stack, never its message. */
  | { event: 'unexpected'; surface: Surface; where?: string; name: string; code: string; stack?: string };

export interface HomeLogOptions {
  clock?: () => Date;
  maxBytes?: number;
}

// Control characters (other than tab) would let a name forge lines in a plain-text reading.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Belt and braces for free text: our sentences never carry PHI, but a detail could quote a
 * number or a date from a damaged file. Long digit runs (MRNs, phone numbers) and bare dates
 * (birth dates; ISO date-times stay) are masked, control characters dropped, length capped.
 */
export function redact(text: string, max = 600): string {
  const clean = text
    .replace(CONTROL, ' ')
    .replace(/\b\d{4}-\d{2}-\d{2}\b(?!T\d)/g, '[date]')
    .replace(/\d{6,}/g, '[number]')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A file name as logged: its own characters, minus control characters, capped. */
const fileName = (name: string) => name.replace(CONTROL, '?').slice(0, 300);

/** Append one event to the home's log. Never throws: a full disk must not hide the failure it is logging. */
export function appendHomeLog(dir: string, entry: LogEvent, options: HomeLogOptions = {}): void {
  const record: Record<string, unknown> = { at: (options.clock?.() ?? new Date()).toISOString() };
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (key === 'file' || key === 'movedTo' || key === 'inbox' || key === 'url') record[key] = fileName(String(value));
    else record[key] = typeof value === 'string' ? redact(value) : value;
  }
  const line = `${JSON.stringify(record)}\n`;
  const file = homePath(dir, 'log');
  try {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // No log yet.
    }
    if (size > 0 && size + Buffer.byteLength(line) > (options.maxBytes ?? LOG_MAX_BYTES)) renameSync(file, `${file}.1`);
    appendFileSync(file, line, { mode: 0o600 });
  } catch {
    // The log is a record, not a dependency.
  }
}
