import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { presentError } from '../home/errors';
import { fsyncDir, writeFileAtomic } from '../home/layout';
import type { ContentModel } from '../store/content';
import { fsyncFile } from '../store/database';
import { pullIntoState } from './pull/state';
import { SIGNING_ALGS } from './pull/smart';
import { PublishError, loadSigner, parseDuration, publishSnapshot } from './publish';
import { pointerForOutbox } from './pointer-file';
import { signPointer } from '../snapshot/pointer';
import { partitionExport } from './scope';
import { DeltaState, publishScope, type ScopePublished } from './delta';
import { FULL_EVERY_MAX, PUBLISH_DEFAULTS } from './defaults';

/**
 * `lantern publisher run`: the publisher as a service. Every cycle: pull what changed from the
 * EHR (or read an export folder the EHR drops), merge it into the publisher state, publish one
 * snapshot per unit (its patients only, for its workstations only) and one house-wide, place
 * each in its outboxes atomically, keep the last few, and write a health file (no PHI). A
 * failure keeps the last good snapshots where they are; one unit's failure does not stop the
 * others; sequence numbers are persisted before they are used, so they never go back.
 */

const Duration = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, { message: 'is not a duration (e.g. 90m, 36h, 7d)' });
const Paths = z.array(z.string().min(1)).min(1);

const Recipients = z.object({
  /** Workstation or site certificates (PEM files), or folders of them. */
  recipients: Paths,
  /** Folders the snapshots are placed in: a share the workstations watch, a web server's folder. */
  outbox: Paths,
});

export const ServiceConfig = z
  .object({
    source: z.union([
      z.object({ exportDir: z.string().min(1) }).strict(),
      z
        .object({
          base: z.url(),
          group: z.string().min(1).optional(),
          types: z.array(z.string().regex(/^[A-Z][A-Za-z]+$/)).optional(),
          clientId: z.string().min(1).optional(),
          key: z.string().min(1).optional(),
          kid: z.string().min(1).optional(),
          alg: z.enum(SIGNING_ALGS as [string, ...string[]]).optional(),
          tokenUrl: z.url().optional(),
          parallel: z.int().min(1).max(10).optional(),
        })
        .strict(),
    ]),
    stateDir: z.string().min(1),
    intervalMinutes: z.number().min(0.1).max(1440).default(PUBLISH_DEFAULTS.intervalMinutes),
    fullRefresh: Duration.default(PUBLISH_DEFAULTS.fullRefresh),
    facility: z.object({ id: z.string().min(1), name: z.string().min(1) }).strict(),
    publisher: z.object({ cert: z.string().min(1), key: z.string().min(1), keyPassFile: z.string().min(1).optional() }).strict(),
    protocols: z.string().min(1).optional(),
    expires: Duration.default(PUBLISH_DEFAULTS.expires),
    keep: z.int().min(1).max(100).default(PUBLISH_DEFAULTS.keep),
    /** Delta snapshots between full ones (docs/PUBLISHER.md); absent: full snapshots only. */
    delta: z
      .object({
        fullEvery: z.int().min(1).max(FULL_EVERY_MAX).default(PUBLISH_DEFAULTS.fullEvery),
        fullAfter: Duration.default(PUBLISH_DEFAULTS.fullAfter),
      })
      .strict()
      .optional(),
    units: z
      .array(Recipients.extend({ id: z.string().min(1).max(200), name: z.string().min(1), locations: z.array(z.string().min(1)).optional() }).strict())
      .min(1),
    house: Recipients.strict(),
  })
  .strict();
export type ServiceConfig = z.infer<typeof ServiceConfig>;


/** The config file, checked: one sentence per wrong key, all of them at once. */
export function readServiceConfig(file: string): ServiceConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PublishError(`The publisher configuration ${file} is not readable JSON (${(error as Error).message.slice(0, 120)}).`);
  }
  json = withTopology(json, file);
  const parsed = ServiceConfig.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : '(the file)';
    if (i.code === 'unrecognized_keys') return `${i.keys.map((k) => (i.path.length ? `${where}.${k}` : k)).join(', ')} is not a setting Lantern knows.`;
    if (i.code === 'invalid_union') return `${where} must be either { "exportDir": ... } or { "base": "https://.../fhir", ... } (see docs/PUBLISHER.md).`;
    if (i.code === 'invalid_type') {
      const received = /received (\w+)/.exec(i.message)?.[1];
      return received === 'undefined' ? `${where} is required.` : `${where} must be ${i.expected === 'array' ? 'a list' : `a ${i.expected}`}${received ? ` (it is a ${received})` : ''}.`;
    }
    if (i.code === 'too_small') return `${where} must ${i.origin === 'array' ? `list at least ${i.minimum}` : `be at least ${i.minimum}`}.`;
    if (i.code === 'too_big') return `${where} must ${i.origin === 'array' ? `list at most ${i.maximum}` : `be at most ${i.maximum}`}.`;
    return `${where} ${i.message.replace(/^Invalid input: /, '')}.`;
  });
  throw new PublishError(`The publisher configuration ${file} has ${lines.length} problem(s):\n  ${lines.join('\n  ')}`);
}

