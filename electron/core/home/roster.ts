import { createHash, verify, type X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { IsoDateTime } from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import { certificatesFromPem, verifyPublisherChain, type PublisherPolicy } from '../snapshot/pki/certs';
import { SnapshotRefusal } from '../snapshot/refusal';
import { EmergencyChain } from './emergency';
import { homeLimits, homePath, readAnchors, readConfig, readState, writeFileAtomic } from './layout';
import { auditOfHomeEvent, type AuditRecorder } from './audit';
import { appendHomeLog, type LogEvent } from './log';

/**
 * The signed roster (docs/SIGN-IN.md): who may sign in at a unit's stations, with a verifier
 * of each one's passphrase, and the end of the emergency code chain. IT builds it (`lantern
 * roster build`), signed by the publisher certificate like a snapshot manifest; it is not
 * encrypted (it holds no patient data, and its verifiers are Argon2id, made to be slow to
 * guess). On disk it is one JSON envelope:
 *
 *   {"format":"lantern-roster","version":1,"body":"<base64 of the roster JSON>",
 *    "signature":"<base64>","chain":["<publisher certificate PEM>", ...]}
 */
export const ROSTER_FORMAT = 'lantern-roster';
/** How a roster file starts: what the inbox looks for. */
export const ROSTER_MAGIC = `{"format":"${ROSTER_FORMAT}"`;
export const ROSTER_MAX_BYTES = 32 * 1024 * 1024;

/** The shape of an Argon2id verifier (PHC string), as hash-wasm writes it. */
export const VERIFIER_PATTERN = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{22,128}$/;

export const RosterUser = z
  .object({
    /** What the person types to sign in (compared without regard to case). */
    id: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/),
    name: z.string().min(1).max(120),
    role: z.string().min(1).max(60),
    /** Units whose stations the person may sign in at; empty: every unit of the facility. */
    units: z.array(z.string().min(1).max(100)).max(200),
    /** After this the person can no longer sign in (null: not before the roster's own end). */
    expiresAt: IsoDateTime.nullable(),
    verifier: z.string().regex(VERIFIER_PATTERN),
  })
  .strict();
export type RosterUser = z.infer<typeof RosterUser>;

const Ref = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) }).strict();

export const Roster = z
  .object({
    format: z.literal('lantern-roster-body'),
    version: z.literal(1),
    facility: Ref,
    /** The units this roster was built for (informational; each user names their own). */
    units: z.array(Ref).max(1000),
    /** Grows with every roster of a facility: a station never takes one older than the one in use. */
    sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    issuedAt: IsoDateTime,
    /** A station refuses this roster from then on (the one in use keeps signing people in, marked as old). */
    expiresAt: IsoDateTime,
    /** The passphrase rules the build applied. */
    passphrase: z.object({ minLength: z.number().int().min(8).max(128) }).strict(),
    emergency: EmergencyChain.nullable(),
    users: z.array(RosterUser).max(50_000),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.users.forEach((u, i) => {
      const key = u.id.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['users', i, 'id'], message: 'repeated user id' });
      seen.add(key);
    });
  });
export type Roster = z.infer<typeof Roster>;

const Envelope = z
  .object({
    format: z.literal(ROSTER_FORMAT),
    version: z.literal(1),
    body: z.string().min(1),
    signature: z.string().min(1).max(8000),
    chain: z.array(z.string().max(20_000)).min(1).max(8),
  })
  .strict();

/**
 * Why a roster was refused: a stable code, an exit code (40-49) and one sentence for IT. The
 * roster in use, if any, stays.
 */
export const ROSTER_REFUSALS = {
  ROSTER_NOT_A_ROSTER: { exit: 40, text: 'the file is not a Lantern roster' },
  ROSTER_MALFORMED: { exit: 41, text: 'the roster is damaged or not in the roster format' },
  ROSTER_BAD_SIGNATURE: { exit: 42, text: 'the roster signature does not verify (it was altered or is unsigned)' },
  ROSTER_UNTRUSTED: { exit: 43, text: "the roster is not signed by a publisher certificate this home trusts" },
  ROSTER_EXPIRED: { exit: 44, text: 'the roster has expired' },
  ROSTER_ROLLBACK: { exit: 45, text: 'the roster is not newer than the one in use (replay or rollback)' },
  ROSTER_WRONG_FACILITY: { exit: 46, text: "the roster is for another facility than this home's" },
  ROSTER_FUTURE: { exit: 47, text: "the roster was issued in the future (check the publisher's and this workstation's clocks)" },
} as const;
export type RosterRefusalCode = keyof typeof ROSTER_REFUSALS;

