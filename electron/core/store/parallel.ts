import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Manifest, ProtocolEntry } from '../snapshot/manifest';
import { SnapshotRefusal, type RefusalCode } from '../snapshot/refusal';
import type { BaseBlock } from './base-blocks';
import type { MappedBatch } from './content';
import type { SeenIds } from './id-keys';

/**
 * Where the ingest worker's code is (its entry point electron/core/ingest-worker.ts): the desktop app points at its
 * bundled copy, the command line and the tests at the TypeScript source with a loader to
 * preload. Not configured (or not loadable): the ingest runs on one thread, same result.
 */
export interface IngestWorkerSpec {
  /** A JavaScript file or file URL that Node can start as a worker, or a TypeScript one with `requireLoader`. */
  module: string | URL;
  /**
   * The path of a CommonJS module whose register() the worker thread calls first (tsx/cjs/api
   * for the TypeScript source). It hooks require() in the thread itself, with no loader
   * thread to start, so the worker is ready sooner than with an ESM loader.
   */
  requireLoader?: string;
}

let spec: IngestWorkerSpec | null = null;
export function useIngestWorker(next: IngestWorkerSpec | null): void {
  spec = next;
}
export const ingestWorker = (): IngestWorkerSpec | null => spec;

/** What the worker is given (workerData). */
export interface WorkerJob {
  file: string;
  payloadOffset: number;
  manifest: Manifest;
  contentKey: Uint8Array;
  mapper: string;
  /** Hand batches back unmapped when this thread runs out of work (else the worker maps all). */
  share: boolean;
  /** Messages this thread has processed (shared memory, so the worker sees it at once). */
  processed: Int32Array;
}

export type FromWorker =
  | { t: 'ready' }
  | { t: 'batch'; batch: MappedBatch }
  /** The last blocks of the delta base the worker cut (store/base-blocks.ts). */
  | { t: 'base'; blocks: BaseBlock[] }
  | { t: 'lines'; type: string; file: string; lines: string[]; numbers: number[] }
  | { t: 'protocol'; path: string; title: string; category: string; kind: ProtocolEntry['format']; bytes: Uint8Array }
  | { t: 'progress'; done: number }
  | { t: 'done'; seen: SeenIds | null }
  /** `errno`: the system code of a failure that is not a refusal (EIO reading a share...). */
  | { t: 'error'; code: RefusalCode | null; detail: string | null; message: string; errno: string | null };

/** The worker ended (or threw outside its own handling): queued behind what it posted. */
type Stopped = { t: 'stopped'; error: Error };

export interface MappedConsumer {
  batch(batch: MappedBatch): void;
  /** Blocks of the delta base cut by the worker, beside those its batches carry (MappedBatch.base). */
  base?(blocks: BaseBlock[]): void;
  /** Lines the worker left unmapped (this thread had run out of work): map and store them here. */
  line(type: string, json: string, source: { file: string; line: number }): void;
  protocol(doc: { path: string; title: string; category: string; kind: ProtocolEntry['format']; bytes: Buffer }): void;
  /** After each decompressed chunk; a returned promise holds the worker back until it settles. */
  progress(plainBytes: number): void | Promise<void>;
  /** At the end: what the worker saw of the ids of the batches it marked idsSeen. */
  seenIds?(seen: SeenIds): void;
}

/**
 * The worker's young generation: it makes short-lived objects by the million (a parsed
 * resource per line); this size measured fastest, with less memory than the default.
 */
const LIMITS = { maxYoungGenerationSizeMb: 16 };
function start(job: WorkerJob): Worker {
  const s = spec!;
  if (s.requireLoader) {
    const file = typeof s.module === 'string' && !s.module.startsWith('file:') ? s.module : fileURLToPath(s.module);
    const boot = `require(${JSON.stringify(s.requireLoader)}).register();\nrequire(${JSON.stringify(file)});`;
    return new Worker(boot, { eval: true, workerData: job, resourceLimits: LIMITS });
  }
  return new Worker(s.module, { workerData: job, resourceLimits: LIMITS });
}