/**
 * `"topology": FILE` in the configuration: the units and the house-wide recipients kept in a
 * file of their own (the part that changes as units and workstations do), its relative paths
 * read from its own folder.
 */
function withTopology(json: unknown, configFile: string): unknown {
  if (!json || typeof json !== 'object' || !('topology' in json)) return json;
  const { topology, ...rest } = json as Record<string, unknown>;
  if (typeof topology !== 'string') throw new PublishError(`The publisher configuration ${configFile}: topology must be the path of the topology file.`);
  if ('units' in rest || 'house' in rest) throw new PublishError(`The publisher configuration ${configFile} names a topology file and units or house too: keep them in one place.`);
  const file = path.resolve(path.dirname(configFile), topology);
  let t: unknown;
  try {
    t = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PublishError(`The topology file ${file} is not readable JSON (${(error as Error).message.slice(0, 120)}).`);
  }
  const dir = path.dirname(file);
  const paths = (v: unknown) => (Array.isArray(v) ? v.map((p) => (typeof p === 'string' ? path.resolve(dir, p) : p)) : v);
  const resolve = (r: unknown) => (r && typeof r === 'object' ? { ...r, recipients: paths((r as Record<string, unknown>)['recipients']), outbox: paths((r as Record<string, unknown>)['outbox']) } : r);
  const { units, house, ...other } = (t ?? {}) as Record<string, unknown>;
  // Anything else in the topology file is reported as a key Lantern does not know.
  return { ...rest, units: Array.isArray(units) ? units.map(resolve) : units, house: resolve(house), ...other };
}

/** PEM files named, or found in folders named. */
function certificates(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new PublishError(`Recipient certificate path ${p} does not exist.`);
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/\.(pem|crt|cer)$/i.test(f)) out.push(readFileSync(path.join(p, f), 'utf8'));
    } else out.push(readFileSync(p, 'utf8'));
  }
  if (!out.length) throw new PublishError(`No recipient certificates in ${paths.join(', ')}.`);
  return out;
}

export interface CycleReport {
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  sequence: number | null;
  asOf: string | null;
  durationsMs: Record<string, number>;
  patients: number;
  unplaced: number;
  /** Per unit (and 'house'): what was published or the error, in words without PHI. */
  snapshots: Record<string, { file?: string; kind?: 'full' | 'delta'; base?: number; patients?: number; resources?: number; error?: string }>;
  error?: string;
}

interface Health {
  lastSuccess: string | null;
  lastError: { at: string; message: string } | null;
  lastCycle: CycleReport | null;
}

const seqFile = (c: ServiceConfig) => path.join(c.stateDir, 'sequence.json');

/** The next sequence, written durably before it is used: a restart never reuses or goes back. */
function takeSequence(c: ServiceConfig, now: Date): number {
  let last = 0;
  try {
    last = (JSON.parse(readFileSync(seqFile(c), 'utf8')) as { last: number }).last;
  } catch {
    /* first run */
  }
  // Minutes since 1970 when that is ahead (a lost state folder does not restart from 1).
  const next = Math.max(last + 1, Math.floor(now.getTime() / 60_000));
  writeFileAtomic(seqFile(c), `${JSON.stringify({ last: next })}\n`);
  return next;
}

/** The signed pointer beside a scope's snapshots in each outbox (docs/SNAPSHOT-FORMAT.md): what an HTTPS source polls. */
export const pointerName = (prefix: string) => `${prefix}pointer.json`;

/** A delta's file name: the full one's, so that both sort by sequence, with .delta before the extension. */
const DELTA_SUFFIX = '.delta.lantern';

/**
 * Copy a snapshot into an outbox (write, fsync, rename: a watcher sees it whole) and keep the
 * last `keep` full ones of its scope, and the deltas after the oldest of those.
 */
