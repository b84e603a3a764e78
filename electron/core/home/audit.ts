import { constants, createHash, hkdfSync, randomUUID, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { certificatePem, fingerprint, subjectName } from '../snapshot/pki/certs';
import { openLiveDatabase, type Db } from '../store/database';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { HomeError, homePath, readIdentity, unsealDatabaseKey } from './layout';
import { appendHomeLog, type LogEvent } from './log';
import { AUDIT_DEFAULTS } from './policy-defaults';

/**
 * The home's audit log (`audit.db`): who looked at what on this station, and proof of it.
 *
 * - Append-only, in an SQLite database encrypted like the snapshot databases (AEGIS-256 per
 *   page) under a key derived from the home's database key, so it may hold patient ids; the
 *   plain `lantern.log` never does.
 * - Each entry is chained to the one before: hash = SHA-256(previous hash ‖ the entry's
 *   canonical JSON). The first entry follows a genesis hash made from the log's random id.
 * - Checkpoints sign the chain's head with the workstation's private key (the one that
 *   decrypts snapshots, docs/PKI.md): when the log is made, every `checkpointMinutes`, at every
 *   print and emergency access, when the log is closed and at each prune. Each checkpoint
 *   names the hash of the one before, so the newest one (signed by this station's current
 *   certificate) fixes them all.
 * - `verifyAuditLog` recomputes the chain from the first entry and checks every checkpoint;
 *   an edited, deleted, reordered or truncated entry, a forged checkpoint and a replaced log
 *   each give the first bad entry and a sentence.
 * - Pruning removes the oldest entries only with a signed prune checkpoint that carries the
 *   hash the remaining chain starts from.
 */

/** How a chart was reached: from the census, a patient search, a link (typed, Back, another screen), or not said. */
export const FOUND_VIA = ['census', 'search', 'link', 'other'] as const;
export type FoundVia = (typeof FOUND_VIA)[number];

/** The person at the station, as the sign-in gives them: a roster user, or emergency access (name and role typed in). */
export interface AuditActor {
  /** The roster's user id; null for emergency access. */
  id: string | null;
  name: string;
  role: string;
  how: 'roster' | 'emergency';
}
/** Who is signed in now; null: nobody (recorded as "not signed in"). */
export type ActorProvider = () => AuditActor | null;
export const NOT_SIGNED_IN = 'not signed in';

/** What happened: one kind per thing the audit records. */
export type AuditEvent =
  | { kind: 'sign-in'; user: string; name: string; role: string }
  | { kind: 'sign-in-failed'; user: string; attempt: number }
  | { kind: 'lockout'; user: string; minutes: number }
  | { kind: 'emergency-access'; name: string; role: string; reason: string; minutes: number }
  | { kind: 'sign-out'; user: string | null }
  | { kind: 'lock'; cause: 'inactivity' | 'user' }
  | { kind: 'unlock'; user: string | null }
  | { kind: 'chart-opened'; patient: string; foundVia: FoundVia }
  /** A part of a chart shown: a chart tab (summary, medications...), the MAR, a trend, a record. */
  | { kind: 'section-viewed'; patient: string; section: string }
  /** A print sent (or a PDF saved): what, for which patients, how many pages (null: not known). */
  | { kind: 'print'; what: string; patients: string[]; pages: number | null; mode: 'dialog' | 'pdf'; printed: boolean }
  | { kind: 'expired-acknowledged'; facility: string; sequence: number; asOf: string; ageDays: number }
  | { kind: 'snapshot-taken'; file: string; facility: string; sequence: number; by: 'inbox' | 'command' | 'https' }
  | { kind: 'snapshot-refused'; file: string; code: string }
  | { kind: 'roster-taken'; file: string; sequence: number }
  | { kind: 'roster-refused'; file: string; code: string }
  /** An export: its format, the --since asked, and the entries it held (from..through; 0 when none). */
  | { kind: 'audit-exported'; format: 'fhir' | 'syslog'; since: string | null; from: number; through: number; entries: number }
  | { kind: 'audit-pruned'; through: number; entries: number };
export type AuditKind = AuditEvent['kind'];

/** An entry as stored: the event with its number, time, station and actor. */
export type AuditEntry = AuditEvent & { seq: number; at: string; station: string; actor: AuditActor | null };

export type CheckpointReason = 'created' | 'interval' | 'print' | 'emergency' | 'close' | 'prune';

/** The signed statement of a checkpoint (its canonical JSON is what the signature covers). */
export interface CheckpointBody {
  format: 'lantern-audit-checkpoint';
  version: 1;
  log: string;
  station: string;
  number: number;
  at: string;
  reason: CheckpointReason;
  /** The last entry it covers (0: none yet) and the chain's hash after it. */
  through: number;
  hash: string;
  /** SHA-256 of the checkpoint before (its body and signature); null for the first. */
  previous: string | null;
  /** After a prune: entries up to `through` were removed; the chain goes on from `hash`. */
  pruned: { through: number; hash: string } | null;
  /** SHA-256 fingerprint of the signing certificate. */
  signer: string;
}

/** JSON with keys sorted at every level and no undefined members: the bytes the hash and the signature cover. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (...parts: Array<Buffer | string>) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
/** The hash each entry chains on: SHA-256 of the previous hash's bytes and the entry's canonical JSON. */
export const chainHash = (previous: string, body: string) => sha256(Buffer.from(previous, 'hex'), body);
export const genesisHash = (log: string) => sha256(`lantern-audit-genesis\n${log}`);
const checkpointDigest = (body: string, signature: string) => sha256(body, '\n', signature);

const SIGN_OPTIONS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_entry (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_checkpoint (number INTEGER PRIMARY KEY, body TEXT NOT NULL, signature TEXT NOT NULL, certificate TEXT NOT NULL);
`;

/** The audit database's own key: derived from the home's database key, never the same bytes. */
function auditKey(dir: string, protector: KeyProtector): Buffer {
  const dbKey = unsealDatabaseKey(dir, protector);
  try {
    return Buffer.from(hkdfSync('sha256', dbKey, Buffer.alloc(0), 'lantern audit log v1', 32));
  } finally {
    dbKey.fill(0);
  }
}

/** Open the encrypted audit database of a home (made when absent): for the log, verify and tests. */
export function openAuditDatabase(dir: string, protector: KeyProtector = keyFileProtector(dir)): Db {
  const key = auditKey(dir, protector);
  let db: Db;
  try {
    db = openLiveDatabase(homePath(dir, 'audit'), key);
  } catch (error) {
    throw new HomeError(
      `The audit log of ${dir} cannot be opened with this home's key: it was replaced, damaged or copied from another workstation. Keep the file for IT and restore the home's audit.db from a backup.`,
      { cause: error },
    );
  } finally {
    key.fill(0);
  }
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

interface Signer {
  certificate: X509Certificate;
  key: KeyObject;
}

export interface AuditLogOptions {
  protector?: KeyProtector;
  clock?: () => Date;
  /** Who is signed in (the sign-in's provider); absent: nobody, recorded as "not signed in". */
  actor?: ActorProvider;
  /** Minutes between signed checkpoints (policy `audit.checkpointMinutes`). */
  checkpointMinutes?: number;
  /** Check every minute whether a checkpoint is due (the desktop app); tests and the CLI call checkpoint() themselves. */
  timer?: boolean;
}

/** What the composition roots hand to the API, the inbox agent, the ingest and the expiry gate. */
export interface AuditRecorder {
  /** Append one entry. Never throws: a failure is written to lantern.log (its code, no content). */
  record(event: AuditEvent): AuditEntry | null;
}

export interface AuditLog extends AuditRecorder {
  readonly station: string;
  /** Sign the head of the chain now (a no-op when nothing is new, unless `force`). */
  checkpoint(reason: CheckpointReason, options?: { force?: boolean }): void;
  /** Entries in order, from `since` (an ISO time) on. */
  entries(since?: string): AuditEntry[];
  /** Entries not yet in any export (lantern audit export): what the heartbeat reports to IT. */
  backlog(): number;
  /** The database (for prune and export in this module). */
  readonly db: Db;
  readonly signer: Signer;
  close(): void;
}

/** Checkpoint at once after these: the issue asks that a print and an emergency access be signed as they happen. */
const SIGN_AT_ONCE: Partial<Record<AuditKind, CheckpointReason>> = { print: 'print', 'emergency-access': 'emergency' };

interface Head {
  seq: number;
  hash: string;
}

function readMeta(db: Db): { log: string; station: string } | null {
  const rows = db.prepare('SELECT key, value FROM audit_meta').all() as Array<{ key: string; value: string }>;
  const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return meta['log'] && meta['station'] ? { log: meta['log'], station: meta['station'] } : null;
}

/** The station's name in the log: its certificate's subject CN. */
export const stationOf = (certificate: X509Certificate) => subjectName(certificate);

interface CheckpointRow {
  number: number;
  body: string;
  signature: string;
  certificate: string;
}

function lastCheckpoint(db: Db): CheckpointRow | null {
  return (db.prepare('SELECT number, body, signature, certificate FROM audit_checkpoint ORDER BY number DESC LIMIT 1').get() as CheckpointRow | undefined) ?? null;
}

function head(db: Db, log: string): Head {
  const row = db.prepare('SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1').get() as Head | undefined;
  if (row) return row;
  // Everything was pruned: the chain goes on from the prune checkpoint's hash.
  const last = lastCheckpoint(db);
  if (last) {
    const body = JSON.parse(last.body) as CheckpointBody;
    return { seq: body.through, hash: body.hash };
  }
  return { seq: 0, hash: genesisHash(log) };
}

function writeCheckpoint(db: Db, meta: { log: string; station: string }, signer: Signer, at: Date, reason: CheckpointReason, pruned: CheckpointBody['pruned'] = null): void {
  const last = lastCheckpoint(db);
  const h = head(db, meta.log);
  const body: CheckpointBody = {
    format: 'lantern-audit-checkpoint',
    version: 1,
    log: meta.log,
    station: meta.station,
    number: (last?.number ?? 0) + 1,
    at: at.toISOString(),
    reason,
    through: h.seq,
    hash: h.hash,
    previous: last ? checkpointDigest(last.body, last.signature) : null,
    pruned,
    signer: fingerprint(signer.certificate),
  };
  const text = canonicalJson(body);
  const signature = sign('sha256', Buffer.from(text), { key: signer.key, ...SIGN_OPTIONS }).toString('base64');
  db.prepare('INSERT INTO audit_checkpoint (number, body, signature, certificate) VALUES (?, ?, ?, ?)').run(body.number, text, signature, certificatePem(signer.certificate));
}

/**
 * Open (or start) the audit log of an enrolled home, with the station's signing key. Several
 * processes may write at once (the app, `lantern ingest`): each append is one immediate
 * transaction that reads the head and adds the next entry.
 */
export function openAuditLog(dir: string, options: AuditLogOptions = {}): AuditLog {
  const protector = options.protector ?? keyFileProtector(dir);
  const clock = options.clock ?? (() => new Date());
  const checkpointMs = (options.checkpointMinutes ?? AUDIT_DEFAULTS.checkpointMinutes) * 60_000;
  const identity = readIdentity(dir, protector);
  const signer: Signer = { certificate: identity.certificate, key: identity.key };
  const db = openAuditDatabase(dir, protector);
  const meta = db.transaction(() => {
    const existing = readMeta(db);
    if (existing) return existing;
    const made = { log: randomUUID(), station: stationOf(signer.certificate) };
    db.prepare('INSERT INTO audit_meta (key, value) VALUES (?, ?), (?, ?)').run('log', made.log, 'station', made.station);
    writeCheckpoint(db, made, signer, clock(), 'created');
    return made;
  }).immediate();

  const covered = () => {
    const last = lastCheckpoint(db);
    return last ? (JSON.parse(last.body) as CheckpointBody) : null;
  };

  const checkpoint: AuditLog['checkpoint'] = (reason, opts = {}) => {
    db.transaction(() => {
      const last = covered();
      if (!opts.force && last && last.through >= head(db, meta.log).seq) return;
      writeCheckpoint(db, meta, signer, clock(), reason);
    }).immediate();
  };

  /** Due when the oldest entry no checkpoint covers is older than the interval. */
  const checkpointIfDue = () => {
    const last = covered();
    const oldest = db.prepare('SELECT body FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT 1').get(last?.through ?? 0) as { body: string } | undefined;
    if (!oldest) return;
    const at = Date.parse((JSON.parse(oldest.body) as AuditEntry).at);
    if (clock().getTime() - at >= checkpointMs) checkpoint('interval');
  };

  const append = db.transaction((event: AuditEvent): AuditEntry => {
    const h = head(db, meta.log);
    const entry = { ...event, seq: h.seq + 1, at: clock().toISOString(), station: meta.station, actor: options.actor?.() ?? null } as AuditEntry;
    const body = canonicalJson(entry);
    db.prepare('INSERT INTO audit_entry (seq, body, hash) VALUES (?, ?, ?)').run(entry.seq, body, chainHash(h.hash, body));
    return entry;
  });

  const timer = options.timer ? setInterval(() => safely(checkpointIfDue), Math.min(checkpointMs, 60_000)) : null;
  timer?.unref();
  let closed = false;

  function safely<T>(run: () => T, kind?: AuditKind): T | null {
    try {
      return run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      appendHomeLog(dir, { event: 'audit-failed', ...(kind ? { kind } : {}), code: typeof code === 'string' ? code : (error as Error).name }, { clock });
      return null;
    }
  }

  return {
    station: meta.station,
    db,
    signer,
    record: (event) =>
      safely(() => {
        if (closed) throw new HomeError('The audit log has been closed.');
        const entry = append.immediate(event);
        const reason = SIGN_AT_ONCE[event.kind];
        if (reason) checkpoint(reason);
        else checkpointIfDue();
        return entry;
      }, event.kind),
    checkpoint,
    entries: (since) => readEntries(db, since),
    backlog: () => {
      const exported = db.prepare("SELECT max(json_extract(body, '$.through')) AS through FROM audit_entry WHERE json_extract(body, '$.kind') = 'audit-exported'").get() as { through: number | null };
      // The export's own entry is news only to the next export.
      return (db.prepare("SELECT count(*) AS n FROM audit_entry WHERE seq > ? AND json_extract(body, '$.kind') != 'audit-exported'").get(exported.through ?? 0) as { n: number }).n;
    },
    close: () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      safely(() => checkpoint('close'));
      db.close();
    },
  };
}

/**
 * The audit log of an enrolled home, or null (written to lantern.log) when it cannot be opened:
 * a station whose audit log is damaged still shows charts during a downtime; `lantern audit
 * verify` and the home's log tell IT.
 */
export function tryOpenAuditLog(dir: string, options: AuditLogOptions = {}): AuditLog | null {
  if (!existsSync(homePath(dir, 'config'))) return null;
  try {
    return openAuditLog(dir, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    appendHomeLog(dir, { event: 'audit-failed', code: typeof code === 'string' ? code : (error as Error).name }, { clock: options.clock });
    return null;
  }
}

function readEntries(db: Db, since?: string): AuditEntry[] {
  const rows = db.prepare('SELECT body FROM audit_entry ORDER BY seq').all() as Array<{ body: string }>;
  const entries = rows.map((r) => JSON.parse(r.body) as AuditEntry);
  if (!since) return entries;
  const from = Date.parse(since);
  return entries.filter((e) => Date.parse(e.at) >= from);
}

/** The audit's view of what the home's log records (snapshots and rosters taken and refused): the sync agents, `lantern ingest` and the roster's install send them. */
export function auditOfHomeEvent(event: LogEvent): AuditEvent | null {
  switch (event.event) {
    case 'ingested':
      return { kind: 'snapshot-taken', file: event.file, facility: event.facility, sequence: event.sequence, by: event.by };
    case 'refused':
      return event.code.startsWith('ROSTER_') ? { kind: 'roster-refused', file: event.file, code: event.code } : { kind: 'snapshot-refused', file: event.file, code: event.code };
    case 'roster-installed':
      return { kind: 'roster-taken', file: event.file, sequence: event.sequence };
    default:
      return null;
  }
}

// ——— verification ———

export interface AuditProblem {
  /** The first entry that cannot be trusted (the one edited, missing, out of place, or the first a broken checkpoint leaves unproven). */
  seq: number;
  message: string;
}

export interface AuditVerdict {
  ok: boolean;
  station: string | null;
  entries: number;
  first: number | null;
  last: number | null;
  checkpoints: number;
  lastSignedAt: string | null;
  /** Entries after the newest checkpoint: chained but not signed yet (the app checkpoints every few minutes and on closing). */
  unsigned: number;
  problem: AuditProblem | null;
}

/**
 * Check a home's audit log from the first entry it holds: every checkpoint's signature and
 * link to the one before, the newest signed by this station's current certificate; every
 * entry's number, place and hash; each checkpoint's hash against the chain; no checkpoint
 * covering entries that are gone.
 */
export function verifyAuditLog(dir: string, protector: KeyProtector = keyFileProtector(dir), currentCertificate?: X509Certificate): AuditVerdict {
  if (!existsSync(homePath(dir, 'audit'))) {
    throw new HomeError(`${dir} has no audit log yet (${homePath(dir, 'audit')}): nothing has been recorded on this workstation.`);
  }
  const current = currentCertificate ?? readIdentity(dir, protector).certificate;
  const db = openAuditDatabase(dir, protector);
  try {
    return verifyDatabase(db, current);
  } finally {
    db.close();
  }
}

function verifyDatabase(db: Db, current: X509Certificate): AuditVerdict {
  const meta = readMeta(db);
  const rows = db.prepare('SELECT seq, body, hash FROM audit_entry ORDER BY seq').all() as Array<{ seq: number; body: string; hash: string }>;
  const cps = db.prepare('SELECT number, body, signature, certificate FROM audit_checkpoint ORDER BY number').all() as CheckpointRow[];
  const verdict: AuditVerdict = {
    ok: false,
    station: meta?.station ?? null,
    entries: rows.length,
    first: rows[0]?.seq ?? null,
    last: rows.at(-1)?.seq ?? null,
    checkpoints: cps.length,
    lastSignedAt: null,
    unsigned: 0,
    problem: null,
  };
  const fail = (seq: number, message: string): AuditVerdict => ({ ...verdict, problem: { seq, message } });
  const firstSeq = rows[0]?.seq ?? 1;
  if (!meta) return fail(firstSeq, 'The audit log has lost its identity (log id and station): it was replaced or rebuilt.');
  if (cps.length === 0) return fail(firstSeq, 'The audit log holds no signed checkpoint: it was replaced or its checkpoints were removed.');

  // 1. The checkpoints: each signed, each linked to the one before, the newest by this station.
  const bodies: CheckpointBody[] = [];
  for (const [i, cp] of cps.entries()) {
    const before = bodies[i - 1];
    const unproven = before ? before.through + 1 : firstSeq;
    let body: CheckpointBody;
    let certificate: X509Certificate;
    try {
      body = JSON.parse(cp.body) as CheckpointBody;
      certificate = new X509Certificate(cp.certificate);
    } catch {
      return fail(unproven, `Checkpoint ${cp.number} cannot be read: it was forged or damaged.`);
    }
    if (body.format !== 'lantern-audit-checkpoint' || body.number !== cp.number || canonicalJson(body) !== cp.body) {
      return fail(unproven, `Checkpoint ${cp.number} is not in Lantern's form: it was forged or damaged.`);
    }
    const signed = fingerprint(certificate) === body.signer && verify('sha256', Buffer.from(cp.body), { key: certificate.publicKey, ...SIGN_OPTIONS }, Buffer.from(cp.signature, 'base64'));
    if (!signed) return fail(unproven, `Checkpoint ${cp.number} (${body.at}) does not carry a valid signature: it was forged or edited.`);
    if (body.log !== meta.log || body.station !== meta.station) {
      return fail(unproven, `Checkpoint ${cp.number} belongs to another audit log (${body.station}): the log was replaced.`);
    }
    if (before) {
      const prev = cps[i - 1]!;
      if (body.number !== before.number + 1 || body.previous !== checkpointDigest(prev.body, prev.signature)) {
        return fail(unproven, `Checkpoint ${body.number} does not follow checkpoint ${before.number}: checkpoints were removed or replaced.`);
      }
      if (body.through < before.through) return fail(unproven, `Checkpoint ${body.number} goes back in the log: it was forged.`);
    } else if (body.previous !== null && !body.pruned) {
      return fail(firstSeq, `The oldest checkpoint left (${body.number}) is not the first one nor a prune: older checkpoints and entries were removed.`);
    }
    bodies.push(body);
  }
  const newest = bodies.at(-1)!;
  verdict.lastSignedAt = newest.at;
  if (newest.signer !== fingerprint(current)) {
    return fail(firstSeq, `The newest checkpoint (${newest.at}) is not signed by this workstation's certificate (${subjectName(current)}): the log was replaced.`);
  }

  // 2. The entries: from the base (the genesis or the oldest prune) to the end, each in place.
  const base = bodies[0]!.pruned ?? { through: 0, hash: genesisHash(meta.log) };
  let prev = base.hash;
  let expected = base.through + 1;
  let cpIndex = bodies.findIndex((b) => b.through >= expected);
  let lastProven = base.through;
  const unprovenSince = () => lastProven + 1;
  // A checkpoint of the start (the log's creation, or a prune of everything) signs the base hash itself.
  for (const b of bodies) {
    if (b.through === base.through && b.hash !== base.hash) return fail(expected, `Checkpoint ${b.number} does not sign the start of this log: the log was replaced.`);
  }
  for (const row of rows) {
    if (row.seq < expected) return fail(row.seq, `Entry ${row.seq} lies before the start the prune checkpoint signed (${expected}): it was put back.`);
    if (row.seq > expected) return fail(expected, `Entry ${expected} is missing${row.seq > expected + 1 ? ` (entries ${expected}-${row.seq - 1})` : ''}: it was deleted.`);
    let entry: AuditEntry;
    try {
      entry = JSON.parse(row.body) as AuditEntry;
    } catch {
      return fail(row.seq, `Entry ${row.seq} cannot be read: it was edited.`);
    }
    if (entry.seq !== row.seq) return fail(row.seq, `Entry ${row.seq} holds entry ${entry.seq}: the log was reordered.`);
    const hash = chainHash(prev, row.body);
    if (hash !== row.hash) return fail(row.seq, `Entry ${row.seq} (${entry.at}) was changed after it was written: its hash does not follow from the entry before.`);
    prev = hash;
    expected++;
    while (cpIndex >= 0 && cpIndex < bodies.length && bodies[cpIndex]!.through === row.seq) {
      const cp = bodies[cpIndex]!;
      if (cp.hash !== hash) {
        return fail(unprovenSince(), `Entries ${unprovenSince()}-${row.seq} do not match checkpoint ${cp.number} signed at ${cp.at}: one of them was changed, removed or reordered and the chain rewritten.`);
      }
      lastProven = row.seq;
      cpIndex++;
    }
  }
  const end = expected - 1;
  if (newest.through > end) {
    const cp = bodies.find((b) => b.through > end)!;
    return fail(end + 1, `The log ends at entry ${end} but checkpoint ${cp.number} (${cp.at}) covers entries up to ${newest.through}: entries ${end + 1}-${newest.through} were removed (the log was truncated).`);
  }
  if (rows.length === 0 && newest.hash !== prev) return fail(base.through + 1, 'The audit log holds no entries but its checkpoints cover some: it was truncated.');
  verdict.unsigned = end - newest.through;
  verdict.ok = true;
  return verdict;
}