/** A payload read started on the ingest worker; what it posts waits until consume(). */
export interface MappedRead {
  /**
   * Hand the worker's batches to `consumer` on this thread, in order. Resolves 'unavailable'
   * (having consumed nothing) when no worker is configured or it cannot start; a refusal
   * inside the worker rejects with the same SnapshotRefusal a read on this thread throws.
   */
  consume(consumer: MappedConsumer): Promise<'done' | 'unavailable'>;
  /** Stop the worker, if it still runs. */
  cancel(): void;
}

const unavailable: MappedRead = { consume: () => Promise.resolve('unavailable'), cancel: () => {} };

/**
 * Start reading the payload on the ingest worker, mapping lines there, as early as the
 * content key is known: the thread boots while this one prepares the database.
 */
export function startMappedRead(job: Omit<WorkerJob, 'contentKey' | 'processed'> & { contentKey: Buffer }): MappedRead {
  if (!spec) return unavailable;
  let worker: Worker;
  const processed = new Int32Array(new SharedArrayBuffer(4));
  const key = new Uint8Array(job.contentKey);
  try {
    worker = start({ ...job, contentKey: key, processed });
  } catch {
    return unavailable;
  } finally {
    key.fill(0); // the worker got its own copy (workerData is cloned at once)
  }
  let consumer: MappedConsumer | null = null;
  const queue: Array<FromWorker | Stopped> = [];
  let started = false;
  let settled = false;
  let busy = false;
  let resolve!: (outcome: 'done' | 'unavailable') => void;
  let reject!: (error: unknown) => void;
  const outcome = new Promise<'done' | 'unavailable'>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  outcome.catch(() => {}); // reported through consume()
  const end = (settle: () => void) => {
    if (settled) return;
    settled = true;
    queue.length = 0;
    void worker.terminate();
    settle();
  };
  const pump = async () => {
    const c = consumer;
    if (busy || !c) return;
    busy = true;
    try {
      while (queue.length && !settled) {
        const m = queue.shift()!;
        switch (m.t) {
          case 'ready':
            break;
          case 'batch':
            c.batch(m.batch);
            break;
          case 'base':
            c.base?.(m.blocks);
            break;
          case 'lines':
            for (let i = 0; i < m.lines.length; i++) c.line(m.type, m.lines[i]!, { file: m.file, line: m.numbers[i]! });
            break;
          case 'protocol':
            c.protocol({ ...m, bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) });
            break;
          case 'progress': {
            const wait = c.progress(m.done);
            if (wait) await wait;
            break;
          }
          case 'done':
            if (m.seen) c.seenIds?.(m.seen);
            end(() => resolve('done'));
            break;
          case 'error':
            end(() => reject(m.code ? new SnapshotRefusal(m.code, m.detail ?? undefined) : Object.assign(new Error(m.message), m.errno ? { code: m.errno } : {})));
            break;
          case 'stopped':
            end(() => reject(m.error));
            break;
          default:
            m satisfies never;
        }
        if (m.t === 'batch' || m.t === 'lines' || m.t === 'progress') {
          Atomics.add(processed, 0, 1);
          worker.postMessage(null);
        }
      }
    } catch (error) {
      end(() => reject(error));
    } finally {
      busy = false;
    }
  };
  worker.on('message', (m: FromWorker) => {
    started = true;
    queue.push(m);
    void pump();
  });
  // Before its first message the worker has read nothing: fall back to one thread.
  const stopped = (error: Error) => {
    if (!started) return end(() => resolve('unavailable'));
    queue.push({ t: 'stopped', error });
    void pump();
  };
  worker.on('error', stopped);
  worker.on('exit', (code) => stopped(new Error(`the ingest worker stopped before the end of the payload (exit ${code})`)));
  return {
    consume(next) {
      consumer = next;
      void pump();
      return outcome;
    },
    cancel: () => end(() => resolve('unavailable')),
  };
}
