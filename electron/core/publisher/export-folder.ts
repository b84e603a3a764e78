import { existsSync, readFileSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ResourceType, type NdjsonEntry, type ProtocolEntry } from '../snapshot/manifest';
import { OUTSIDE, type Outside, realInside, resolveInside } from '../files/inside';
import { PublishError } from './errors';
import { MAPPED_KEY, type MappedFiles } from './mapped-files';
import { protocolKind, protocolTitle } from './protocols';

/**
 * What a snapshot is made of, as found on disk: the NDJSON files of a FHIR Bulk Data export
 * folder (from its manifest.json, else every *.ndjson file) and the protocol documents of a
 * folder, each read only from inside its folder.
 */

/** One file to publish: where it is, the entry it becomes (its sizes and hashes are added as it is read). */
export interface Source {
  file: string;
  entry: Omit<NdjsonEntry, 'bytes' | 'lines' | 'sha256'> | Omit<ProtocolEntry, 'bytes' | 'sha256'>;
  size: number;
  /** The mapped records beside an NDJSON file (publisher/mapped-files.ts): their file and mapper. */
  mapped?: { file: string; mapper: string };
}

const NDJSON_TYPE = /([A-Z][A-Za-z0-9]{0,63})/;

/** A manifest's url as the IT admin can recognise it, whatever it holds. */
const shown = (url: string): string => JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);

/**
 * The export-folder reference a Bulk Data manifest's `output[].url` names: an absolute URL
 * (the server's) names its file by its last segment, downloaded into the folder; anything else
 * is a path relative to the folder. Every segment is decoded on its own, so an encoded "/" or
 * "\\" is a refusal, not a separator. A file: URL or a drive letter is an absolute path.
 */
function exportReference(url: string): { ok: true; reference: string } | { ok: false; why: Outside } {
  const bare = url.split(/[?#]/)[0]!;
  if (/^[A-Za-z]:/.test(bare) || /^file:/i.test(bare)) return { ok: false, why: 'absolute' };
  let raw = bare;
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(bare) && URL.canParse(bare)) {
    if (bare.includes('\\')) return { ok: false, why: 'separator' }; // URL parsers read it as "/"
    raw = new URL(bare).pathname.split('/').pop() ?? '';
    if (raw === '') return { ok: false, why: 'empty' };
  }
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { ok: false, why: 'encoding' };
    }
    if (decoded.includes('/') || decoded.includes('\\') || decoded.includes('\0')) return { ok: false, why: 'separator' };
    segments.push(decoded);
  }
  return { ok: true, reference: segments.join('/') };
}

/**
 * The mapped records the manifest names for the NDJSON file at `url`, when they are a file inside
 * the folder made from an NDJSON file of this size; else none (the lines are mapped afresh).
 */
function mappedBeside(dir: string, named: unknown, url: string, size: number): Source['mapped'] | undefined {
  const m = named as Partial<MappedFiles> | undefined;
  if (typeof m?.mapper !== 'string' || !Array.isArray(m.files)) return undefined;
  const f = m.files.find((x) => x?.url === url);
  if (typeof f?.file !== 'string' || f.bytes !== size) return undefined;
  const inside = resolveInside(dir, f.file, { real: true });
  if (!inside.ok || !statSync(inside.path).isFile()) return undefined;
  return { file: inside.path, mapper: m.mapper };
}

