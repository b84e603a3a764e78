import { existsSync, readdirSync, statSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, buildCliBundle, freshCliBundle } from './cli-bundle.mjs';

export { ROOT };
export const DIST = path.join(ROOT, 'dist');

/** The renderer (Vite) into dist/renderer. */
export async function buildRenderer(): Promise<void> {
  await viteBuild({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Main and preload (esbuild, CommonJS as Electron loads them) into dist/electron. */
export async function buildElectron(): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    sourcemap: false,
    logLevel: 'warning' as const,
    absWorkingDir: ROOT,
  };
  await esbuild({
    ...common,
    entryPoints: ['electron/main/index.ts'],
    outfile: 'dist/electron/main.cjs',
    // Native and large packages load from node_modules at run time.
    packages: 'external',
  });
  // The ingest worker thread (electron/core/store/parallel.ts): self-contained, so it also
  // starts from outside the ASAR archive (electron-builder unpacks it).
  await esbuild({
    ...common,
    entryPoints: ['electron/core/ingest-worker.ts'],
    outfile: 'dist/electron/ingest-worker.cjs',
  });
  // The sandboxed preload can require nothing but electron: bundle everything else in.
  await esbuild({
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/electron/preload.cjs',
    external: ['electron'],
  });
}

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }, 0);
}

/** Build the renderer when there is no build or its sources changed since. */
export async function ensureRendererBuilt(log: (line: string) => void = console.log): Promise<void> {
  const index = path.join(DIST, 'renderer/index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'electron/shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log('Building the renderer…');
  await buildRenderer();
}

export async function buildAll(): Promise<void> {
  await Promise.all([buildRenderer(), buildElectron(), buildCliBundle()]);
}

/** Build the `lantern` command's bundle when there is none or its sources changed since. */
export async function ensureCliBundle(): Promise<void> {
  if (!freshCliBundle()) await buildCliBundle();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildAll();
  console.log('Built dist/renderer, dist/electron and dist/cli.');
}
