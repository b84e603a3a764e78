// Vitest setup: the ingest runs its worker thread in the tests as it does in the CLI (the
// TypeScript source, with tsx registered in the thread first).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useIngestWorker } from '../../electron/core/store/parallel';

/** tsx's ESM register() API (the worker thread is plain Node: no Vite there). */
function tsxLoader(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}

useIngestWorker({ module: new URL('../../electron/core/store/ingest-worker.ts', import.meta.url), loader: tsxLoader() });
