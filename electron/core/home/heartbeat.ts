import { sign, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { IsoDateTime, type LastFailure } from '../../shared/contract';
import type { SyncStatus } from '../../shared/sync-status';
import { DEFAULT_HEARTBEAT_MINUTES } from '../../shared/defaults';
import { LanternError } from '../../shared/errors';
import { freshnessOf } from '../../shared/freshness';
import { certificatePem, certificatesFromPem, describeKey, fingerprint, keyUsage, pathToAnchor, subjectName } from '../snapshot/pki/certs';
import { presentError } from './errors';
import { keyFileProtector } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { homePath, readConfig, readIdentity, readState, writeFileAtomic } from './layout';
import { appendHomeLog } from './log';
import { STATION_ID, type Policy } from './policy';

/**
 * The station's heartbeat: a small signed status that IT's fleet report reads (docs/FLEET.md).
 * It says which snapshot the station holds and how fresh it is, what it last refused and what
 * last failed, never anything about a patient. Signed with the workstation's own key (the one
 * enrolled with `lantern enroll`), so a report that trusts the hospital CA can tell a real
 * station's word from a file someone dropped on the share.
 */

export const HEARTBEAT_FORMAT = 'lantern-heartbeat';
/** A heartbeat file is a few kilobytes; anything much larger is not one. */
export const HEARTBEAT_MAX_BYTES = 64 * 1024;
/** One file per station in the share folder (and the name of the PUT under the URL). */
export const heartbeatFileName = (station: string): string => `${station}.heartbeat.json`;
export const HEARTBEAT_SUFFIX = '.heartbeat.json';
/** Signed bytes start with this, so a heartbeat signature can never pass for any other signature of the same key. */
const SIGNING_CONTEXT = 'lantern-heartbeat v1\n';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Seconds = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const Text = (max: number) => z.string().max(max);

export const Heartbeat = z
  .object({
    station: z.string().regex(STATION_ID),
    /** When the station made this heartbeat (its clock). */
    at: IsoDateTime,
    /** Minutes until the next one: the report calls the station silent after two of them. */
    intervalMinutes: z.number().int().min(1).max(24 * 60),
    appVersion: Text(64),
    demo: z.boolean(),
    facility: Text(200).nullable(),
    /** The units the station holds: its snapshot's (with names), else the units it is enrolled for. */
    units: z.array(z.object({ id: Text(200), name: Text(200).optional() }).strict()).max(500),
    staleAfterMinutes: z.number().int().positive(),
    /** The snapshot in use; null: none yet. */
    snapshot: z
      .object({ sequence: Count, asOf: IsoDateTime, ingestedAt: IsoDateTime, expiresAt: IsoDateTime })
      .strict()
      .nullable(),
    /** At `at`: how old the data was and how long until it expires (negative: expired), in seconds. */
    ageSeconds: Seconds.nullable(),
    expiresInSeconds: Seconds.nullable(),
    stale: z.boolean(),
    expired: z.boolean(),
    /** The last snapshot refused (its refusal code and Lantern's sentence). */
    lastRefusal: z.object({ at: IsoDateTime, code: Text(64), reason: Text(1000) }).strict().nullable(),
    /** A newer snapshot held back (SUSPECT_DROP) and not yet taken. */
    heldBack: z.object({ at: IsoDateTime, sequence: Count }).strict().nullable(),
    /** The last local failure (disk, permissions, a locked database), until a snapshot is taken after it. */
    lastFailure: z.object({ at: IsoDateTime, code: Text(64), message: Text(1000) }).strict().nullable(),
    /** What the station's sync agent says (the HTTPS or inbox agent), when it runs one. */
    sync: z
      .object({ nextCheckAt: IsoDateTime.nullable(), lastProblem: z.object({ at: IsoDateTime, message: Text(1000) }).strict().nullable() })
      .strict()
      .nullable(),
    /** Audit entries not yet sent on (absent: this station does not know). */
    auditBacklog: Count.optional(),
  })
  .strict();
export type Heartbeat = z.infer<typeof Heartbeat>;

/** The heartbeat file: the heartbeat, its signature and the certificate(s) to check it with. */
const SignedHeartbeat = z
  .object({
    format: z.literal(HEARTBEAT_FORMAT),
    version: z.literal(1),
    heartbeat: z.unknown(),
    /** Base64 of the station key's signature (SHA-256; RSA PKCS#1 v1.5 or ECDSA) over SIGNING_CONTEXT + canonical JSON of `heartbeat`. */
    signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(2048),
    /** PEM: the station's certificate first, then any intermediate CA certificates. */
    certificates: z.array(z.string().max(8192)).min(1).max(4),
  })
  .strict();


/** JSON with its object keys sorted at every depth: the same bytes for the same value, whoever writes it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const signedBytes = (heartbeat: unknown) => Buffer.from(SIGNING_CONTEXT + canonicalJson(heartbeat), 'utf8');

/** The station id the policy names, else the computer's host name made fit for a file name. */
export function stationIdFor(configured: string | undefined, host: string = hostname()): string {
  if (configured) return configured;
  const cleaned = host.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned || 'station';
}

export interface HeartbeatInput {
  homeDir: string;
  station: string;
  intervalMinutes: number;
  appVersion: string;
  now: Date;
  /** The policy's stale threshold, when it overrides the home's. */
  staleAfterMinutes?: number;
  sync?: SyncStatus | null;
  /** The agent's own last failure, for when the home's state could not be written (a full disk). */
  localFailure?: LastFailure | null;
  auditBacklog?: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Build this station's heartbeat from its home (home.json and state.json; no database is opened, no key unsealed). */
export function buildHeartbeat(input: HeartbeatInput): Heartbeat {
  const config = readConfig(input.homeDir);
  const state = readState(input.homeDir);
  const snap = state.current?.status ?? null;
  const now = input.now.getTime();
  const staleAfterMinutes = input.staleAfterMinutes ?? config.staleAfterMinutes;
  const freshness = snap ? freshnessOf({ asOf: snap.asOf, expiresAt: snap.expiresAt, now, staleAfterMinutes }) : null;
  const ageSeconds = freshness ? seconds(freshness.ageMs) : null;
  const expiresInSeconds = snap ? seconds(Date.parse(snap.expiresAt) - now) : null;
  const ingestedAt = snap ? Date.parse(snap.ingestedAt) : null;
  // The newer of the home's and the agent's, unless a snapshot was taken after it.
  const failures = [state.lastFailure, input.localFailure ?? null].filter((f): f is LastFailure => f !== null);
  const failure = failures.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0] ?? null;
  const lastFailure = failure && (ingestedAt === null || Date.parse(failure.at) > ingestedAt) ? failure : null;
  const rejection = state.lastRejection;
  const heartbeat: Heartbeat = {
    station: input.station,
    at: input.now.toISOString(),
    intervalMinutes: input.intervalMinutes,
    appVersion: input.appVersion.slice(0, 64),
    demo: config.demo,
    facility: snap?.facility.id ?? config.facility,
    units: snap ? snap.units.map((u) => ({ id: u.id, name: u.name })) : (config.units ?? []).map((id) => ({ id })),
    staleAfterMinutes,
    snapshot: snap ? { sequence: snap.sequence, asOf: snap.asOf, ingestedAt: snap.ingestedAt, expiresAt: snap.expiresAt } : null,
    ageSeconds,
    expiresInSeconds,
    stale: freshness?.stale ?? false,
    expired: freshness?.expired ?? false,
    lastRefusal: rejection ? { at: rejection.at, code: rejection.code.slice(0, 64), reason: rejection.reason.slice(0, 1000) } : null,
    heldBack: state.heldBack ? { at: state.heldBack.at, sequence: state.heldBack.sequence } : null,
    lastFailure: lastFailure ? { at: lastFailure.at, code: lastFailure.code.slice(0, 64), message: lastFailure.message.slice(0, 1000) } : null,
    sync: input.sync
      ? {
          nextCheckAt: input.sync.nextCheckAt,
          lastProblem: input.sync.lastProblem ? { at: input.sync.lastProblem.at, message: input.sync.lastProblem.message.slice(0, 1000) } : null,
        }
      : null,
    ...(input.auditBacklog !== undefined ? { auditBacklog: input.auditBacklog } : {}),
  };
  return Heartbeat.parse(heartbeat);
}

/** The heartbeat file's text, signed with the station's key; `intermediates` go beside its certificate. */
export function signHeartbeat(heartbeat: Heartbeat, identity: { certificate: X509Certificate; key: KeyObject }, intermediates: X509Certificate[] = []): string {
  const signature = sign('sha256', signedBytes(heartbeat), identity.key).toString('base64');
  const file = { format: HEARTBEAT_FORMAT, version: 1, heartbeat, signature, certificates: [identity.certificate, ...intermediates].map(certificatePem) };
  return JSON.stringify(file, null, 1) + '\n';
}

export interface Signer {
  subject: string;
  /** SHA-256 of the station certificate's DER, lower-case hex. */
  fingerprint: string;
}

export type HeartbeatCheck =
  | { trusted: true; heartbeat: Heartbeat; signer: Signer }
  /** `problem`: one sentence saying why the heartbeat cannot be believed; nothing in it is used. */
  | { trusted: false; problem: string; signer: Signer | null };

const untrusted = (problem: string, signer: Signer | null = null): HeartbeatCheck => ({ trusted: false, problem, signer });

/**
 * Check a heartbeat file: a station certificate that chains to one of the anchors (the
 * hospital CA), within its validity at `now`, not a CA, allowed to sign (digitalSignature, or
 * keyEncipherment on the RSA certificate Lantern enrolls, which is all most workstation
 * certificates carry); a signature that verifies with it; a heartbeat of the known shape.
 */
export function checkHeartbeat(text: string | Buffer, anchors: X509Certificate[], now: Date): HeartbeatCheck {
  if (text.length > HEARTBEAT_MAX_BYTES) return untrusted(`the file holds ${text.length} bytes, more than a heartbeat (${HEARTBEAT_MAX_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(text.toString());
  } catch {
    return untrusted('the file is not JSON');
  }
  const file = SignedHeartbeat.safeParse(json);
  if (!file.success) return untrusted('the file is not a Lantern heartbeat (format lantern-heartbeat, version 1)');
  let certificates: X509Certificate[];
  try {
    certificates = file.data.certificates.flatMap(certificatesFromPem);
  } catch {
    return untrusted('a certificate in the file cannot be read');
  }
  const leaf = certificates[0];
  if (!leaf) return untrusted('the file carries no certificate');
  const signer: Signer = { subject: subjectName(leaf), fingerprint: fingerprint(leaf) };
  const chain = pathToAnchor(leaf, certificates.slice(1), anchors);
  if (!chain) return untrusted(`its certificate "${signer.subject}" was not issued by the trusted CA`, signer);
  for (const cert of chain) {
    if (now.getTime() < Date.parse(cert.validFrom) || now.getTime() > Date.parse(cert.validTo)) {
      return untrusted(`certificate "${subjectName(cert)}" is outside its validity (${new Date(cert.validFrom).toISOString()} to ${new Date(cert.validTo).toISOString()})`, signer);
    }
  }
  if (leaf.ca) return untrusted(`its certificate "${signer.subject}" is a CA certificate, not a station's`, signer);
  const usage = keyUsage(leaf);
  const rsa = leaf.publicKey.asymmetricKeyType === 'rsa';
  if (usage && !usage.digitalSignature && !(rsa && usage.keyEncipherment)) return untrusted(`its certificate "${signer.subject}" may not sign`, signer);
  if (!describeKey(leaf.publicKey).ok) return untrusted(`its certificate's key (${describeKey(leaf.publicKey).text}) is not accepted`, signer);
  let ok: boolean;
  try {
    ok = verify('sha256', signedBytes(file.data.heartbeat), leaf.publicKey, Buffer.from(file.data.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) return untrusted('its signature does not verify: the heartbeat was altered, or signed by another key', signer);
  const heartbeat = Heartbeat.safeParse(file.data.heartbeat);
  if (!heartbeat.success) return untrusted('it is signed, but its content is not a heartbeat this version of Lantern reads', signer);
  return { trusted: true, heartbeat: heartbeat.data, signer };
}

/** A heartbeat could not be delivered (the share or the server); for IT, no PHI. */
export class HeartbeatError extends LanternError {
  override name = 'HeartbeatError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: 'HEARTBEAT', audience: 'it', cause: options.cause });
  }
}

/** Where a heartbeat goes, beside the home's own copy. */
export interface HeartbeatTarget {
  dir?: string;
  url?: string;
  /** PEM file of the CA(s) for the HTTPS server, read at each delivery; absent: Node's public CA list. */
  caBundle?: string;
  timeoutMs?: number;
}

/** PUT the heartbeat to URL/STATION.heartbeat.json; resolves on a 2xx answer. */
export function putHeartbeat(url: string, station: string, text: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<void> {
  const target = new URL(heartbeatFileName(station), url.endsWith('/') ? url : `${url}/`);
  if (target.protocol !== 'https:') return Promise.reject(new HeartbeatError(`The heartbeat URL ${url} is not an https:// address.`));
  const shown = `${target.origin}${target.pathname}`;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new HeartbeatError(`The heartbeat server answered ${status} to PUT ${shown}.`));
      },
    );
    req.on('timeout', () => req.destroy(new HeartbeatError(`The heartbeat server did not answer PUT ${shown} in time.`)));
    req.on('error', (error) =>
      reject(
        error instanceof HeartbeatError
          ? error
          : new HeartbeatError(`The heartbeat could not be sent to ${shown} (${(error as NodeJS.ErrnoException).code ?? 'network error'}): check the address, the network and the server's certificate (heartbeat.caBundle).`, {
              cause: error,
            }),
      ),
    );
    req.end(text);
  });
}

