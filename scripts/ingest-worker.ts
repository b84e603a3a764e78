// The ingest worker for commands run from the TypeScript source (the CLI, the preview
// server): the worker thread registers tsx, then loads electron/core/store/ingest-worker.ts.
import { useIngestWorker } from '../electron/core/store/parallel';

export function useSourceIngestWorker(): void {
  useIngestWorker({
    module: new URL('../electron/core/store/ingest-worker.ts', import.meta.url),
    loader: import.meta.resolve('tsx/esm/api'),
  });
}
