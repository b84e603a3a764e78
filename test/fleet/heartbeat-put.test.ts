import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeartbeat, checkHeartbeat, putHeartbeat, signHeartbeat, startHeartbeat } from '../../electron/core/home/heartbeat';
import { startHeartbeatReceiver } from '../../electron/core/home/fleet-receiver';
import { readFleet } from '../../electron/core/home/fleet';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { homePath, readIdentity } from '../../electron/core/home/layout';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import { makeServerTls, startRecordingServer, type RecordingServer } from '../support/https-server';
import { enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

let server: RecordingServer;
let pki: TestPki;
let home: string;

beforeAll(async () => {
  server = await startRecordingServer();
  pki = makeTestPki({ workstations: 1, now: new Date() });
  home = path.join(tempDir('lantern-put-'), 'home');
  enrollTestHome(home, pki, { now: new Date() });
});
afterAll(() => server.close());

describe('the heartbeat over HTTPS', () => {
  it("PUTs the signed heartbeat to URL/STATION.heartbeat.json, trusting the policy's CA file", async () => {
    const caBundle = path.join(tempDir('lantern-ca-'), 'tls-ca.pem');
    writeFileSync(caBundle, server.tls.caPem);
    const agent = startHeartbeat({ homeDir: home, config: { url: `${server.url}/lantern/heartbeats`, caBundle, stationId: 'ws-4w-1' }, appVersion: '1.2.3' });
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
      await expect(putHeartbeat(server.url, 'ws-1', '{}', { ca: server.tls.caPem })).rejects.toThrow(
        `The heartbeat server answered 503 to PUT ${server.url}/ws-1.heartbeat.json.`,
      );
    } finally {
      server.answer.status = 204;
    }
    // Without the CA file, Node's public CA list does not know the hospital's CA.
    await expect(putHeartbeat(server.url, 'ws-1', '{}')).rejects.toThrow(/could not be sent to .* \(.*\): check the address, the network and the server's certificate \(heartbeat\.caBundle\)\./);
    await expect(putHeartbeat(server.url.replace('https:', 'http:'), 'ws-1', '{}')).rejects.toThrow(/is not an https:\/\/ address/);
    // A CA file that is not there fails this target, not the station's heartbeat nor its start.
    const agent = startHeartbeat({ homeDir: home, config: { url: server.url, caBundle: '/nonexistent/ca.pem', stationId: 'ws-1' }, appVersion: '1.2.3' });
    try {
      expect(await agent.beat()).toEqual([
        { target: 'home', ok: true },
        { target: 'url', ok: false, problem: "The heartbeat server's CA file /nonexistent/ca.pem (heartbeat.caBundle) cannot be read." },
      ]);
    } finally {
      agent.close();
    }
  });
});

describe('lantern fleet receive (the receiving end)', () => {
  it('stores each verified heartbeat under its station, and refuses what does not verify or names another station', async () => {
    const tls = makeServerTls();
    const dir = tempDir('lantern-received-');
    const lines: string[] = [];
    const receiver = await startHeartbeatReceiver({ dir, anchors: certificatesFromPem(pki.ca.certPem), tls: { cert: tls.certPem, key: tls.keyPem }, host: '127.0.0.1', port: 0, log: (l) => lines.push(l) });
    try {
      const hb = buildHeartbeat({ homeDir: home, station: 'ws-recv', intervalMinutes: 15, appVersion: '0.1.0', now: new Date() });
      const text = signHeartbeat(hb, readIdentity(home, keyFileProtector(home)));
      await putHeartbeat(`${receiver.url}/beats`, 'ws-recv', text, { ca: tls.caPem });
      expect(readFileSync(path.join(dir, 'ws-recv.heartbeat.json'), 'utf8')).toBe(text);
      expect(readFleet(dir, certificatesFromPem(pki.ca.certPem), new Date()).stations.map((s) => [s.station, s.state])).toEqual([['ws-recv', 'expired']]);

      const tampered = JSON.parse(text) as { heartbeat: { appVersion: string } };
      tampered.heartbeat.appVersion = '6.6.6';
      await expect(putHeartbeat(receiver.url, 'ws-recv', JSON.stringify(tampered), { ca: tls.caPem })).rejects.toThrow(/answered 403/);
      await expect(putHeartbeat(receiver.url, 'ws-other', text, { ca: tls.caPem })).rejects.toThrow(/answered 403/);
      await expect(putHeartbeat(receiver.url, 'ws-big', ' '.repeat(70_000), { ca: tls.caPem })).rejects.toThrow(/answered 413|could not be sent/);
      expect(lines.filter((l) => l.startsWith('403'))).toEqual([
        expect.stringMatching(/^403 PUT \/ws-recv\.heartbeat\.json: Heartbeat refused: its signature does not verify/),
        '403 PUT /ws-other.heartbeat.json: Heartbeat refused: it is signed for station ws-recv, not ws-other.',
      ]);
      // Nothing refused was written, and the good one is still the one there.
      expect(readdirSync(dir)).toEqual(['ws-recv.heartbeat.json']);
      expect(readFileSync(path.join(dir, 'ws-recv.heartbeat.json'), 'utf8')).toBe(text);
    } finally {
      await receiver.close();
    }
  });
});
