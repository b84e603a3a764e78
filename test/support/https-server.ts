import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import forge from 'node-forge';

/**
 * A static web server for the HTTPS source's tests, on 127.0.0.1 with a certificate from a CA
 * the tests make: files from one folder, with what IIS, nginx and object stores do (strong
 * ETag, Last-Modified, 304 on If-None-Match / If-Modified-Since, Range and If-Range with 206,
 * 416 past the end), and a bad day switched on per test (slow answers, a cut mid-file, 5xx,
 * another body served for a path). It records every request. Beside it, a CONNECT proxy.
 */

export interface TestTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A CA and a server certificate for 127.0.0.1 (subjectAltName IP, serverAuth), valid around now. */
export function makeServerTls(options: { commonName?: string } = {}): TestTls {
  const now = Date.now();
  const make = (cn: string, issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null, ca: boolean) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = '01' + randomBytes(15).toString('hex');
    cert.validity.notBefore = new Date(now - 86_400_000);
    cert.validity.notAfter = new Date(now + 30 * 86_400_000);
    const subject = [{ name: 'commonName', value: cn }];
    cert.setSubject(subject);
    cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
    cert.setExtensions(
      ca
        ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
        : [
            { name: 'basicConstraints', cA: false },
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
            { name: 'extKeyUsage', serverAuth: true },
            { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
          ],
    );
    cert.sign(issuer?.key ?? key, forge.md.sha256.create());
    return { cert, key };
  };
  const ca = make(options.commonName ?? 'Lantern Test Web CA', null, true);
  const server = make('127.0.0.1', ca, false);
  return { caPem: forge.pki.certificateToPem(ca.cert), certPem: forge.pki.certificateToPem(server.cert), keyPem: forge.pki.privateKeyToPem(server.key) };
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
}

export interface StaticServerTroubles {
  /** Wait this long before answering (a slow server). */
  delayMs?: number;
  /** The next N requests answer 503. */
  fail5xx?: number;
  /** Each path named here is cut (connection destroyed) after this many body bytes, once. */
  cutOnce?: Map<string, number>;
  /** Serve this body for a path instead of the file (a replayed old pointer, a tampered file). */
  override?: Map<string, Buffer>;
  /** Honour Range whatever If-Range says (a server that ignores If-Range). */
  ignoreIfRange?: boolean;
  /** Send bodies chunked, without Content-Length. */
  chunked?: boolean;
  /** Answer these paths 302 to this location (an object store handing out its own URL). */
  redirect?: Map<string, string>;
}

export interface StaticServer {
  url: (name: string) => string;
  port: number;
  requests: Recorded[];
  troubles: StaticServerTroubles;
  stop(): Promise<void>;
}

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;

export async function startStaticServer(root: string, tls: TestTls): Promise<StaticServer> {
  const requests: Recorded[] = [];
  const troubles: StaticServerTroubles = {};
  const sockets = new Set<Duplex>();
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname).replace(/^\/+/, '');
    const answer = (status: number, headers: Record<string, string | number> = {}, body?: Buffer) => {
      requests.push({ method: req.method ?? 'GET', path: `/${name}`, headers: req.headers, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    // Decided when the request arrives, so that a slow answer still on its way to a client that gave up takes no failure meant for a later one.
    const failing = (troubles.fail5xx ?? 0) > 0;
    if (failing) troubles.fail5xx!--;
    const go = () => {
      if (failing) return answer(503, { 'content-type': 'text/plain' }, Buffer.from('busy'));
      const to = troubles.redirect?.get(name);
      if (to) return answer(302, { location: to });
      const file = path.join(root, name);
      let body: Buffer;
      let mtime: Date;
      try {
        if (name.includes('..') || !name) throw new Error('no');
        body = troubles.override?.get(name) ?? readFileSync(file);
        mtime = statSync(file).mtime;
      } catch {
        return answer(404);
      }
      const etag = etagOf(body);
      const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString();
      const common = { etag, 'last-modified': lastModified, 'accept-ranges': 'bytes' };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      if (inm ? inm === etag : ims ? Date.parse(ims) >= Date.parse(lastModified) : false) return answer(304, common);
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers['range'] ?? '');
      const ifRange = req.headers['if-range'];
      const rangeHolds = range && (troubles.ignoreIfRange || !ifRange || ifRange === etag || ifRange === lastModified);
      let status = 200;
      let slice = body;
      const headers: Record<string, string | number> = { ...common, 'content-type': 'application/octet-stream' };
      if (range && rangeHolds) {
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
        if (start >= body.length) return answer(416, { ...common, 'content-range': `bytes */${body.length}` });
        status = 206;
        slice = body.subarray(start, end + 1);
        headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
      }
      if (!troubles.chunked) headers['content-length'] = slice.length;
      requests.push({ method: req.method ?? 'GET', path: `/${name}`, headers: req.headers, status });
      const cut = troubles.cutOnce?.get(name);
      res.writeHead(status, headers);
      if (cut !== undefined && cut < slice.length) {
        troubles.cutOnce!.delete(name);
        res.write(slice.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.end(slice);
    };
    if (troubles.delayMs) setTimeout(go, troubles.delayMs);
    else go();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `https://127.0.0.1:${port}/${name}`,
    port,
    requests,
    troubles,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ConnectProxy {
  url: string;
  /** The CONNECT targets asked for, in order (host:port). */
  tunnels: string[];
  stop(): Promise<void>;
}

/** An HTTP proxy that only tunnels (CONNECT), as a hospital's proxy does for HTTPS. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Duplex>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface RecordedPut {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS endpoint that records every request with its body (the heartbeat PUT's receiver). */
export interface RecordingServer {
  url: string;
  tls: TestTls;
  requests: RecordedPut[];
  /** The status the next requests are answered with (default 204). */
  answer: { status: number };
  close(): Promise<void>;
}

export async function startRecordingServer(tls: TestTls = makeServerTls()): Promise<RecordingServer> {
  const requests: RecordedPut[] = [];
  const answer = { status: 204 };
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, tls, requests, answer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
