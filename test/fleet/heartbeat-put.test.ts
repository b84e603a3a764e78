import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHeartbeat, putHeartbeat, startHeartbeat } from '../../electron/core/home/heartbeat';
import { homePath } from '../../electron/core/home/layout';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import { startHttpsServer, type TestHttpsServer } from '../support/https-server';
import { enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

let server: TestHttpsServer;
let pki: TestPki;
let home: string;

beforeAll(async () => {
  server = await startHttpsServer();
  pki = makeTestPki({ workstations: 1, now: new Date() });
  home = path.join(tempDir('lantern-put-'), 'home');
  enrollTestHome(home, pki, { now: new Date() });
});
afterAll(() => server.close());

describe('the heartbeat over HTTPS', () => {
  it("PUTs the signed heartbeat to URL/STATION.heartbeat.json, trusting the policy's CA file", async () => {
    const caFile = path.join(tempDir('lantern-ca-'), 'tls-ca.pem');
    writeFileSync(caFile, server.ca.certPem);
    const agent = startHeartbeat({ homeDir: home, config: { url: `${server.url}/lantern/heartbeats`, caFile, stationId: 'ws-4w-1' }, appVersion: '1.2.3' });
    try {
      const deliveries = await agent.beat();
      expect(deliveries).toEqual([
        { target: 'home', ok: true },
        { target: 'url', ok: true },
      ]);
    } finally {
      agent.close();
    }
    const put = server.requests.at(-1)!;
    expect([put.method, put.path, put.headers['content-type']]).toEqual(['PUT', '/lantern/heartbeats/ws-4w-1.heartbeat.json', 'application/json']);
    const check = checkHeartbeat(put.body, certificatesFromPem(pki.ca.certPem), new Date());
    expect(check.trusted && [check.heartbeat.station, check.heartbeat.appVersion, check.heartbeat.snapshot]).toEqual(['ws-4w-1', '1.2.3', null]);
    expect(put.body).toBe(readFileSync(homePath(home, 'heartbeat'), 'utf8'));
  });

  it("says in a sentence when the server answers an error, or its certificate is not trusted", async () => {
    server.answer.status = 503;
    try {
      await expect(putHeartbeat(server.url, 'ws-1', '{}', { ca: server.ca.certPem })).rejects.toThrow(
        `The heartbeat server answered 503 to PUT ${server.url}/ws-1.heartbeat.json.`,
      );
    } finally {
      server.answer.status = 204;
    }
    // Without the CA file, Node's public CA list does not know the hospital's CA.
    await expect(putHeartbeat(server.url, 'ws-1', '{}')).rejects.toThrow(/could not be sent to .* \(.*\): check the address, the network and the server's certificate \(heartbeat\.caFile\)\./);
    await expect(putHeartbeat(server.url.replace('https:', 'http:'), 'ws-1', '{}')).rejects.toThrow(/is not an https:\/\/ address/);
  });
});
