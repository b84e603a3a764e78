// ESLint rule `lantern/layers`: the layer table of ARCHITECTURE.md as code. Each file belongs
// to the layer of its folder; an import is an error unless that layer may use it.
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = new Set(builtinModules);
const UI_PACKAGES = ['react', 'react-dom', 'dompurify', 'marked', 'pdfjs-dist', '@tanstack/react-virtual'];
const NODE_ONLY_PACKAGES = ['better-sqlite3-multiple-ciphers', 'node-forge', 'chokidar', 'esbuild', 'vite', 'tsx'];

/** dir: repo-relative folder; layers: which layers it may import; node: Node built-ins allowed. */
export const LAYERS = [
  { name: 'shared', dir: 'electron/shared', layers: ['shared'], node: false, packages: (p) => p === 'zod' },
  {
    name: 'core',
    dir: 'electron/core',
    layers: ['shared', 'core'],
    node: true,
    packages: (p) => p !== 'electron' && !UI_PACKAGES.includes(p),
  },
  {
    name: 'main',
    dir: 'electron/main',
    layers: ['shared', 'core', 'main'],
    node: true,
    packages: (p) => !UI_PACKAGES.includes(p),
  },
  {
    name: 'preload',
    dir: 'electron/preload',
    layers: ['shared', 'preload'],
    node: false,
    packages: (p) => p === 'electron',
    electronNames: ['contextBridge', 'ipcRenderer'],
  },
  {
    name: 'renderer',
    dir: 'renderer',
    layers: ['shared', 'renderer'],
    node: false,
    packages: (p) => p !== 'electron' && !NODE_ONLY_PACKAGES.includes(p),
  },
  { name: 'scripts', dir: 'scripts', layers: ['shared', 'core', 'scripts'], node: true, packages: () => true },
  { name: 'test', dir: 'test', layers: null, node: true, packages: () => true },
];

const layerOf = (absolute) => {
  const rel = path.relative(ROOT, absolute).split(path.sep).join('/');
  return LAYERS.find((l) => rel === l.dir || rel.startsWith(`${l.dir}/`)) ?? null;
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
      node: '{{from}} may not use Node built-in "{{name}}".',
      pkg: '{{from}} may not use package "{{name}}".',
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
        const target = layerOf(path.resolve(path.dirname(file), source));
        if (!target || target === from) return;
        const allowed = from.layers === null ? target.name !== 'scripts' || from.name === 'test' : from.layers.includes(target.name);
        if (!allowed) context.report({ node, messageId: 'layer', data: { from: from.dir, to: target.dir } });
        return;
      }
      if (source.startsWith('node:') || NODE.has(source) || NODE.has(source.split('/')[0])) {
        if (!from.node) context.report({ node, messageId: 'node', data: { from: from.dir, name: source } });
        return;
      }
      const name = packageName(source);
      if (!from.packages(name)) {
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
