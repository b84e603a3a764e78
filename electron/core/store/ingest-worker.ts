import type { MessagePort } from 'node:worker_threads';
import { readPayload } from '../snapshot/payload';
import { SnapshotRefusal } from '../snapshot/refusal';
import { mapperId, type ContentMapper } from './content';
import { BlockCutter, type BaseBlock } from './base-blocks';
import { IdKeys } from './id-keys';
import type { FromWorker, WorkerJob } from './parallel';

/**
 * The ingest worker thread: verifies, decrypts, decompresses and splits the payload exactly
 * as the single-threaded ingest does (snapshot/payload.ts), maps each line with the model's
 * mapper (or takes the publisher's mapped records, when its mapper is the same), and posts
 * the records in batches to the database thread. It never sees the database or its key.
 * Back-pressure: at most MAX_UNACKED messages are in flight.
 */


const MAX_BATCH = 2048;
/** Back-pressure: the reader waits while this many messages are unprocessed. */
const MAX_UNACKED = 16;
/**
 * A backlog this short means the database thread is about to wait for work: the next batch
 * goes as plain lines for it to map. (With these two sizes the threads share the mapping
 * most evenly in measurements: smaller batches and an earlier hand-over keep either thread
 * from waiting on the other.)
 */
const IDLE_BACKLOG = 4;

/**
 * Run one job on this worker thread. `mappers`: the mappers it can run, by name (a function
 * cannot be sent to a thread), handed in by the worker's entry point (electron/core/ingest-worker.ts).
 */
export async function runIngestWorker(port: MessagePort, job: WorkerJob, mappers: readonly ContentMapper[]): Promise<void> {
  const post = (message: FromWorker) => port.postMessage(message);
  const key = Buffer.from(job.contentKey);
  try {
    const mapper = mappers.find((m) => m.name === job.mapper);
    if (!mapper) throw new Error(`no mapper named ${job.mapper} in the ingest worker`);
    // Messages the database thread has not finished with: its backlog.
    let unacked = 0;
    let wake: (() => void) | null = null;
    port.on('message', () => {
      unacked--;
      if (wake && unacked <= MAX_UNACKED / 2) {
        wake();
        wake = null;
      }
    });
    // The ids of everything read here are noted here, off the database thread's critical
    // path; what was seen goes with 'done'. Lines handed over unmapped are the other thread's.
    const watch = mapper.id && mapper.ids ? new IdKeys(Object.values(job.manifest.counts).reduce((a, b) => a + b, 0)) : null;
    const mapperIds = watch && mapper.ids!.bind(mapper);
    let sent = 0;
    const send = (message: FromWorker) => {
      unacked++;
      sent++;
      post(message);
    };
    /** Messages the database thread has still to process, as of now (it counts in shared memory). */
    const backlog = () => sent - Atomics.load(job.processed, 0);
    // A batch starts as mapped here, or, when the database thread is about to run out of
    // work, as plain lines that it maps itself: the two threads share the mapping by load.
    let batch: { type: string; file: string; records: unknown[]; lines: string[] | null; numbers: number[] } | null = null;
    const flush = () => {
      if (batch?.lines?.length) send({ t: 'lines', type: batch.type, file: batch.file, lines: batch.lines, numbers: batch.numbers });
      else if (batch?.records.length) send({ t: 'batch', batch: { type: batch.type, file: batch.file, packed: mapper.pack(batch.records), idsSeen: watch !== null } });
      batch = null;
    };
    // Blocks are copied to the database thread, not transferred: a small one's memory may be a slice of Node's shared pool.
    const packedBlocks: BaseBlock[] = [];
    const cutter = new BlockCutter((block) => packedBlocks.push(block));
    post({ t: 'ready' });
    await readPayload(job.file, job.payloadOffset, job.manifest, key, {
      line(entry, json, line) {
        if (batch === null || batch.file !== entry.path) {
          flush();
          batch = { type: entry.type, file: entry.path, records: [], lines: job.share && backlog() <= IDLE_BACKLOG ? [] : null, numbers: [] };
        }
        if (batch.lines) {
          batch.lines.push(json);
          batch.numbers.push(line);
        } else {
          const record = mapper.map(entry.type, json, line);
          if (watch) {
            const id = mapper.id!(record);
            if (id !== null) watch.note(entry.type, id);
          }
          batch.records.push(record);
        }
        if (batch.records.length + batch.numbers.length >= MAX_BATCH) flush();
      },
      mapper: mapperId(mapper),
      records(entry, packed) {
        flush(); // mapped by the publisher: passed on as they are
        if (mapperIds) mapperIds(packed, (text, start, end) => watch!.note(entry.type, text, start, end));
        // The delta base's blocks of these records are cut and packed here too, off the database
        // thread. Records that do not read back go without: the database thread refuses them.
        let base: BaseBlock[] | undefined;
        try {
          cutter.putRecords(entry.path, packed);
          base = packedBlocks.splice(0);
        } catch {
          base = undefined;
        }
        send({ t: 'batch', batch: { type: entry.type, file: entry.path, packed, idsSeen: watch !== null, base } });
      },
      protocol(entry, bytes) {
        flush();
        post({ t: 'protocol', path: entry.path, title: entry.title, category: entry.category, kind: entry.format, bytes });
      },
      progress(done) {
        flush();
        send({ t: 'progress', done });
        if (unacked <= MAX_UNACKED) return;
        return new Promise<void>((resolve) => (wake = resolve));
      },
    });
    flush();
    cutter.cutAll();
    if (packedBlocks.length) post({ t: 'base', blocks: packedBlocks.splice(0) });
    const seen = watch?.seen() ?? null;
    port.postMessage({ t: 'done', seen } satisfies FromWorker, seen ? [seen.keys.buffer as ArrayBuffer] : []);
  } catch (error) {
    if (error instanceof SnapshotRefusal) post({ t: 'error', code: error.code, detail: error.detail ?? null, message: error.message, errno: null });
    else post({ t: 'error', code: null, detail: null, message: error instanceof Error ? error.message : String(error), errno: systemCode(error) });
  } finally {
    key.fill(0);
    job.contentKey.fill(0);
    port.unref(); // the thread ends once the database thread has what was posted
  }
}

/** The system code of a failure (EIO, ENOMEM...), so the database thread can name it; never its message. */
function systemCode(error: unknown): string | null {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : null;
}
