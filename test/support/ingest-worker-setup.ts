// Vitest setup: the ingest runs its worker thread in the tests as it does in the CLI (the
// TypeScript source, with tsx's require() hook registered in the thread first).
import { createRequire } from 'node:module';
import { useIngestWorker } from '../../electron/core/store/parallel';

useIngestWorker({
  module: new URL('../../electron/core/ingest-worker.ts', import.meta.url),
  requireLoader: createRequire(import.meta.url).resolve('tsx/cjs/api'),
});
