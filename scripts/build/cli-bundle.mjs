// The `lantern` command's bundle (dist/cli): the TypeScript CLI built by esbuild into plain
// JavaScript, as the desktop app's main process and ingest worker are. Loaded as it is, the
// command starts in about a third of the time tsx needs to compile the source on the fly,
// and its ingest worker starts sooner too. `lantern` runs the bundle only while it is at least
// as new as every source file it was built from; otherwise it runs the source through tsx.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project folder: the nearest one up with Lantern's package.json (also from inside dist/cli). */
function findRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'lantern') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Lantern package.json above ${from}`);
  }
}
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const CLI_BUNDLE_DIR = path.join(ROOT, 'dist/cli');
const INPUTS = 'inputs.json';

/** The bundle in `dir` when every source it was built from is unchanged since; else null. */
export function freshCliBundle(dir = CLI_BUNDLE_DIR) {
  let built;
  try {
    built = JSON.parse(readFileSync(path.join(dir, INPUTS), 'utf8'));
  } catch {
    return null;
  }
  for (const input of built.inputs) {
    const file = path.join(ROOT, input);
    if (!existsSync(file) || statSync(file).mtimeMs > built.builtAt) return null;
  }
  return { main: path.join(dir, 'main.mjs'), worker: path.join(dir, 'ingest-worker.cjs') };
}

/**
 * Build the bundle into `dir`: beside it first, then swapped in whole, so a command starting
 * meanwhile finds the old bundle, the new one, or none (and runs the source), never half of one.
 */
export async function buildCliBundle(dir = CLI_BUNDLE_DIR) {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const common = { bundle: true, platform: 'node', target: 'node20', absWorkingDir: ROOT, logLevel: 'warning', metafile: true };
    const cli = await build({
      ...common,
      entryPoints: { main: 'scripts/cli/main.ts' },
      outdir: staging,
      format: 'esm',
      // Commands load their heavy parts (bench, preview, Chromium) only when run.
      splitting: true,
      outExtension: { '.js': '.mjs' },
      packages: 'external',
    });
    const worker = await build({
      ...common,
      entryPoints: ['electron/core/ingest-worker.ts'],
      outfile: path.join(staging, 'ingest-worker.cjs'),
      format: 'cjs',
    });
    const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...Object.keys(worker.metafile.inputs)])]
      .filter((input) => !input.startsWith('node_modules/'))
      .sort();
    writeFileSync(path.join(staging, INPUTS), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The CLI module (scripts/cli/main.ts) with its ingest worker configured: from the bundle in
 * `dir` when it is fresh, else from the TypeScript source through tsx.
 */
export async function loadCli(dir = CLI_BUNDLE_DIR) {
  const bundle = freshCliBundle(dir);
  if (bundle) {
    const cli = await import(pathToFileURL(bundle.main).href);
    cli.useIngestWorker({ module: bundle.worker });
    return { cli, from: 'bundle' };
  }
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import('../cli/main.ts');
  const { useSourceIngestWorker } = await import('../ingest-worker.ts');
  useSourceIngestWorker();
  return { cli, from: 'source' };
}