// ——— pruning ———

export class AuditError extends HomeError {
  override name = 'AuditError';
}

/**
 * Remove the oldest entries, only those IT confirms its repository received (`confirmed`: up to
 * an entry number or a time), that were exported, and that are older than the retention; a
 * signed prune checkpoint keeps the rest verifiable. Refuses, with a sentence, when the log
 * does not verify or nothing qualifies.
 */
export function pruneAuditLog(log: AuditLog, options: { confirmed: { seq: number } | { time: string }; retentionDays: number; now: Date }): { through: number; entries: number } {
  const verdict = verifyDatabase(log.db, log.signer.certificate);
  if (!verdict.ok) throw new AuditError(`The audit log does not verify (${verdict.problem!.message}), so nothing is pruned. Run lantern audit verify and keep the log for IT.`);
  const entries = log.entries();
  const cutoff = options.now.getTime() - options.retentionDays * 86_400_000;
  const exports = entries.flatMap((e) => (e.kind === 'audit-exported' && e.entries > 0 ? [[e.from, e.through] as const] : []));
  const wasExported = (e: AuditEntry) => exports.some(([from, to]) => e.seq >= from && e.seq <= to);
  const confirmed = (e: AuditEntry) => ('seq' in options.confirmed ? e.seq <= options.confirmed.seq : Date.parse(e.at) <= Date.parse(options.confirmed.time));
  let through = 0;
  for (const e of entries) {
    if (!confirmed(e) || !wasExported(e) || Date.parse(e.at) >= cutoff) break;
    through = e.seq;
  }
  const first = entries[0];
  if (!first || through === 0) {
    const why = !first
      ? 'the log holds no entries'
      : !confirmed(first)
        ? `entry ${first.seq} is not among those confirmed received`
        : !wasExported(first)
          ? `entry ${first.seq} was never exported (lantern audit export)`
          : `entry ${first.seq} (${first.at}) is younger than the retention of ${options.retentionDays} days`;
    throw new AuditError(`Nothing was pruned: ${why}.`);
  }
  const at = entries.find((e) => e.seq === through)!;
  const row = log.db.prepare('SELECT hash FROM audit_entry WHERE seq = ?').get(at.seq) as { hash: string };
  const removed = entries.filter((e) => e.seq <= through).length;
  log.db.transaction(() => {
    // The prune checkpoint is signed first (linked to the last one), then what it replaces goes.
    writeCheckpoint(log.db, readMeta(log.db)!, log.signer, options.now, 'prune', { through, hash: row.hash });
    const number = (lastCheckpoint(log.db) as CheckpointRow).number;
    log.db.prepare('DELETE FROM audit_entry WHERE seq <= ?').run(through);
    log.db.prepare('DELETE FROM audit_checkpoint WHERE number < ?').run(number);
  }).immediate();
  log.record({ kind: 'audit-pruned', through, entries: removed });
  log.checkpoint('prune');
  return { through, entries: removed };
}