function place(file: string, outbox: string, prefix: string, keep: number): void {
  mkdirSync(outbox, { recursive: true });
  const name = path.basename(file);
  const tmp = path.join(outbox, `.${name}.tmp`);
  copyFileSync(file, tmp);
  fsyncFile(tmp);
  renameSync(tmp, path.join(outbox, name));
  fsyncDir(outbox);
  const mine = readdirSync(outbox).filter((f) => f.startsWith(prefix) && f.endsWith('.lantern')).sort();
  const full = mine.filter((f) => !f.endsWith(DELTA_SUFFIX));
  const oldest = full[Math.max(0, full.length - keep)] ?? '';
  for (const old of mine) if (old < oldest) rmSync(path.join(outbox, old), { force: true });
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);

export interface CycleOptions {
  /**
   * The content model (the chart), handed in by the caller: the CLI's command, a bench, a test.
   * Its mapper maps each resource into the records published beside its line.
   */
  model: ContentModel;
  clock?: () => Date;
  http?: { sleep?: (ms: number) => Promise<void> };
  fullRefresh?: boolean;
}

/** One cycle; never throws for a unit's failure (it is in the report), throws for none else. */
export async function runCycle(c: ServiceConfig, options: CycleOptions): Promise<CycleReport> {
  const mapper = options.model.mapper;
  const clock = options.clock ?? (() => new Date());
  const fullRefresh = options.fullRefresh === true;
  const started = clock();
  const t0 = Date.now();
  const report: CycleReport = { startedAt: started.toISOString(), finishedAt: '', ok: false, sequence: null, asOf: null, durationsMs: {}, patients: 0, unplaced: 0, snapshots: {} };
  mkdirSync(c.stateDir, { recursive: true, mode: 0o700 });
  try {
    let exportDir: string;
    if ('exportDir' in c.source) exportDir = c.source.exportDir;
    else {
      const s = c.source;
      if ((s.clientId || s.key || s.kid) && !(s.clientId && s.key && s.kid)) throw new PublishError('source.clientId, source.key and source.kid go together.');
      exportDir = path.join(c.stateDir, 'export');
      await pullIntoState({
        base: s.base,
        out: exportDir,
        stateDir: path.join(c.stateDir, 'ehr'),
        level: s.group ? { kind: 'group', id: s.group } : { kind: 'system' },
        types: s.types,
        since: 'auto',
        full: options.fullRefresh === true,
        fullEveryMs: parseDuration(c.fullRefresh)!,
        parallel: s.parallel,
        auth: s.clientId ? { credentials: { clientId: s.clientId, privateKeyPem: readFileSync(s.key!, 'utf8'), kid: s.kid!, alg: (s.alg ?? 'ES384') as 'ES384' | 'RS384' }, tokenUrl: s.tokenUrl } : undefined,
        clock,
        http: options.http,
        mapper,
      });
    }
    report.durationsMs['pull'] = Date.now() - t0;

    const t1 = Date.now();
    const scope = await partitionExport(exportDir, c.units, path.join(c.stateDir, 'units'));
    report.durationsMs['scope'] = Date.now() - t1;
    report.patients = scope.patients;
    report.unplaced = scope.unplaced;

    const t2 = Date.now();
    const sequence = takeSequence(c, clock());
    report.sequence = sequence;
    const certPem = readFileSync(c.publisher.cert, 'utf8');
    const keyPem = readFileSync(c.publisher.key, 'utf8');
    const keyPassphrase = c.publisher.keyPassFile ? readFileSync(c.publisher.keyPassFile, 'utf8').replace(/\r?\n$/, '') : undefined;
    const signer = loadSigner(certPem, keyPem, keyPassphrase);
    const built = path.join(c.stateDir, 'built');
    mkdirSync(built, { recursive: true });
    const deltas = c.delta ? DeltaState.open(path.join(c.stateDir, 'delta')) : null;
    const targets = [
      ...c.units.map((u) => ({ key: u.id, units: [{ id: u.id, name: u.name }], dir: scope.units.get(u.id)!.dir, recipients: u.recipients, outbox: u.outbox, prefix: `${safe(c.facility.id)}-${safe(u.id)}-` })),
      { key: 'house', units: [], dir: exportDir, recipients: c.house.recipients, outbox: c.house.outbox, prefix: `${safe(c.facility.id)}-house-` },
    ];
    // Two at a time: compression runs on libuv's threads while the other snapshot encrypts.
    // The house-wide snapshot (the largest) first, so the two queues finish together.
    const queue = [targets.at(-1)!, ...targets.slice(0, -1)];
    const publishNext = async (): Promise<void> => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        try {
          const name = `${t.prefix}${String(sequence).padStart(10, '0')}`;
          const options = {
            fhirDir: t.dir,
            protocolsDir: c.protocols,
            certPem,
            keyPem,
            keyPassphrase,
            recipients: certificates(t.recipients),
            facility: c.facility,
            units: t.units,
            sequence,
            expiresAfterMs: parseDuration(c.expires)!,
            mapper,
            clock,
          };
          const published: Pick<ScopePublished, 'file' | 'manifest'> = deltas
            ? await publishScope({
                ...options,
                scope: t.key,
                state: deltas,
                policy: { fullEvery: c.delta!.fullEvery, fullAfterMs: parseDuration(c.delta!.fullAfter)! },
                fullOut: path.join(built, `${name}.lantern`),
                deltaOut: path.join(built, `${name}${DELTA_SUFFIX}`),
                forceFull: fullRefresh,
              })
            : { file: path.join(built, `${name}.lantern`), manifest: await publishSnapshot({ ...options, out: path.join(built, `${name}.lantern`) }) };
          const { file, manifest } = published;
          report.asOf ??= manifest.createdAt;
          for (const outbox of t.outbox) {
            place(file, outbox, t.prefix, c.keep);
            // Once the snapshot is in place and the old ones pruned: the pointer names only files that are there.
            const pointer = await pointerForOutbox(outbox, t.prefix, manifest, clock());
            writeFileAtomic(path.join(outbox, pointerName(t.prefix)), signPointer(pointer, signer), 0o644);
          }
          rmSync(file, { force: true });
          report.snapshots[t.key] = {
            file: path.basename(file),
            kind: manifest.delta ? 'delta' : 'full',
            ...(manifest.delta ? { base: manifest.delta.base.sequence } : {}),
            patients: manifest.counts['Patient'] ?? 0,
            resources: Object.values(manifest.counts).reduce((a, b) => a + b, 0),
          };
        } catch (error) {
          // A snapshot that did not reach every outbox is no base for the next delta.
          deltas?.forget(t.key);
          report.snapshots[t.key] = { error: presentError(error).message };
        }
      }
    };
    try {
      await Promise.all([publishNext(), publishNext()]);
    } finally {
      deltas?.close();
    }
    report.durationsMs['publish'] = Date.now() - t2;
    report.ok = Object.values(report.snapshots).every((s) => !s.error);
    if (!report.ok) report.error = `${Object.values(report.snapshots).filter((s) => s.error).length} snapshot(s) failed: see snapshots`;
  } catch (error) {
    report.error = presentError(error).message;
  }
  report.durationsMs['total'] = Date.now() - t0;
  report.finishedAt = clock().toISOString();
  writeHealth(c, report);
  return report;
}

