import { type X509Certificate, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CLOCK_SKEW_MINUTES, DEFAULT_STALE_AFTER_MINUTES } from '../../shared/defaults';
import { Fallback, HeldBack, LastFailure, Rejection, SnapshotStatus } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { certificatesFromPem } from '../snapshot/pki/certs';
import { DATABASE_CIPHERS } from '../store/database';
import type { KeyProtector } from './key-protector';

/**
 * A workstation home on disk:
 *   home.json             configuration (scope, protector kind, retention, staleness)
 *   trust.pem             trust anchor(s): the CA certificate(s) snapshots must chain to
 *   identity.pem          this workstation's certificate (a snapshot recipient)
 *   identity.key.sealed   its private key (PKCS#8), wrapped by the KeyProtector
 *   database.key.sealed   the database key, wrapped by the KeyProtector
 *   state.json            current snapshot, rollback copies, sequence high-water marks,
 *                         last rejection, last local failure; replaced atomically (the switch)
 *   heartbeat.json        this station's last signed heartbeat (core/home/heartbeat.ts), when the policy asks for one
 *   lantern.log           what the inbox and `lantern ingest` did (JSON lines, no PHI; core/home/log.ts)
 *   audit.db              the audit log: who looked at what, hash-chained and signed (encrypted; core/home/audit.ts)
 *   snapshots/*.db        encrypted snapshot databases
 *   ingest.lock           held while an ingest runs
 *   sync.lock             held while a sync agent runs (the app, lantern watch; home/sync-lock.ts)
 *   source.json           the HTTPS source's own record (core/sync/https.ts)
 *   incoming/             snapshots being downloaded from the HTTPS source
 *   roster.json           the signed roster in use (home/roster.ts)
 *   signin.json           failed sign-in counters, lockouts, emergency codes used (home/sign-in.ts)
 */
export const HOME_FILES = {
  config: 'home.json',
  trust: 'trust.pem',
  identityCert: 'identity.pem',
  identityKey: 'identity.key.sealed',
  databaseKey: 'database.key.sealed',
  state: 'state.json',
  snapshots: 'snapshots',
  lock: 'ingest.lock',
  syncLock: 'sync.lock',
  log: 'lantern.log',
  /** What the HTTPS source last took (validators, the pointer's sequence and time, a download under way). */
  source: 'source.json',
  /** Snapshots being downloaded from the HTTPS source (`NAME.partial` until whole and checked). */
  incoming: 'incoming',
  heartbeat: 'heartbeat.json',
  audit: 'audit.db',
  roster: 'roster.json',
  signIn: 'signin.json',
} as const;

/** Snapshot databases a home keeps unless enrolled with another number: the current one and one to roll back to. */
export const DEFAULT_KEEP_SNAPSHOTS = 2;

export const HomeConfig = z.object({
  format: z.literal('lantern-home'),
  version: z.literal(1),
  createdAt: z.string(),
  /** KeyProtector kind that sealed this home's secrets. */
  protector: z.string().min(1),
  /** Facility id snapshots must carry; null pins to the first snapshot ingested. */
  facility: z.string().min(1).nullable(),
  /** Unit ids this workstation may hold; null accepts any unit scope of the facility. */
  units: z.array(z.string().min(1)).nullable(),
  /**
   * Who may publish to this home (lantern enroll --publisher): certificates by SHA-256, or by
   * subject CN. null: any publisher certificate the anchor issued with the publisher purpose.
   */
  publishers: z
    .array(z.union([z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/) }).strict(), z.object({ subject: z.string().min(1).max(200) }).strict()]))
    .min(1)
    .max(100)
    .nullable()
    .default(null),
  /** Snapshot databases kept: the current one plus (keep - 1) for rollback. */
  keepSnapshots: z.number().int().min(1).max(20).default(DEFAULT_KEEP_SNAPSHOTS),
  staleAfterMinutes: z.number().int().positive().default(DEFAULT_STALE_AFTER_MINUTES),
  /** What an ingest tolerates before it refuses or holds a snapshot back (defaults: HOME_LIMITS). */
  limits: z
    .object({
      /** A snapshot with fewer than this fraction of the current one's patients is held back (SUSPECT_DROP). */
      minPatientFraction: z.number().min(0).max(1).optional(),
      /** Largest step above the sequence high-water mark (SEQUENCE_JUMP). */
      maxSequenceJump: z.number().int().positive().optional(),
      /** Longest single field value stored whole; longer ones are cut and marked. */
      maxFieldBytes: z.number().int().min(1024).optional(),
      /** How far the data-as-of time may lie ahead of this workstation's clock (FUTURE_AS_OF). */
      clockSkewMinutes: z.number().int().min(0).max(24 * 60).optional(),
    })
    .strict()
    .default({}),
  demo: z.boolean().default(false),
});
export type HomeConfig = z.infer<typeof HomeConfig>;

/** The ingest limits a home uses where home.json sets none. */
export const HOME_LIMITS = {
  minPatientFraction: 0.5,
  maxSequenceJump: 1_000_000,
  maxFieldBytes: 1_000_000,
  clockSkewMinutes: DEFAULT_CLOCK_SKEW_MINUTES,
} as const;
export type HomeLimits = { -readonly [K in keyof typeof HOME_LIMITS]: number };
export const homeLimits = (config: HomeConfig): HomeLimits => ({ ...HOME_LIMITS, ...config.limits });

