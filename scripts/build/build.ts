import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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
  // The sandboxed preload can require nothing but electron: bundle everything else in.
  await esbuild({
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/electron/preload.cjs',
    external: ['electron'],
  });
}

export async function buildAll(): Promise<void> {
  await Promise.all([buildRenderer(), buildElectron()]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildAll();
  console.log('Built dist/renderer and dist/electron.');
}