function writeHealth(c: ServiceConfig, report: CycleReport): void {
  const file = path.join(c.stateDir, 'health.json');
  let health: Health = { lastSuccess: null, lastError: null, lastCycle: null };
  try {
    health = JSON.parse(readFileSync(file, 'utf8')) as Health;
  } catch {
    /* first cycle */
  }
  health.lastCycle = report;
  if (report.ok) health.lastSuccess = report.finishedAt;
  else health.lastError = { at: report.finishedAt, message: report.error ?? 'failed' };
  writeFileAtomic(file, `${JSON.stringify(health, null, 1)}\n`, 0o644);
}

/** The service loop: a cycle every intervalMinutes (sooner after a failure), until the signal. */
export async function runService(c: ServiceConfig, options: { model: ContentModel; signal?: AbortSignal; onCycle?: (r: CycleReport) => void }): Promise<void> {
  const interval = c.intervalMinutes * 60_000;
  let failures = 0;
  while (!options.signal?.aborted) {
    const started = Date.now();
    const r = await runCycle(c, { model: options.model });
    options.onCycle?.(r);
    failures = r.ok ? 0 : failures + 1;
    // A failed cycle is retried sooner (a minute, doubling) but never more often than the interval allows.
    const wait = r.ok ? interval - (Date.now() - started) : Math.min(interval, 60_000 * 2 ** Math.min(failures - 1, 5));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1000, wait));
      options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
