import type { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { STATION_ID } from './policy';
import { HEARTBEAT_MAX_BYTES, HEARTBEAT_SUFFIX, checkHeartbeat, heartbeatFileName } from './heartbeat';
import { writeFileAtomic } from './layout';

/**
 * The receiving end of the heartbeat's HTTPS PUT (`lantern fleet receive`): each verified
 * heartbeat replaces its station's file in one folder, which `lantern fleet report` then reads.
 * A heartbeat that does not verify against the trusted CA, or that is signed for another
 * station than its address names, is refused (403) and never written, so the folder holds only
 * what stations signed; the report checks every file again.
 */

export interface ReceiverOptions {
  dir: string;
  anchors: X509Certificate[];
  /** The server's TLS certificate and key (PEM). */
  tls: { cert: string; key: string };
  host?: string;
  port?: number;
  clock?: () => Date;
  /** One line per heartbeat taken or refused (station names and sentences, no PHI). */
  log?: (line: string) => void;
}

export interface HeartbeatReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startHeartbeatReceiver(options: ReceiverOptions): Promise<HeartbeatReceiver> {
  const clock = options.clock ?? (() => new Date());
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const answer = (status: number, text: string) => {
      if (status === 204) return void res.writeHead(204).end();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
      options.log?.(`${status} ${req.method} ${(req.url ?? '').slice(0, 200)}: ${text}`);
    };
    const name = decodeURIComponent(path.posix.basename((req.url ?? '').split('?')[0] ?? ''));
    const station = name.endsWith(HEARTBEAT_SUFFIX) ? name.slice(0, -HEARTBEAT_SUFFIX.length) : '';
    if (req.method !== 'PUT') return answer(405, 'Only PUT of a heartbeat is taken here.');
    if (!STATION_ID.test(station)) return answer(404, 'The address must end in STATION.heartbeat.json.');
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HEARTBEAT_MAX_BYTES) {
        if (!done) answer(413, `A heartbeat is at most ${HEARTBEAT_MAX_BYTES} bytes.`);
        done = true;
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const body = Buffer.concat(chunks);
      const check = checkHeartbeat(body, options.anchors, clock());
      if (!check.trusted) return answer(403, `Heartbeat refused: ${check.problem}.`);
      if (check.heartbeat.station !== station) return answer(403, `Heartbeat refused: it is signed for station ${check.heartbeat.station}, not ${station}.`);
      try {
        writeFileAtomic(path.join(options.dir, heartbeatFileName(station)), body, 0o644);
      } catch {
        return answer(503, 'The heartbeat could not be stored; try again later.');
      }
      options.log?.(`took the heartbeat of ${station}`);
      answer(204, '');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '0.0.0.0';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
