// The ingest worker for commands run from the TypeScript source (the CLI, the preview
// server): the worker thread registers tsx's require() hook, then loads
// electron/core/ingest-worker.ts (its few modules load as CommonJS, with no loader
// thread to start, so the worker is ready sooner than with tsx's ESM loader).
import { createRequire } from 'node:module';
import { useIngestWorker } from '../electron/core/store/parallel';

export function useSourceIngestWorker(): void {
  useIngestWorker({
    module: new URL('../electron/core/ingest-worker.ts', import.meta.url),
    requireLoader: createRequire(import.meta.url).resolve('tsx/cjs/api'),
  });
}