export interface Delivery {
  target: 'home' | 'dir' | 'url';
  ok: boolean;
  /** Why it failed, in one sentence for IT. */
  problem?: string;
}

/**
 * Deliver one heartbeat: the home's copy (heartbeat.json, read by the local detection script),
 * the share folder's file replaced atomically, the PUT. Each target fails on its own.
 */
export async function deliverHeartbeat(homeDir: string, station: string, text: string, target: HeartbeatTarget): Promise<Delivery[]> {
  const attempt = async (name: Delivery['target'], run: () => void | Promise<void>): Promise<Delivery> => {
    try {
      await run();
      return { target: name, ok: true };
    } catch (error) {
      return { target: name, ok: false, problem: presentError(error, { surface: 'cli', homeDir, where: `heartbeat ${name}` }).message };
    }
  };
  const done = [await attempt('home', () => writeFileAtomic(homePath(homeDir, 'heartbeat'), text, 0o644))];
  if (target.dir) {
    const dir = target.dir;
    done.push(await attempt('dir', () => writeFileAtomic(path.join(dir, heartbeatFileName(station)), text, 0o644)));
  }
  if (target.url) {
    const url = target.url;
    const caBundle = target.caBundle;
    done.push(
      await attempt('url', () => {
        let ca: string | undefined;
        try {
          ca = caBundle ? readFileSync(caBundle, 'utf8') : undefined;
        } catch (error) {
          throw new HeartbeatError(`The heartbeat server's CA file ${caBundle} (heartbeat.caBundle) cannot be read.`, { cause: error });
        }
        return putHeartbeat(url, station, text, { ca, timeoutMs: target.timeoutMs });
      }),
    );
  }
  return done;
}