export const SnapshotRecord = z.object({
  /** Database file, relative to the home. */
  db: z.string(),
  status: SnapshotStatus,
  schemaVersion: z.number().int(),
  manifestSha256: z.string(),
  /** How the database is encrypted; records from before the field were all SQLCipher 4. */
  cipher: z.enum(DATABASE_CIPHERS).default('sqlcipher4'),
});
export type SnapshotRecord = z.infer<typeof SnapshotRecord>;

export const StoredRejection = Rejection.extend({ code: z.string() });
export type StoredRejection = z.infer<typeof StoredRejection>;

const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A high-water mark set by hand (lantern reset-sequence): when, which facility, from what to what. */
export const SequenceReset = z.object({
  at: z.string(),
  facility: z.string(),
  /** null: the facility had no mark yet. */
  from: Sequence.nullable(),
  to: Sequence,
});
export type SequenceReset = z.infer<typeof SequenceReset>;

export const HomeState = z.object({
  version: z.literal(1),
  current: SnapshotRecord.nullable(),
  previous: z.array(SnapshotRecord),
  highWater: z.record(z.string(), Sequence),
  lastRejection: StoredRejection.nullable(),
  /** The latest hand-made resets of the high-water marks, oldest first. */
  sequenceResets: z.array(SequenceReset).default([]),
  /** A newer snapshot held back (SUSPECT_DROP); cleared by the next snapshot taken. */
  heldBack: HeldBack.nullable().default(null),
  /** The current one is an earlier copy: the newest was damaged, or IT rolled back; cleared by the next snapshot taken. */
  fallback: Fallback.nullable().default(null),
  /** The last local failure (disk, permissions, a locked database); null once a snapshot is taken after it. */
  lastFailure: LastFailure.nullable().default(null),
});
export type HomeState = z.infer<typeof HomeState>;

export const EMPTY_STATE: HomeState = {
  version: 1,
  current: null,
  previous: [],
  highWater: {},
  lastRejection: null,
  sequenceResets: [],
  heldBack: null,
  fallback: null,
  lastFailure: null,
};

/** A home problem IT must act on (not enrolled, wrong key store, a damaged file...); no PHI. */
export class HomeError extends LanternError {
  override name = 'HomeError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: 'HOME', audience: 'it', cause: options.cause });
  }
}

/** JSON.parse whose error (which quotes the text) never leaves: null when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const homePath = (dir: string, name: keyof typeof HOME_FILES) => path.join(dir, HOME_FILES[name]);

/** Write a file so that readers see the old or the new content, never a mix; durable. */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(file));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory for fsync; NTFS orders the rename itself.
  }
}

export function readConfig(dir: string): HomeConfig {
  const file = homePath(dir, 'config');
  if (!existsSync(file)) throw new HomeError(`${dir} is not an enrolled Lantern home (no ${HOME_FILES.config}). Run lantern enroll first.`);
  const parsed = HomeConfig.safeParse(parseJson(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new HomeError(`${file} is not a valid home configuration.`);
  return parsed.data;
}

export function readState(dir: string): HomeState {
  const file = homePath(dir, 'state');
  if (!existsSync(file)) return EMPTY_STATE;
  const parsed = HomeState.safeParse(parseJson(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new HomeError(`${file} is damaged; restore it or re-enroll the home.`);
  return parsed.data;
}

export function writeState(dir: string, state: HomeState): void {
  writeFileAtomic(homePath(dir, 'state'), JSON.stringify(state, null, 1) + '\n');
}

export function readAnchors(dir: string): X509Certificate[] {
  const anchors = certificatesFromPem(readFileSync(homePath(dir, 'trust'), 'utf8'));
  if (anchors.length === 0) throw new HomeError(`${homePath(dir, 'trust')} holds no trust anchor.`);
  return anchors;
}

export function assertProtector(config: HomeConfig, protector: KeyProtector): void {
  if (config.protector !== protector.kind) {
    throw new HomeError(
      `This home's keys are sealed by "${config.protector}", not "${protector.kind}": open it the way it was enrolled, or enroll it again.`,
    );
  }
}

export function unsealDatabaseKey(dir: string, protector: KeyProtector): Buffer {
  try {
    return protector.unprotect(readFileSync(homePath(dir, 'databaseKey')));
  } catch (error) {
    if (error instanceof HomeError) throw error;
    throw new HomeError(`The database key of ${dir} cannot be unsealed (${protector.kind}): the key store changed or the home was copied. Enroll it again.`);
  }
}

export function readIdentity(dir: string, protector: KeyProtector): { certificate: X509Certificate; key: KeyObject } {
  const certificate = certificatesFromPem(readFileSync(homePath(dir, 'identityCert'), 'utf8'))[0];
  if (!certificate) throw new HomeError(`${homePath(dir, 'identityCert')} holds no certificate.`);
  let der: Buffer;
  try {
    der = protector.unprotect(readFileSync(homePath(dir, 'identityKey')));
  } catch (error) {
    if (error instanceof HomeError) throw error;
    throw new HomeError(`The workstation key of ${dir} cannot be unsealed (${protector.kind}). Enroll it again.`);
  }
  try {
    return { certificate, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } finally {
    der.fill(0);
  }
}
