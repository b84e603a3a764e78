import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ndjsonLines, replaceFolder } from '../../files/folders';
import { writeFileAtomic } from '../../home/layout';
import { openLiveDatabase, type Db } from '../../store/database';
import { mapperId, type ContentMapper } from '../../store/content';
import { FileSink, MAPPED_KEY, mappedFileName, relinePacked, type MappedFiles } from '../mapped-files';
import { PullError } from './http';
import { pullExport, type PullOptions, type PullResult } from './pull';

/**
 * The publisher's own copy of the EHR: the latest version of every resource, deletions
 * applied, in an encrypted database in the state folder (key in state.key beside it, readable
 * by the publisher's service account only). A full pull replaces what it covers; an
 * incremental one (_since) adds, replaces and deletes; either way the export folder written
 * from it is what one full pull would give.
 */

export interface ApplySummary {
  full: boolean;
  added: number;
  changed: number;
  deleted: number;
  /** Resources now in the state, by type. */
  counts: Record<string, number>;
}

interface LocalManifest {
  transactionTime: string;
  request?: string;
  output: Array<{ type: string; url: string }>;
  deleted?: Array<{ type: string; url: string }>;
}

/** meta.lastUpdated as an instant, when the resource gives a valid one. */
const lastUpdated = (r: { meta?: { lastUpdated?: unknown } }): string | null => {
  const v = r.meta?.lastUpdated;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

export class PublisherState {
  private constructor(
    readonly dir: string,
    private readonly db: Db,
  ) {}

  static open(dir: string): PublisherState {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, 'state.key');
    if (!existsSync(keyFile)) writeFileAtomic(keyFile, randomBytes(32).toString('hex'), 0o600);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    let db: Db;
    try {
      db = openLiveDatabase(path.join(dir, 'state.db'), key);
    } catch (error) {
      throw new PullError(`The publisher state in ${dir} cannot be opened with its key (state.key): restore both from backup, or remove the folder for a full pull.`, { cause: error });
    }
    // A merge writes resources in the export's order, random ids into the primary key: with
    // SQLite's default 2 MB page cache every insert went to disk and back (8 s for a 1,000-bed
    // hospital's full merge, 3.3 s with the pages kept in memory).
    db.pragma('cache_size = -524288');
    db.exec(`
      CREATE TABLE IF NOT EXISTS resource(type TEXT NOT NULL, id TEXT NOT NULL, last_updated TEXT, json TEXT NOT NULL, PRIMARY KEY(type, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS state_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    // Each resource's mapped record (packed, as the record of line 1), for the mapper state_meta names.
    if (!(db.pragma('table_info(resource)') as Array<{ name: string }>).some((c) => c.name === 'mapped')) db.exec('ALTER TABLE resource ADD COLUMN mapped TEXT');
    return new PublisherState(dir, db);
  }

  close(): void {
    this.db.close();
  }

  private meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM state_meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  /** The transactionTime of the last pull merged in: what `--since auto` asks from. */
  get transactionTime(): string | null {
    return this.meta('transactionTime');
  }

  /** When the last full pull was merged (a full refresh is due after the configured interval). */
  get lastFullAt(): string | null {
    return this.meta('lastFullAt');
  }

  /**
   * Merge a downloaded export (a folder as `lantern pull` writes it) into the state, in one
   * transaction. With a mapper, each resource that comes is mapped as it is stored (and every
   * one when the state's records are another mapper's), so that the export written from the
   * state carries them (publisher/mapped-files.ts).
   */
  async apply(exportDir: string, o: { full: boolean; types?: string[]; now: Date; mapper?: ContentMapper }): Promise<ApplySummary> {
    const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8')) as LocalManifest;
    const mapper = o.mapper;
    const upsert = this.db.prepare(
      `INSERT INTO resource(type, id, last_updated, json, mapped) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(type, id) DO UPDATE SET last_updated = excluded.last_updated, json = excluded.json, mapped = excluded.mapped
       WHERE resource.last_updated IS NULL OR excluded.last_updated IS NULL OR excluded.last_updated >= resource.last_updated`,
    );
    const exists = this.db.prepare('SELECT 1 FROM resource WHERE type = ? AND id = ?').pluck();
    const remove = this.db.prepare('DELETE FROM resource WHERE type = ? AND id = ?');
    const summary: ApplySummary = { full: o.full, added: 0, changed: 0, deleted: 0, counts: {} };

    // One transaction, written as the files are read line by line (a hospital's export does not
    // fit in memory as strings): anything wrong and the state is as it was.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (o.full) {
        // A full pull is the whole truth for what it covers: anything not in it is gone.
        if (o.types?.length) for (const t of o.types) this.db.prepare('DELETE FROM resource WHERE type = ?').run(t);
        else this.db.exec('DELETE FROM resource');
      }
      for (const f of manifest.output) {
        for await (const line of ndjsonLines(path.join(exportDir, f.url))) {
          let r: { resourceType?: unknown; id?: unknown; meta?: { lastUpdated?: unknown } };
          try {
            r = JSON.parse(line) as typeof r;
          } catch {
            throw new PullError(`A line of ${f.url} in the pulled export is not JSON; the publisher state was not changed.`);
          }
          if (r.resourceType !== f.type || typeof r.id !== 'string' || !r.id) throw new PullError(`A line of ${f.url} in the pulled export is not a ${f.type} with an id; the publisher state was not changed.`);
          const had = !o.full && exists.get(f.type, r.id) !== undefined;
          const mapped = mapper ? mapper.pack([mapper.map(f.type, line, 1)]) : null;
          if (upsert.run(f.type, r.id, lastUpdated(r), line, mapped).changes) {
            if (had) summary.changed++;
            else summary.added++;
          }
        }
      }
      for (const f of manifest.deleted ?? []) {
        for await (const line of ndjsonLines(path.join(exportDir, f.url))) {
          let b: { entry?: Array<{ request?: { method?: unknown; url?: unknown } }> };
          try {
            b = JSON.parse(line) as typeof b;
          } catch {
            throw new PullError(`A line of ${f.url} (deleted resources) is not JSON; the publisher state was not changed.`);
          }
          for (const e of b.entry ?? []) {
            // request.url is "Type/id" (or a full URL ending so).
            const parts = typeof e.request?.url === 'string' ? e.request.url.split('?')[0]!.split('/') : [];
            const type = parts.at(-2);
            const id = parts.at(-1);
            if (e.request?.method === 'DELETE' && type && id && /^[A-Z][A-Za-z]+$/.test(type)) summary.deleted += remove.run(type, id).changes;
          }
        }
      }
      const set = this.db.prepare('INSERT OR REPLACE INTO state_meta(key, value) VALUES (?, ?)');
      if (!mapper) this.db.prepare("DELETE FROM state_meta WHERE key = 'mapper'").run();
      else if (this.meta('mapper') !== mapperId(mapper)) {
        // What was stored before is another mapper's (or none's): all of it, again. A full pull
        // of every type has just mapped everything.
        if (!o.full || o.types?.length) this.remap(mapper);
        set.run('mapper', mapperId(mapper));
      }
      set.run('transactionTime', manifest.transactionTime);
      if (manifest.request) set.run('request', manifest.request);
      if (o.full) set.run('lastFullAt', o.now.toISOString());
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    for (const r of this.db.prepare('SELECT type, count(*) AS n FROM resource GROUP BY type ORDER BY type').all() as Array<{ type: string; n: number }>) summary.counts[r.type] = r.n;
    return summary;
  }

  /** Every resource mapped again by `mapper`, in blocks of a thousand (inside apply's transaction). */
  private remap(mapper: ContentMapper): void {
    const next = this.db.prepare('SELECT type, id, json FROM resource WHERE (type, id) > (?, ?) ORDER BY type, id LIMIT 1000').raw();
    const update = this.db.prepare('UPDATE resource SET mapped = ? WHERE type = ? AND id = ?');
    for (let after: [string, string] = ['', '']; ; ) {
      const rows = next.all(...after) as Array<[string, string, string]>;
      for (const [type, id, json] of rows) update.run(mapper.pack([mapper.map(type, json, 1)]), type, id);
      if (rows.length < 1000) return;
      after = [rows.at(-1)![0], rows.at(-1)![1]];
    }
  }

  /**
   * The current state as a standard export folder (TYPE.ndjson and manifest.json), written
   * beside `out` and swapped in whole: `lantern publish` never reads a half-written one. With
   * the mapper the state's records are for, each TYPE.ndjson has its TYPE.mapped beside it.
   */
  writeExport(out: string, mapper?: ContentMapper): void {
    const transactionTime = this.transactionTime;
    if (!transactionTime) throw new PullError('The publisher state holds no pull yet: run a full pull first.');
    const target = path.resolve(out);
    const work = `${target}.writing`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const output: Array<{ type: string; url: string; count: number }> = [];
    const withMapped = mapper !== undefined && this.meta('mapper') === mapperId(mapper);
    const mappedFiles: MappedFiles['files'] = [];
    let lines: FileSink | null = null;
    let records: FileSink | null = null;
    let type = '';
    const close = () => {
      if (!lines) return;
      const url = path.basename(lines.file);
      lines.close();
      output.push({ type, url, count: lines.count });
      if (records?.close()) mappedFiles.push({ url, file: path.basename(records.file), bytes: lines.size });
    };
    for (const [t, json, mapped] of this.db.prepare(`SELECT type, json, ${withMapped ? 'mapped' : 'NULL'} FROM resource ORDER BY type, id`).raw().iterate() as Iterable<[string, string, string | null]>) {
      if (t !== type) {
        close();
        type = t;
        lines = new FileSink(path.join(work, `${type}.ndjson`));
        records = withMapped ? new FileSink(path.join(work, mappedFileName(`${type}.ndjson`))) : null;
      }
      lines!.text(`${json}\n`);
      const line = ++lines!.count;
      if (records) records.text(relinePacked(mapped ?? mapper!.pack([mapper!.map(type, json, 1)]), line));
    }
    close();
    const extension = withMapped ? { [MAPPED_KEY]: { mapper: mapperId(mapper), files: mappedFiles } satisfies MappedFiles } : {};
    writeFileAtomic(path.join(work, 'manifest.json'), `${JSON.stringify({ transactionTime, request: this.meta('request') ?? '', requiresAccessToken: false, output, error: [], ...extension }, null, 1)}\n`, 0o600);
    replaceFolder(work, target);
  }
}

export interface StatefulPullOptions extends Omit<PullOptions, 'since'> {
  /** The publisher's state folder (state.db, state.key, and the last raw pull). */
  stateDir: string;
  /** 'auto': what changed since the last pull merged in; an instant; absent: a full pull. */
  since?: string;
  /** A full pull even when an incremental one was asked. */
  full?: boolean;
  /** A full refresh when the last one is older than this (default FULL_REFRESH_DEFAULT_DAYS). */
  fullEveryMs?: number;
  /** The content mapper whose records the export written to `out` carries beside its lines. */
  mapper?: ContentMapper;
}

export interface StatefulPullResult extends PullResult {
  since: string | null;
  merge: ApplySummary;
}

/** Days after which a stateful pull is a full refresh again, unless told otherwise. */
export const FULL_REFRESH_DEFAULT_DAYS = 7;
export const FULL_REFRESH_DEFAULT_MS = FULL_REFRESH_DEFAULT_DAYS * 86_400_000;

/**
 * Pull into the publisher state and write the current state to `out`: incremental when asked
 * and possible, full when asked, when there is no state yet, or when the last full refresh is
 * older than `fullEveryMs`.
 */
export async function pullIntoState(o: StatefulPullOptions): Promise<StatefulPullResult> {
  const now = (o.clock ?? (() => new Date()))();
  const state = PublisherState.open(o.stateDir);
  try {
    const last = state.transactionTime;
    const lastFull = state.lastFullAt;
    const fullDue = o.full === true || !last || !lastFull || now.getTime() - Date.parse(lastFull) >= (o.fullEveryMs ?? FULL_REFRESH_DEFAULT_MS);
    const since = fullDue || o.since === undefined ? undefined : o.since === 'auto' ? last : o.since;
    const pulled = await pullExport({ ...o, out: path.join(o.stateDir, 'pull'), since });
    const merge = await state.apply(pulled.out, { full: since === undefined, types: o.types, now, mapper: o.mapper });
    state.writeExport(o.out, o.mapper);
    return { ...pulled, out: path.resolve(o.out), since: since ?? null, merge };
  } finally {
    state.close();
  }
}