export class RosterRefusal extends LanternError {
  declare readonly code: RosterRefusalCode;
  constructor(code: RosterRefusalCode, readonly detail?: string) {
    super('UNAVAILABLE', `Roster refused (${code}): ${ROSTER_REFUSALS[code].text}${detail ? ` (${detail})` : ''}; the roster in use stays.`, {
      code,
      audience: 'it',
      exitCode: ROSTER_REFUSALS[code].exit,
    });
    this.name = 'RosterRefusal';
  }
}
const refuse = (code: RosterRefusalCode, detail?: string): never => {
  throw new RosterRefusal(code, detail);
};

/** Does this text (a file's first bytes) look like a roster? */
export const looksLikeRoster = (head: Buffer | string): boolean => head.toString().startsWith(ROSTER_MAGIC);

/** The bytes a signer signs and a file carries. */
export function rosterEnvelope(body: Buffer, signature: Buffer, chainPem: string[]): string {
  return `${JSON.stringify({ format: ROSTER_FORMAT, version: 1, body: body.toString('base64'), signature: signature.toString('base64'), chain: chainPem })}\n`;
}

export interface VerifiedRoster {
  roster: Roster;
  publisher: X509Certificate;
  /** SHA-256 of the signed body: names this exact roster. */
  sha256: string;
}

/**
 * Authenticity: the envelope's publisher certificate chains to an anchor at `now` with the
 * publisher purpose (and the home's pins), the signature over the body verifies with it, and
 * only then is the body read.
 */
export function verifyRoster(bytes: Buffer, anchors: X509Certificate[], now: Date, policy: PublisherPolicy = {}): VerifiedRoster {
  if (bytes.length > ROSTER_MAX_BYTES) refuse('ROSTER_MALFORMED', `${bytes.length} bytes, at most ${ROSTER_MAX_BYTES}`);
  if (!looksLikeRoster(bytes.subarray(0, ROSTER_MAGIC.length))) refuse('ROSTER_NOT_A_ROSTER');
  let envelope: z.infer<typeof Envelope>;
  try {
    envelope = Envelope.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return refuse('ROSTER_MALFORMED', 'the envelope is not valid');
  }
  let chain: X509Certificate[];
  try {
    chain = envelope.chain.flatMap(certificatesFromPem);
  } catch {
    return refuse('ROSTER_MALFORMED', 'certificate chain');
  }
  let publisher: X509Certificate;
  try {
    publisher = verifyPublisherChain(chain, anchors, now, policy);
  } catch (error) {
    // The snapshot check's own detail (which certificate, why) says it for a roster too.
    if (error instanceof SnapshotRefusal) return refuse('ROSTER_UNTRUSTED', `${error.code}: ${error.detail ?? ''}`.replace(/: $/, ''));
    throw error;
  }
  const body = Buffer.from(envelope.body, 'base64');
  let good: boolean;
  try {
    good = verify('sha256', body, publisher.publicKey, Buffer.from(envelope.signature, 'base64'));
  } catch {
    good = false;
  }
  if (!good) refuse('ROSTER_BAD_SIGNATURE');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse('ROSTER_MALFORMED', 'the roster is not JSON');
  }
  const parsed = Roster.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('ROSTER_MALFORMED', `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? ''}`);
  }
  return { roster: parsed.data, publisher, sha256: createHash('sha256').update(body).digest('hex') };
}

export interface RosterScope {
  /** The home's facility (null: not known yet, any). */
  facility: string | null;
  /** The sequence of the roster in use (null: none yet). */
  inUse: number | null;
  clockSkewMinutes: number;
}

/** Freshness and scope against the home: expired, from the future, another facility, not newer. Pure. */
export function checkRosterAdmission(roster: Roster, scope: RosterScope, now: Date): void {
  if (now.getTime() >= Date.parse(roster.expiresAt)) refuse('ROSTER_EXPIRED', `expired ${roster.expiresAt}`);
  if (Date.parse(roster.expiresAt) <= Date.parse(roster.issuedAt)) refuse('ROSTER_MALFORMED', 'expires before it was issued');
  const ahead = Date.parse(roster.issuedAt) - now.getTime();
  if (ahead > scope.clockSkewMinutes * 60_000) refuse('ROSTER_FUTURE', `issued ${roster.issuedAt}, this workstation's clock says ${now.toISOString()}`);
  if (scope.facility !== null && roster.facility.id !== scope.facility) {
    refuse('ROSTER_WRONG_FACILITY', `roster facility "${roster.facility.id}", home facility "${scope.facility}"`);
  }
  if (scope.inUse !== null && roster.sequence <= scope.inUse) refuse('ROSTER_ROLLBACK', `sequence ${roster.sequence}, in use ${scope.inUse}`);
}

