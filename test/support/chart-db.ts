import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db } from 'better-sqlite3-multiple-ciphers';
import { chartModel } from '../../electron/core/chart';
import type { HomeQueries } from '../../electron/shared/contract';
import type { ContentReport, ProtocolFile, SnapshotMeta } from '../../electron/core/store/content';

/**
 * Build a chart database in memory, the way the snapshot pipeline does (createSchema, one
 * writer run inside a transaction, finish), from a FHIR Bulk export folder or from resources
 * given inline. For tests: chart, census, MAR and search over real or hand-made data.
 */

export interface ChartDb {
  db: Db;
  queries: HomeQueries;
  report: ContentReport;
  meta: SnapshotMeta;
}

export interface BuildOptions {
  asOf?: string;
  /** The clock queries see (default: asOf). */
  now?: Date;
  meta?: Partial<SnapshotMeta>;
  /** A protocols folder (category subfolders); default DIR/protocols when building from a folder. */
  protocolsDir?: string;
}

/** Inline input: resources (objects or raw NDJSON lines) in files named by resource type. */
export type InlineExport = Record<string, (object | string)[]>;

const KIND: Record<string, ProtocolFile['kind']> = { '.md': 'markdown', '.markdown': 'markdown', '.html': 'html', '.htm': 'html', '.txt': 'text', '.pdf': 'pdf' };

/** Protocol files under dir/<category>/..., with a title from the document itself. */
export function readProtocols(dir: string): ProtocolFile[] {
  const out: ProtocolFile[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      const full = path.join(dir, rel);
      if (statSync(full).isDirectory()) walk(rel);
      else {
        const kind = KIND[path.extname(name).toLowerCase()];
        if (!kind) continue;
        const bytes = readFileSync(full);
        const text = kind === 'pdf' ? '' : bytes.toString('utf8');
        const title =
          (kind === 'markdown' && /^#\s+(.+)$/m.exec(text)?.[1]) ||
          (kind === 'html' && /<title>([^<]+)<\/title>/i.exec(text)?.[1]) ||
          (kind === 'text' && text.split('\n')[0]?.trim()) ||
          (kind === 'pdf' && /\/Title \(([^)]*)\)/.exec(bytes.toString('latin1'))?.[1]) ||
          path.basename(name, path.extname(name)).replace(/[-_]+/g, ' ');
        out.push({ path: rel, title, category: sub.split('/')[0] || 'general', kind, bytes });
      }
    }
  };
  if (existsSync(dir)) walk('');
  return out;
}

export function buildChartDb(source: string | InlineExport, options: BuildOptions = {}): ChartDb {
  let files: { type: string; file: string; lines: string[] }[];
  let asOf = options.asOf;
  let protocolsDir = options.protocolsDir;
  if (typeof source === 'string') {
    const manifestPath = path.join(source, 'manifest.json');
    const manifest = existsSync(manifestPath)
      ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { transactionTime?: string; output: { type: string; url: string }[] })
      : { output: readdirSync(source).filter((f) => f.endsWith('.ndjson')).map((f) => ({ type: f.replace(/\.ndjson$/, ''), url: f })) };
    asOf ??= manifest.transactionTime ? new Date(manifest.transactionTime).toISOString() : undefined;
    files = manifest.output.map((o) => ({
      type: o.type,
      file: o.url,
      lines: readFileSync(path.join(source, o.url), 'utf8').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1),
    }));
    protocolsDir ??= path.join(source, 'protocols');
  } else {
    files = Object.entries(source).map(([type, list]) => ({
      type,
      file: `${type}.ndjson`,
      lines: list.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))),
    }));
  }
  asOf ??= new Date().toISOString();
  const meta: SnapshotMeta = {
    facility: { id: 'test-facility', name: 'Test Hospital' },
    units: [],
    asOf,
    expiresAt: new Date(Date.parse(asOf) + 7 * 86_400_000).toISOString(),
    sequence: 1,
    ...options.meta,
  };
  const db = new Database(':memory:');
  chartModel.createSchema(db);
  let report!: ContentReport;
  db.transaction(() => {
    const writer = chartModel.writer(db, meta);
    for (const f of files) f.lines.forEach((line, i) => writer.resource(f.type, line, { file: f.file, line: i + 1 }));
    for (const p of protocolsDir ? readProtocols(protocolsDir) : []) writer.protocol(p);
    report = writer.finish();
  })();
  const now = options.now ?? new Date(asOf);
  return { db, queries: chartModel.queries(db, meta, () => now), report, meta };
}
