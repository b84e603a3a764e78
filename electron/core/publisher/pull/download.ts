import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Http, PullError, isRetryable, networkWhy, where } from './http';

/**
 * One export file to disk: the bytes as sent (gzip too) into NAME.part, resumed with a Range
 * request after a cut (If-Range keeps a changed file from being spliced), then unpacked into
 * NAME and its lines counted. A file is complete only once NAME exists.
 */

export interface FileJob {
  url: string;
  /** Where it ends up (absolute). */
  path: string;
  /** Send the token (the manifest's requiresAccessToken). */
  auth: boolean;
}

export interface FileProgress {
  /** Bytes on disk for this file so far (as sent). */
  bytes: number;
  /** Set once the file is complete. */
  resources?: number;
}

export interface PartState {
  /** The validator the resumed bytes must match. */
  etag?: string;
  lastModified?: string;
  encoding?: string;
}

export interface DownloadEvents {
  bytes?(n: number): void;
  retry?(why: string, delayMs: number): void;
}

/** Lines that hold something: the resources (or bundles, or outcomes) of an NDJSON file. */
class LineCounter extends Transform {
  lines = 0;
  private pending = false;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x0a) {
        if (this.pending) this.lines++;
        this.pending = false;
      } else if (c !== 0x0d && c !== 0x20 && c !== 0x09) this.pending = true;
    }
    done(null, chunk);
  }
  override _flush(done: () => void): void {
    if (this.pending) this.lines++;
    done();
  }
}

const fsyncFile = (file: string) => {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Download one file (resuming NAME.part if there is one, from what `state` recorded); returns
 * its resource count. `state` is updated as headers arrive, for the caller to persist.
 */
export async function downloadFile(
  http: Http,
  job: FileJob,
  token: { get(): Promise<string>; invalidate(): void } | null,
  state: PartState,
  events: DownloadEvents = {},
): Promise<number> {
  const part = `${job.path}.part`;
  let failures = 0;
  let refusedToken = false;
  for (;;) {
    const have = existsSync(part) ? statSync(part).size : 0;
    const validator = state.etag && !state.etag.startsWith('W/') ? state.etag : state.lastModified;
    const headers: Record<string, string> = { accept: 'application/fhir+ndjson', 'accept-encoding': 'gzip' };
    if (have > 0 && validator) {
      headers['range'] = `bytes=${have}-`;
      headers['if-range'] = validator;
    }
    let why: string;
    let retryAfter: { headers: Record<string, string> } | undefined;
    try {
      const res = await http.send(job.url, { headers, token: job.auth && token ? await token.get() : null });
      if (res.status === 401 && job.auth && token && !refusedToken) {
        // A token that ran out between get() and the server: one more try with a new one.
        await res.body.dump();
        refusedToken = true;
        token.invalidate();
        continue;
      }
      if (res.status === 404 || res.status === 410) {
        await res.body.dump();
        throw new PullError(`An export file (${where(job.url)}) is gone from the server (HTTP ${res.status}: its files expired). Run the pull again to start a new export.`, { after: 'new' });
      }
      if (res.status === 416 && have > 0) {
        // Asked past the end: what is on disk is the whole file only if the server says so.
        await res.body.dump();
        const total = /\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1];
        if (total !== undefined && Number(total) === have) return finish(part, job.path, state);
        rmSync(part, { force: true });
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        if (!isRetryable(res.status)) {
          await res.body.dump();
          throw new PullError(`An export file (${where(job.url)}) answered HTTP ${res.status}.`);
        }
        await res.body.dump();
        why = `HTTP ${res.status}`;
        retryAfter = res;
      } else {
        const resumed = res.status === 206;
        if (!resumed) {
          // The whole file again (a first try, or the server ignored the range): start over.
          state.etag = res.headers['etag'];
          state.lastModified = res.headers['last-modified'];
          state.encoding = res.headers['content-encoding'];
        }
        const expected = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : null;
        let got = 0;
        // Written as each chunk arrives (not through a stream that may drop what it buffered
        // when the connection breaks), so the part on disk is exactly what came.
        const fd = openSync(part, resumed ? 'a' : 'w');
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            writeSync(fd, chunk);
            got += chunk.length;
            events.bytes?.(chunk.length);
          }
        } catch (error) {
          if (got > 0) failures = 0; // progress was made: the count of failures in a row starts again
          throw Object.assign(new Error(networkWhy(error)), { retryable: true });
        } finally {
          fsyncSync(fd);
          closeSync(fd);
        }
        if (expected !== null && got < expected) {
          if (got > 0) failures = 0;
          throw Object.assign(new Error('connection cut'), { retryable: true });
        }
        return finish(part, job.path, state);
      }
    } catch (error) {
      if (error instanceof PullError) throw error;
      // Anything else is the network's doing (a refused connection, a cut, a timeout): tried again.
      why = (error as { retryable?: boolean }).retryable ? (error as Error).message : networkWhy(error);
    }
    if (++failures >= http.retry.attempts) {
      throw new PullError(`An export file (${where(job.url)}) failed ${failures} times in a row (${why}). What was downloaded is kept: run the pull again to resume.`, { after: 'resume' });
    }
    const delay = http.delayFor(failures, retryAfter);
    events.retry?.(why, delay);
    await http.sleep(delay);
  }
}

/** NAME.part (as sent) into NAME (as NDJSON), counted; NAME appears only when complete. */
async function finish(part: string, file: string, state: PartState): Promise<number> {
  const tmp = `${file}.tmp`;
  const counter = new LineCounter();
  try {
    const gzip = state.encoding?.toLowerCase().includes('gzip');
    if (gzip) await pipeline(createReadStream(part), createGunzip(), counter, createWriteStream(tmp));
    else await pipeline(createReadStream(part), counter, createWriteStream(tmp));
  } catch (error) {
    rmSync(tmp, { force: true });
    rmSync(part, { force: true });
    throw new PullError(`An export file could not be unpacked (${(error as Error).message.slice(0, 100)}); it will be downloaded again on the next run.`, { cause: error });
  }
  fsyncFile(tmp);
  renameSync(tmp, file);
  rmSync(part, { force: true });
  return counter.lines;
}
