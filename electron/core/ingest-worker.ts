import { parentPort, workerData } from 'node:worker_threads';
import { chartMapper } from './chart/mapper';
import { runIngestWorker } from './store/ingest-worker';
import type { WorkerJob } from './store/parallel';

/**
 * Entry point of the ingest worker thread (store/parallel.ts starts it): the composition root
 * that hands the worker the mappers it can run. Bundled for the desktop app and the CLI.
 */
if (parentPort) void runIngestWorker(parentPort, workerData as WorkerJob, [chartMapper]);