/** The home's facility as far as it is known: enrolled, or from the snapshots it took. */
function homeFacility(dir: string): string | null {
  const config = readConfig(dir);
  if (config.facility) return config.facility;
  const state = readState(dir);
  return state.current ? (Object.keys(state.highWater)[0] ?? null) : null;
}

/** The roster in use in a home, verified again (its signature, not its age), or null when none is installed. */
export function readInstalledRoster(dir: string, now: Date): VerifiedRoster | null {
  const file = homePath(dir, 'roster');
  if (!existsSync(file)) return null;
  const config = readConfig(dir);
  // The anchors' validity is judged at the roster's issue time: a roster in use stays usable
  // in a long outage after the publisher certificate was renewed.
  const bytes = readFileSync(file);
  const issuedAt = (() => {
    try {
      const env = JSON.parse(bytes.toString('utf8')) as { body?: string };
      const body = JSON.parse(Buffer.from(env.body ?? '', 'base64').toString('utf8')) as { issuedAt?: string };
      const t = Date.parse(body.issuedAt ?? '');
      return Number.isFinite(t) && t < now.getTime() ? new Date(t) : now;
    } catch {
      return now;
    }
  })();
  return verifyRoster(bytes, readAnchors(dir), issuedAt, { publishers: config.publishers });
}

export interface InstalledRoster {
  facility: string;
  sequence: number;
  users: number;
  issuedAt: string;
  expiresAt: string;
  emergencyCodes: number;
}

const summary = (r: Roster): InstalledRoster => ({
  facility: r.facility.id,
  sequence: r.sequence,
  users: r.users.length,
  issuedAt: r.issuedAt,
  expiresAt: r.expiresAt,
  emergencyCodes: r.emergency?.length ?? 0,
});

/**
 * Take a roster file into a home (`lantern roster install`, the inbox): verify it, check it
 * against the home and the roster in use, then replace the home's roster.json atomically. A
 * refusal (RosterRefusal) leaves the roster in use as it was. Both are written to the home's log.
 */
export function installRoster(dir: string, file: string, options: { clock?: () => Date; file?: string; audit?: AuditRecorder } = {}): InstalledRoster {
  const now = (options.clock ?? (() => new Date()))();
  const name = options.file ?? file;
  // To the home's log, and to the audit log: a roster taken or refused is recorded there too.
  const log = (event: LogEvent) => {
    appendHomeLog(dir, event, { clock: () => now });
    const audited = auditOfHomeEvent(event);
    if (audited) options.audit?.record(audited);
  };
  try {
    if (statSync(file).size > ROSTER_MAX_BYTES) refuse('ROSTER_MALFORMED', `larger than ${ROSTER_MAX_BYTES} bytes`);
    const bytes = readFileSync(file);
    const config = readConfig(dir);
    const verified = verifyRoster(bytes, readAnchors(dir), now, { publishers: config.publishers });
    let inUse: number | null = null;
    try {
      inUse = readInstalledRoster(dir, now)?.roster.sequence ?? null;
    } catch {
      // The roster in use is damaged: any good roster replaces it.
    }
    checkRosterAdmission(verified.roster, { facility: homeFacility(dir), inUse, clockSkewMinutes: homeLimits(readConfig(dir)).clockSkewMinutes }, now);
    writeFileAtomic(homePath(dir, 'roster'), bytes);
    const taken = summary(verified.roster);
    log({ event: 'roster-installed', file: name, facility: taken.facility, sequence: taken.sequence, users: taken.users });
    return taken;
  } catch (error) {
    if (error instanceof RosterRefusal) log({ event: 'refused', file: name, code: error.code, message: error.message });
    throw error;
  }
}

/**
 * The roster in use as sign-in reads it: read and verified again whenever roster.json
 * changes (an install by the inbox or the CLI), else from memory. A damaged one is a problem
 * for IT, and nobody signs in by it.
 */
export function rosterSource(dir: string, clock: () => Date = () => new Date()): () => { roster: Roster | null; problem: string | null } {
  let seen = '';
  let last: { roster: Roster | null; problem: string | null } = { roster: null, problem: null };
  return () => {
    let mark: string;
    try {
      const st = statSync(homePath(dir, 'roster'));
      mark = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      mark = 'none';
    }
    if (mark === seen) return last;
    seen = mark;
    try {
      last = { roster: readInstalledRoster(dir, clock())?.roster ?? null, problem: null };
    } catch (error) {
      last = { roster: null, problem: error instanceof LanternError ? `The roster in use cannot be read: ${error.message}` : 'The roster in use cannot be read: ask IT to send it again.' };
    }
    return last;
  };
}
