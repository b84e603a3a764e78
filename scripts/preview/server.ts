import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { SECURITY_HEADERS } from '../../electron/shared/csp';
import { createHandlers } from '../../electron/core/api/handlers';
import { dispatch } from '../../electron/core/api/dispatch';
import { readAppFile } from '../../electron/core/files/static';
import type { ApiContext } from '../../electron/core/api/handlers';
import { ROOT } from '../build/build';

export interface PreviewOptions {
  context: ApiContext;
  /** The home in use: unexpected failures go to its lantern.log, as in the app. */
  homeDir?: string | null;
  rendererDir?: string;
  port?: number;
}

export interface PreviewServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const BRIDGE_PATH = '/preview-bridge.js';

async function buildBridge(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'scripts/preview/bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Stop keeping it, but drain it so the client gets the 413 instead of a reset.
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/**
 * Serve the built renderer and answer the IPC contract over 127.0.0.1 with the same handler
 * table the desktop app registers. A development and test tool; never packaged.
 */
export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const rendererDir = options.rendererDir ?? path.join(ROOT, 'dist/renderer');
  const token = randomBytes(24).toString('base64url');
  const handlers = createHandlers(options.context);
  const bridge = await buildBridge();
  let origin = '';

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, status: number, value: unknown) =>
    send(res, status, 'application/json', JSON.stringify(value));

  const server = http.createServer((req, res) => {
    void (async () => {
      // Only this exact origin: defeats DNS rebinding and cross-site requests.
      if (req.headers.host !== origin.slice('http://'.length)) return send(res, 421, 'text/plain', 'Wrong host');
      const url = new URL(req.url ?? '/', origin);

      if (url.pathname.startsWith('/ipc/')) {
        if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'POST only.' } });
        if (req.headers.origin !== undefined && req.headers.origin !== origin) {
          return sendJson(res, 403, { ok: false, error: { code: 'FORBIDDEN', message: 'Wrong origin.' } });
        }
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token)) {
          return sendJson(res, 401, { ok: false, error: { code: 'FORBIDDEN', message: 'Missing or wrong preview token.' } });
        }
        const body = await readBody(req);
        if (body === null) return sendJson(res, 413, { ok: false, error: { code: 'BAD_REQUEST', message: 'Request too large.' } });
        let input: unknown;
        try {
          input = body === '' ? {} : JSON.parse(body);
        } catch {
          return sendJson(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: 'Request is not JSON.' } });
        }
        const channel = decodeURIComponent(url.pathname.slice('/ipc/'.length));
        return sendJson(res, 200, await dispatch(handlers, channel, input, { checkResponses: true, homeDir: options.homeDir }));
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only');
      if (url.pathname === BRIDGE_PATH) return send(res, 200, 'text/javascript; charset=utf-8', bridge);
      const file = await readAppFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
      if (!file) return send(res, 404, 'text/plain', 'Not found');
      if (file.contentType.startsWith('text/html')) {
        // The bridge must define window.lantern before the app's module script runs.
        const html = file.body.toString('utf8').replace('<head>', `<head><script src="${BRIDGE_PATH}"></script>`);
        return send(res, 200, file.contentType, html);
      }
      return send(res, 200, file.contentType, file.body);
    })().catch(() => send(res, 500, 'text/plain', 'Preview server error'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