export interface HeartbeatAgentOptions {
  homeDir: string;
  /** The policy's heartbeat block. */
  config: NonNullable<Policy['heartbeat']>;
  appVersion: string;
  protector?: KeyProtector;
  staleAfterMinutes?: number;
  clock?: () => Date;
  sync?: () => SyncStatus | null;
  localFailure?: () => LastFailure | null;
  auditBacklog?: () => number | undefined;
  /** One line per delivery that failed, and per target that works again (no PHI). */
  log?: (line: string) => void;
  /** Told after every beat (tests, the tray). */
  onBeat?: (deliveries: Delivery[]) => void;
}

export interface HeartbeatAgent {
  /** Make and deliver a heartbeat now (the agent also does at start and every interval). */
  beat(): Promise<Delivery[]>;
  close(): void;
}

/**
 * Write a heartbeat at once, then every intervalMinutes; a target that fails is logged (in the
 * home's log and the console line) when it starts failing and when it works again, not every time.
 */
export function startHeartbeat(options: HeartbeatAgentOptions): HeartbeatAgent {
  const clock = options.clock ?? (() => new Date());
  const intervalMinutes = options.config.intervalMinutes ?? DEFAULT_HEARTBEAT_MINUTES;
  const station = stationIdFor(options.config.stationId);
  const failing = new Map<Delivery['target'], string>();
  let running: Promise<Delivery[]> | null = null;

  const once = async (): Promise<Delivery[]> => {
    let deliveries: Delivery[];
    try {
      const identity = readIdentity(options.homeDir, options.protector ?? keyFileProtector(options.homeDir));
      const heartbeat = buildHeartbeat({
        homeDir: options.homeDir,
        station,
        intervalMinutes,
        appVersion: options.appVersion,
        now: clock(),
        staleAfterMinutes: options.staleAfterMinutes,
        sync: options.sync?.() ?? null,
        localFailure: options.localFailure?.() ?? null,
        auditBacklog: options.auditBacklog?.(),
      });
      deliveries = await deliverHeartbeat(options.homeDir, station, signHeartbeat(heartbeat, identity), {
        dir: options.config.dir,
        url: options.config.url,
        caBundle: options.config.caBundle,
      });
    } catch (error) {
      deliveries = [{ target: 'home', ok: false, problem: presentError(error, { surface: 'cli', homeDir: options.homeDir, where: 'heartbeat' }).message }];
    }
    for (const d of deliveries) {
      const before = failing.get(d.target);
      if (!d.ok && before !== d.problem) {
        failing.set(d.target, d.problem ?? '');
        appendHomeLog(options.homeDir, { event: 'heartbeat-failed', target: d.target, message: d.problem ?? '' }, { clock });
        options.log?.(`heartbeat to ${d.target} failed: ${d.problem}`);
      } else if (d.ok && before !== undefined) {
        failing.delete(d.target);
        appendHomeLog(options.homeDir, { event: 'heartbeat-restored', target: d.target }, { clock });
        options.log?.(`heartbeat to ${d.target} works again`);
      }
    }
    options.onBeat?.(deliveries);
    return deliveries;
  };
  const beat = (): Promise<Delivery[]> => {
    // One beat at a time: a slow server must not pile up requests.
    running ??= once().finally(() => {
      running = null;
    });
    return running;
  };
  void beat();
  const timer = setInterval(() => void beat(), intervalMinutes * 60_000);
  timer.unref();
  return { beat, close: () => clearInterval(timer) };
}
