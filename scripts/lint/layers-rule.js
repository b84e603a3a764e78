// ESLint rule `lantern/layers`: the layer table of ARCHITECTURE.md as code. Each file belongs
// to the layer of its folder; an import is an error unless that layer may use it. A layer may
// be ordered inside (`inner`): every folder of a path is read, and a part may import only parts
// of its own rank or below (and a part with `onlyFrom` only from those parts).
import { existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = new Set(builtinModules);

/**
 * Inside core, bottom to top: each rank may import its own and the ranks below it. A name is a
 * path under electron/core, of a folder or of a file; a file belongs to the longest name that
 * holds it, so a folder nested in a part (`snapshot/pki`) or one of its files
 * (`chart/sections.ts`) may have a rank of its own, and a folder nested in a part without one
 * has no place in the order. The publisher side (`publisher`, with everything in it) is
 * imported by nothing on the workstation side; only the demo, which publishes its own
 * hospital, uses it.
 */
export const CORE_RANKS = [
  ['fhir', 'files'],
  // The snapshot format: its refusals, the certificates (which refuse with them), the rest.
  ['snapshot/refusal.ts'],
  ['snapshot/pki'],
  ['snapshot'],
  ['store'],
  // The chart model: the clinical decisions; the rows, codes and mapping; the queries' reading
  // context; the section registry (which reads through it); the queries; the model as a whole.
  ['chart/facts'],
  ['chart'],
  ['chart/queries/context.ts'],
  ['chart/sections.ts'],
  ['chart/queries'],
  ['chart/index.ts'],
  ['home'],
  ['sync'],
  ['api'],
  // The publisher side: the mapped-record files, pulling from the EHR, the rest.
  ['publisher/mapped-files.ts'],
  ['publisher/pull'],
  ['publisher', 'demo', 'workstation.ts', 'ingest-worker.ts'],
];
const CORE_ONLY_FROM = { publisher: ['publisher', 'demo'] };

/**
 * dir: repo-relative folder; layers: which layers it may import; node: Node built-ins allowed;
 * packages: the npm packages it may import (null: any), the one list, which the layer table of
 * docs/ARCHITECTURE.md names (test/lint/layers.test.ts holds the two together); inner: the
 * ordered parts inside it (see CORE_RANKS).
 */
export const LAYERS = [
  { name: 'shared', dir: 'electron/shared', layers: ['shared'], node: false, packages: ['zod'] },
  {
    name: 'core',
    dir: 'electron/core',
    layers: ['shared', 'core'],
    node: true,
    packages: ['better-sqlite3-multiple-ciphers', 'chokidar', 'hash-wasm', 'htmlparser2', 'node-forge', 'undici', 'zod'],
    inner: { ranks: CORE_RANKS, onlyFrom: CORE_ONLY_FROM },
  },
  {
    name: 'main',
    dir: 'electron/main',
    layers: ['shared', 'core', 'main'],
    node: true,
    packages: ['electron', 'electron-updater'],
  },
  {
    name: 'preload',
    dir: 'electron/preload',
    layers: ['shared', 'preload'],
    node: false,
    packages: ['electron'],
    electronNames: ['contextBridge', 'ipcRenderer'],
  },
  {
    name: 'renderer',
    dir: 'renderer',
    layers: ['shared', 'renderer'],
    node: false,
    packages: ['react', 'react-dom', '@tanstack/react-virtual', 'dompurify', 'marked', 'pdfjs-dist'],
  },
  { name: 'scripts', dir: 'scripts', layers: ['shared', 'core', 'scripts'], node: true, packages: null },
  { name: 'test', dir: 'test', layers: null, node: true, packages: null },
];

const layerOf = (absolute) => {
  const rel = path.relative(ROOT, absolute).split(path.sep).join('/');
  return LAYERS.find((l) => rel === l.dir || rel.startsWith(`${l.dir}/`)) ?? null;
};

/** Whether the part `name` is `outer` or lies inside it. */
const within = (name, outer) => name === outer || name.startsWith(`${outer}/`);

/**
 * The part of an ordered layer a file is in, with its rank (null when it has no place): the
 * longest name in the ranks that is the file or a folder holding it. A folder between that part
 * and the file is a part of its own, with no place unless the ranks name it.
 */
const partOf = (layer, absolute) => {
  if (!layer.inner) return null;
  let rel = path.relative(path.join(ROOT, layer.dir), absolute).split(path.sep).join('/');
  // `../chart` is the folder's index; `../workstation` the file.
  if (existsSync(absolute) && statSync(absolute).isDirectory()) rel = `${rel}/index.ts`;
  else if (!/\.(ts|tsx)$/.test(rel)) rel = `${rel}.ts`;
  let best = null;
  layer.inner.ranks.forEach((names, rank) => {
    for (const name of names) {
      if (within(rel, name) && (!best || name.length > best.name.length)) best = { name, rank };
    }
  });
  const rest = (best ? rel.slice(best.name.length + 1) : rel).split('/');
  if (rest.length > 1) return { name: best ? `${best.name}/${rest[0]}` : rest[0], rank: null };
  return best ?? { name: rel, rank: null };
};

const packageName = (source) =>
  source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0];

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports the architecture allows.' },
    schema: [],
    messages: {
      layer: '{{from}} may not import from {{to}} (see the layer table in docs/ARCHITECTURE.md).',
      rank: '{{from}} may not import from {{to}}: {{why}} (see the order of core in docs/ARCHITECTURE.md).',
      node: '{{from}} may not use Node built-in "{{name}}".',
      pkg: '{{from}} may not use package "{{name}}" (the layer table in docs/ARCHITECTURE.md names the packages each layer may use).',
      electronName: 'The preload may take only {{allowed}} from electron.',
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (!from) return {};

    const check = (node, source, importedNames) => {
      if (typeof source !== 'string') return;
      if (source.startsWith('.') || source.startsWith('/')) {
        const resolved = path.resolve(path.dirname(file), source);
        const target = layerOf(resolved);
        if (!target) return;
        if (target === from) {
          checkRank(node, resolved);
          return;
        }
        const allowed = from.layers === null ? target.name !== 'scripts' || from.name === 'test' : from.layers.includes(target.name);
        if (!allowed) context.report({ node, messageId: 'layer', data: { from: from.dir, to: target.dir } });
        return;
      }
      if (source.startsWith('node:') || NODE.has(source) || NODE.has(source.split('/')[0])) {
        if (!from.node) context.report({ node, messageId: 'node', data: { from: from.dir, name: source } });
        return;
      }
      const name = packageName(source);
      if (from.packages !== null && !from.packages.includes(name)) {
        context.report({ node, messageId: 'pkg', data: { from: from.dir, name } });
        return;
      }
      if (name === 'electron' && from.electronNames) {
        const extra = importedNames === null ? ['*'] : importedNames.filter((n) => !from.electronNames.includes(n));
        if (extra.length) {
          context.report({ node, messageId: 'electronName', data: { allowed: from.electronNames.join(', ') } });
        }
      }
    };

    const checkRank = (node, resolved) => {
      const mine = partOf(from, file);
      const theirs = partOf(from, resolved);
      if (!mine || !theirs || mine.name === theirs.name) return;
      const label = (part) => `${from.dir}/${part.name.replace(/\.ts$/, '')}`;
      let why = null;
      if (mine.rank === null) why = `${label(mine)} has no place in the order`;
      else if (theirs.rank === null) why = `${label(theirs)} has no place in the order`;
      else if (theirs.rank > mine.rank) why = 'it stands above it';
      else {
        const guarded = Object.keys(from.inner.onlyFrom).find((outer) => within(theirs.name, outer));
        const users = guarded ? from.inner.onlyFrom[guarded] : null;
        if (users && !users.some((outer) => within(mine.name, outer))) why = `only ${users.join(', ')} may use it`;
      }
      if (why) context.report({ node, messageId: 'rank', data: { from: label(mine), to: label(theirs), why } });
    };

    const namesOf = (node) => {
      if (node.importKind === 'type') return [];
      const names = [];
      for (const s of node.specifiers ?? []) {
        if (s.type !== 'ImportSpecifier') return null; // default or namespace import: everything
        if (s.importKind !== 'type') names.push(s.imported.name ?? s.imported.value);
      }
      return names;
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value, namesOf(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, null),
      ExportAllDeclaration: (node) => check(node, node.source.value, null),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, null),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value, null);
        }
      },
    };
  },
};

export default { rules: { layers: layersRule } };
