import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkstation } from '../../electron/core/workstation';
import { startPreviewServer, type PreviewServer } from '../../scripts/preview/server';
import { chartModel } from '../../electron/core/chart';

describe('preview server', () => {
  let server: PreviewServer;
  let base: string;
  let token: string;

  beforeAll(async () => {
    const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-renderer-'));
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head></html>');
    const context = openWorkstation({ model: chartModel, shell: 'preview', version: 't', homeDir: null, demo: true });
    server = await startPreviewServer({ context, rendererDir });
    base = server.url.split('#')[0]!.replace(/\/$/, '');
    token = new URLSearchParams(server.url.split('#')[1]).get('token')!;
  });
  afterAll(() => server.close());

  const ipc = (channel: string, init: RequestInit = {}) =>
    fetch(`${base}/ipc/${channel}`, { method: 'POST', body: '{}', ...init });

  it('listens on 127.0.0.1 only and prints a URL carrying a random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
  });

  it('answers the contract with the token, and refuses without it or with a wrong one', async () => {
    const good = await ipc('status', { headers: { Authorization: `Bearer ${token}` } });
    expect(await good.json()).toMatchObject({ ok: true, value: { demo: true, snapshot: null } });
    expect((await ipc('status')).status).toBe(401);
    expect((await ipc('status', { headers: { Authorization: `Bearer ${token.slice(1)}x` } })).status).toBe(401);
  });

  it('refuses another origin, another Host, GET on IPC, and oversized bodies', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    expect((await ipc('status', { headers: { ...auth, Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${base}/ipc/status`, { headers: auth })).status).toBe(405);
    expect((await ipc('search', { headers: auth, body: JSON.stringify({ text: 'x'.repeat(100_000) }) })).status).toBe(413);
    const rebinding = await new Promise<number>((resolve) => {
      const port = new URL(base).port;
      void import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: `evil.example:${port}` } }, (res) =>
          resolve(res.statusCode ?? 0),
        );
        req.end();
      });
    });
    expect(rebinding).toBe(421);
  });

  it('injects the bridge before the app and serves nothing outside the renderer folder', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('<head><script src="/preview-bridge.js"></script>');
    expect((await fetch(`${base}/preview-bridge.js`)).status).toBe(200);
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });
});