/** The NDJSON files of a Bulk Data export: from its manifest.json, else every *.ndjson file. */
export function scanExport(dir: string): { sources: Source[]; transactionTime: string | null; request: string | null } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PublishError(`The FHIR export folder ${dir} does not exist.`);
  const sources: Source[] = [];
  const outside = (what: string, why: Outside) =>
    new PublishError(`${what} ${OUTSIDE[why]}: the publisher reads only files inside the export folder ${dir}. Nothing was written.`);
  /** `what` names the file for the admin: the manifest entry, or the file's name. */
  const add = (reference: string, type: string, what: string) => {
    const inside = resolveInside(dir, reference, { real: true });
    if (!inside.ok && inside.why === 'missing') throw new PublishError(`${what} names a file that is not in ${dir} (or a symbolic link to nothing).`);
    if (!inside.ok) throw outside(what, inside.why);
    if (!statSync(inside.path).isFile()) throw new PublishError(`${what} is not a file.`);
    if (!ResourceType.safeParse(type).success) throw new PublishError(`"${type.slice(0, 64)}" is not a FHIR resource type (${what}).`);
    const rel = reference.split('/').filter((s) => s !== '' && s !== '.').join('/');
    // The real path is what gets read, so a link swapped in after this check is not followed.
    sources.push({ file: inside.path, size: statSync(inside.path).size, entry: { kind: 'ndjson', path: rel, type } });
  };
  const manifest = resolveInside(dir, 'manifest.json', { real: true });
  if (!manifest.ok && manifest.why !== 'missing') throw outside('The export\'s manifest.json', manifest.why);
  if (!manifest.ok && lstatSync(path.join(dir, 'manifest.json'), { throwIfNoEntry: false })) {
    throw new PublishError(`The export's manifest.json in ${dir} is a symbolic link to nothing.`);
  }
  if (manifest.ok) {
    const manifestFile = path.join(dir, 'manifest.json');
    let json: { transactionTime?: unknown; request?: unknown; output?: Array<{ type?: unknown; url?: unknown }>; [MAPPED_KEY]?: unknown };
    try {
      json = JSON.parse(readFileSync(manifest.path, 'utf8'));
    } catch {
      throw new PublishError(`${manifestFile} is not valid JSON.`);
    }
    if (!Array.isArray(json.output)) throw new PublishError(`${manifestFile} has no "output" list: is it a Bulk Data completion manifest?`);
    json.output.forEach((out, i) => {
      if (typeof out?.type !== 'string' || typeof out.url !== 'string') throw new PublishError(`${manifestFile} has an output entry without type or url.`);
      const what = `The export manifest's output entry ${i + 1} (${out.type.slice(0, 64)}, url ${shown(out.url)})`;
      const ref = exportReference(out.url);
      if (!ref.ok) throw outside(what, ref.why);
      add(ref.reference, out.type, what);
      const mapped = mappedBeside(dir, json[MAPPED_KEY], out.url, sources.at(-1)!.size);
      if (mapped) sources.at(-1)!.mapped = mapped;
    });
    const tt = typeof json.transactionTime === 'string' ? new Date(json.transactionTime) : null;
    return {
      sources,
      transactionTime: tt && !Number.isNaN(tt.getTime()) ? tt.toISOString() : null,
      request: typeof json.request === 'string' ? json.request.slice(0, 2000) : null,
    };
  }
  for (const name of readdirSync(dir).sort()) {
    if (!name.toLowerCase().endsWith('.ndjson') || name.startsWith('.')) continue;
    const type = NDJSON_TYPE.exec(name.slice(0, -'.ndjson'.length))?.[1];
    if (!type) throw new PublishError(`Cannot tell the resource type of ${name}: name NDJSON files after their type, e.g. Patient.ndjson.`);
    add(name, type, name);
  }
  if (sources.length === 0) throw new PublishError(`${dir} holds no manifest.json and no .ndjson files.`);
  return { sources, transactionTime: null, request: null };
}

const isFolder = (file: string): boolean => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false; // a link to nothing or a loop of links: it is no folder to walk
  }
};

/** Protocol documents (PDF, Markdown, HTML, text) under a folder; subfolder = category. */
export function scanProtocols(dir: string): Source[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PublishError(`The protocols folder ${dir} does not exist.`);
  const sources: Source[] = [];
  /** `rel`: the path under dir as listed; `seen`: the real folders it is in, so a link back into one ends. */
  const walk = (rel: string, seen: string[]) => {
    const folder = rel ? path.join(dir, rel) : dir;
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.')) continue;
      const relFile = rel ? `${rel}/${name}` : name;
      const file = path.join(folder, name);
      const kind = protocolKind(name);
      if (!kind && !isFolder(file)) continue; // not a document: never read
      const inside = realInside(dir, file);
      if (!inside.ok) {
        if (inside.why === 'missing') throw new PublishError(`protocols/${relFile} is a symbolic link to nothing. Remove it or point it at a file inside ${dir}.`);
        throw new PublishError(`protocols/${relFile} ${OUTSIDE[inside.why]}: the publisher reads only files inside the protocols folder ${dir}. Nothing was written.`);
      }
      const stat = statSync(inside.path);
      if (stat.isDirectory()) {
        if (seen.includes(inside.path)) throw new PublishError(`protocols/${relFile} is a symbolic link to a folder it is in, so the folder never ends. Remove the link.`);
        walk(relFile, [...seen, inside.path]);
        continue;
      }
      if (!kind || !stat.isFile()) continue;
      if (stat.size > 256 * 1024 * 1024) throw new PublishError(`${name} is larger than 256 MB; protocols must be smaller.`);
      const parts = relFile.split('/');
      const category = parts.length > 1 ? parts[0]! : 'General';
      const title = protocolTitle(name, kind, readFileSync(inside.path));
      sources.push({ file: inside.path, size: stat.size, entry: { kind: 'protocol', path: relFile, title, category, format: kind } });
    }
  };
  walk('', [realpathSync(dir)]);
  return sources;
}
