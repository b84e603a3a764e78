import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { readState } from '../../electron/core/home/layout';
import { describeFile, pointerTo } from '../../electron/core/publisher/pointer-file';
import { loadSigner } from '../../electron/core/publisher/publish';
import type { Manifest } from '../../electron/core/snapshot/manifest';
import { signPointer, type Pointer } from '../../electron/core/snapshot/pointer';
import { createHttpsSource, startHttpsAgent, type HttpsSourceOptions, type Timers } from '../../electron/core/sync/https';
import { environmentProxy } from '../../electron/core/sync/proxy';
import { makeServerTls, startConnectProxy, startStaticServer, type ConnectProxy, type StaticServer, type TestTls } from '../support/https-server';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

const clock = () => new Date(AS_OF.getTime() + 60_000);
const POINTER = 'GH-4W-pointer.json';

let pki: TestPki;
let tls: TestTls;
let work: string;
let www: string;
let server: StaticServer;
let proxy: ConnectProxy;
const built = new Map<number, { file: string; manifest: Manifest }>();
let minute = 0;

/** Snapshot `seq` and its pointer on the web server, as the publisher places them. */
async function publish(seq: number, edit: (p: Pointer) => void = () => {}): Promise<Buffer> {
  const { file, manifest } = built.get(seq)!;
  copyFileSync(file, path.join(www, path.basename(file)));
  const pointer = pointerTo(manifest, await describeFile(file, seq), new Date(AS_OF.getTime() + ++minute * 1000));
  edit(pointer);
  const bytes = signPointer(pointer, loadSigner(pki.publisher.certPem, pki.publisher.keyPem));
  writeFileSync(path.join(www, POINTER), bytes);
  return bytes;
}

function newHome(): string {
  const home = path.join(work, `home-${Math.random().toString(36).slice(2, 8)}`);
  enrollTestHome(home, pki);
  return home;
}

const source = (home: string, over: Partial<HttpsSourceOptions> = {}) =>
  createHttpsSource({ homeDir: home, url: server.url(POINTER), model: chartModel, clock, caBundle: tls.caPem, ...over });

/** What the workstation uses: the sequence and database in use (a bad case must change neither). */
const inUse = (home: string) => {
  const current = readState(home).current;
  return current ? { sequence: current.status.sequence, db: current.db } : null;
};
const snapshotGets = () => server.requests.filter((r) => r.path.endsWith('.lantern'));

beforeAll(async () => {
  pki = makeTestPki();
  tls = makeServerTls();
  work = tempDir('lantern-https-');
  www = path.join(work, 'www');
  mkdirSync(www);
  const { fhir, protocols } = writeTinyExport(path.join(work, 'export'));
  for (const seq of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const file = path.join(work, 'built', `GH-4W-${String(seq).padStart(10, '0')}.lantern`);
    mkdirSync(path.dirname(file), { recursive: true });
    // Sequence 7 is for the second workstation only: this one is no recipient of it.
    const manifest = await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence: seq, ...(seq === 7 ? { recipients: [pki.workstations[1]!.certPem] } : {}) });
    built.set(seq, { file, manifest });
  }
  server = await startStaticServer(www, tls);
  proxy = await startConnectProxy();
});

afterAll(async () => {
  await server?.stop();
  await proxy?.stop();
});

describe('the HTTPS source', () => {
  const home = () => shared;
  let shared: string;

  it('takes the snapshot the pointer names, then asks again with the validators and gets 304', async () => {
    shared = newHome();
    await publish(1);
    const s = source(home());
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 1, resumedFrom: 0 });
    expect(inUse(home())?.sequence).toBe(1);
    const before = server.requests.length;
    await expect(s.check()).resolves.toEqual({ kind: 'unchanged' });
    const asked = server.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ path: `/${POINTER}`, status: 304 });
    expect(asked[0]!.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/);
    expect(asked[0]!.headers['if-modified-since']).toBeTruthy();
    // Nothing is left in the home's download folder.
    expect(readdirSync(path.join(home(), 'incoming'))).toEqual([]);
    await s.close();
  });

  it('resumes a download cut mid-file with Range and If-Range, and keeps the copy in use until it is whole', async () => {
    const bytes = await publish(2);
    expect(bytes.length).toBeGreaterThan(0);
    const name = path.basename(built.get(2)!.file);
    const size = readFileSync(built.get(2)!.file).length;
    const cut = Math.floor(size / 2);
    server.troubles.cutOnce = new Map([[name, cut]]);
    const s = source(home());
    const was = inUse(home());
    await expect(s.check()).rejects.toThrow(/connection was cut after \d+ of \d+ bytes.*resumes/);
    expect(inUse(home())).toEqual(was);
    const before = server.requests.length;
    const outcome = await s.check();
    expect(outcome).toMatchObject({ kind: 'ingested', sequence: 2 });
    const resumed = server.requests.slice(before).find((r) => r.path === `/${name}`)!;
    expect(resumed.status).toBe(206);
    const from = Number(/^bytes=(\d+)-$/.exec(String(resumed.headers['range']))?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(cut);
    expect(outcome).toMatchObject({ resumedFrom: from });
    expect(resumed.headers['if-range']).toMatch(/^"[0-9a-f]+"$/);
    expect(inUse(home())?.sequence).toBe(2);
    await s.close();
  });

  it('shows a 5xx, changes nothing, and takes the snapshot once the server answers again', async () => {
    await publish(3);
    server.troubles.fail5xx = 1;
    const s = source(home());
    const was = inUse(home());
    await expect(s.check()).rejects.toThrow(/answered HTTP 503 for https:\/\/127\.0\.0\.1:\d+\/GH-4W-pointer\.json/);
    expect(inUse(home())).toEqual(was);
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 3 });
    await s.close();
  });

  it('refuses a replayed old pointer, and an old sequence signed again, without downloading anything', async () => {
    const old = readFileSync(path.join(www, POINTER));
    await publish(4);
    const s = source(home());
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 4 });
    const was = inUse(home());
    const gets = snapshotGets().length;
    // The pointer of sequence 3, served again (a stale cache, or someone holding the workstation back).
    server.troubles.override = new Map([[POINTER, old]]);
    await expect(s.check()).rejects.toThrow(/Pointer refused \(REPLAYED\): issued .* before the pointer taken earlier/);
    // Sequence 2's pointer, signed anew (a newer issuedAt) by a publisher that went back.
    server.troubles.override = new Map([[POINTER, await publish(2)]]);
    await expect(s.check()).rejects.toThrow(/Pointer refused \(STALE\): it names sequence 2, and this workstation already took 4/);
    server.troubles.override = undefined;
    expect(inUse(home())).toEqual(was);
    expect(snapshotGets().length).toBe(gets);
    await s.close();
  });

  it('refuses a pointer whose signature does not verify, or that has expired', async () => {
    const s = source(home());
    const good = await publish(5);
    const envelope = JSON.parse(good.toString('utf8')) as { signed: string };
    envelope.signed = envelope.signed.replace('"sequence":5', '"sequence":6');
    server.troubles.override = new Map([[POINTER, Buffer.from(JSON.stringify(envelope))]]);
    const was = inUse(home());
    await expect(s.check()).rejects.toThrow(/Pointer refused \(BAD_SIGNATURE\)/);
    server.troubles.override = undefined;
    await publish(5, (p) => (p.expiresAt = new Date(clock().getTime() - 1000).toISOString()));
    await expect(s.check()).rejects.toThrow(/Pointer refused \(EXPIRED\)/);
    // Signed by the home's publisher, but for another facility's or unit's workstations.
    await publish(5, (p) => (p.facility.id = 'OTHER'));
    await expect(s.check()).rejects.toThrow(/Pointer refused \(WRONG_FACILITY\): it is for facility "OTHER"/);
    await publish(5, (p) => (p.units = ['5E']));
    await expect(s.check()).rejects.toThrow(/Pointer refused \(WRONG_UNITS\): units 5E are not this home's/);
    expect(inUse(home())).toEqual(was);
    await s.close();
  });

  it('never downloads more than the pointer says, and drops a file whose SHA-256 differs', async () => {
    const s = source(home());
    const was = inUse(home());
    // The pointer promises 100 bytes fewer than the file holds.
    await publish(5, (p) => (p.full.bytes -= 100));
    await expect(s.check()).rejects.toThrow(/has \d+ bytes at .*, the pointer says \d+: the file and its pointer do not match/);
    // The same without a Content-Length: the download is cut off at the pointer's size.
    server.troubles.chunked = true;
    await expect(s.check()).rejects.toThrow(/sent more than the \d+ bytes the pointer gives/);
    server.troubles.chunked = false;
    await publish(5, (p) => (p.full.sha256 = 'f'.repeat(64)));
    await expect(s.check()).rejects.toThrow(/does not have the SHA-256 its pointer gives; it was dropped/);
    expect(inUse(home())).toEqual(was);
    expect(readdirSync(path.join(home(), 'incoming'))).toEqual([]);
    await publish(5);
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 5 });
    await s.close();
  });

  it('starts over when the server cannot resume (416) because the file changed under the same name', async () => {
    const s = source(home());
    const { file } = built.get(6)!;
    const name = path.basename(file);
    await publish(6);
    const size = readFileSync(file).length;
    server.troubles.cutOnce = new Map([[name, size - 10]]);
    await expect(s.check()).rejects.toThrow(/cut after/);
    // The publisher rewrote the file (shorter) and the server ignores If-Range: the range is past its end.
    writeFileSync(path.join(www, name), readFileSync(file).subarray(0, size - 20));
    server.troubles.ignoreIfRange = true;
    await expect(s.check()).rejects.toThrow(/refused to resume .* \(HTTP 416\)/);
    expect(server.requests.at(-1)).toMatchObject({ status: 416 });
    server.troubles.ignoreIfRange = false;
    copyFileSync(file, path.join(www, name));
    const before = server.requests.length;
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 6, resumedFrom: 0 });
    expect(server.requests.slice(before).find((r) => r.path === `/${name}`)?.headers['range']).toBeUndefined();
    await s.close();
  });

  it('does not download again a snapshot the ingest refused, and says why at every check', async () => {
    const s = source(home());
    await publish(7);
    const was = inUse(home());
    await expect(s.check()).rejects.toThrow(/Snapshot refused \(NOT_RECIPIENT\)/);
    const gets = snapshotGets().length;
    await expect(s.check()).resolves.toMatchObject({ kind: 'refused', message: expect.stringMatching(/NOT_RECIPIENT/) });
    expect(snapshotGets().length).toBe(gets);
    expect(inUse(home())).toEqual(was);
    await s.close();
  });

  it('keeps a checked download through a local failure of the ingest, and takes it at the next check without fetching it again', async () => {
    const fresh = newHome();
    await publish(8);
    let fail = true;
    const s = source(fresh, {
      ingest: async (dir, file, options) => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        return ingestSnapshot(dir, file, options);
      },
    });
    await expect(s.check()).rejects.toThrow(/no space/);
    expect(inUse(fresh)).toBeNull();
    expect(readdirSync(path.join(fresh, 'incoming'))).toEqual([path.basename(built.get(8)!.file)]);
    const gets = snapshotGets().length;
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 8 });
    expect(snapshotGets().length).toBe(gets);
    await s.close();
  });

  it('follows a redirect to https://, never to plain http://', async () => {
    const fresh = newHome();
    await publish(8);
    const name = path.basename(built.get(8)!.file);
    copyFileSync(built.get(8)!.file, path.join(www, 'store-copy.lantern'));
    server.troubles.redirect = new Map([[name, 'http://127.0.0.1:1/elsewhere.lantern']]);
    const s = source(fresh);
    await expect(s.check()).rejects.toThrow(/redirected .* to a plain http:\/\/ address/);
    server.troubles.redirect = new Map([[name, '/store-copy.lantern']]);
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 8 });
    server.troubles.redirect = undefined;
    expect(server.requests.some((r) => r.path === '/store-copy.lantern' && r.status === 200)).toBe(true);
    await s.close();
  });

  it('times out a server that does not answer, and reads it when it does', async () => {
    const fresh = newHome();
    await publish(8);
    server.troubles.delayMs = 1500;
    const s = source(fresh, { readTimeoutMs: 300 });
    await expect(s.check()).rejects.toThrow(/stopped answering \(read timed out\)/);
    expect(inUse(fresh)).toBeNull();
    server.troubles.delayMs = 0;
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 8 });
    await s.close();
  });

  it('refuses a server certificate from a CA it was not given, naming the fix', async () => {
    const s = source(newHome(), { caBundle: null });
    await expect(s.check()).rejects.toThrow(/was not trusted: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)\. Give the policy's source\.caBundle/);
    await s.close();
  });

  it('goes through the proxy HTTPS_PROXY names (CONNECT), unless NO_PROXY exempts the host', async () => {
    const fresh = newHome();
    const s = source(fresh, { proxy: environmentProxy({ HTTPS_PROXY: proxy.url }) });
    await expect(s.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 8 });
    expect(proxy.tunnels).toContain(`127.0.0.1:${server.port}`);
    await s.close();
    const tunnels = proxy.tunnels.length;
    const direct = source(newHome(), { proxy: environmentProxy({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }) });
    await expect(direct.check()).resolves.toMatchObject({ kind: 'ingested', sequence: 8 });
    expect(proxy.tunnels.length).toBe(tunnels);
    await direct.close();
  });
});

describe('the HTTPS agent’s schedule', () => {
  /** Timers the test runs by hand: what was asked to wait, and how long. */
  function fakeTimers() {
    const waits: number[] = [];
    let next = 1;
    const timers: Timers = {
      set: (_fn, ms) => {
        waits.push(ms);
        return next++;
      },
      clear: () => {},
    };
    return { timers, waits };
  }

  it('backs off while the server is down (doubling, capped, in the upper half at random), then returns to its interval with jitter', async () => {
    const home = newHome();
    await publish(8);
    const { timers, waits } = fakeTimers();
    let r = 1;
    const agent = startHttpsAgent({
      homeDir: home,
      url: server.url(POINTER),
      model: chartModel,
      clock,
      caBundle: tls.caPem,
      intervalMs: 60_000,
      backoffFirstMs: 10_000,
      backoffMaxMs: 120_000,
      timers,
      random: () => r,
    });
    // The first check is within the first few seconds, at random.
    expect(waits[0]).toBeLessThanOrEqual(5000);
    server.troubles.fail5xx = 6;
    for (let i = 0; i < 6; i++) await agent.checkNow();
    // random() = 1: the top of each window: 10, 20, 40, 80 s, then the cap.
    expect(waits.slice(1)).toEqual([10_000, 20_000, 40_000, 80_000, 120_000, 120_000]);
    const down = agent.status();
    expect(down.lastProblem?.message).toMatch(/HTTP 503/);
    expect(down.sequence).toBeNull();
    expect(Date.parse(down.nextCheckAt!)).toBe(clock().getTime() + 120_000);
    // Back: the snapshot is taken, the problem cleared, the interval moved by the jitter (±20 %).
    r = 0;
    await agent.checkNow();
    expect(waits.at(-1)).toBe(48_000);
    const up = agent.status();
    expect(up).toMatchObject({ sequence: 8, dataAsOf: built.get(8)!.manifest.createdAt, lastProblem: null });
    r = 0.5;
    await agent.checkNow();
    expect(waits.at(-1)).toBe(60_000);
    // A failure again starts from the first wait, at the bottom of its window with random() = 0.
    server.troubles.fail5xx = 1;
    r = 0;
    await agent.checkNow();
    expect(waits.at(-1)).toBe(5_000);
    await agent.close();
    expect(agent.status().nextCheckAt).toBeNull();
    const log = readFileSync(path.join(home, 'lantern.log'), 'utf8');
    expect(log).toMatch(/"event":"polling"/);
    expect(log).toMatch(/"event":"ingested".*"by":"https"/);
    // One line for each outage (six checks, then one), not one per check.
    expect(log.match(/HTTP 503/g)?.length).toBe(2);
    expect(existsSync(path.join(home, 'source.json'))).toBe(true);
  });

  it('checks a refused pointer again at the interval (the server is up), showing the refusal in the status and the home', async () => {
    const home = newHome();
    const { timers, waits } = fakeTimers();
    const expired = await publish(8, (p) => (p.expiresAt = new Date(clock().getTime() - 1).toISOString()));
    server.troubles.override = new Map([[POINTER, expired]]);
    const agent = startHttpsAgent({ homeDir: home, url: server.url(POINTER), model: chartModel, clock, caBundle: tls.caPem, intervalMs: 60_000, timers, random: () => 0.5 });
    await agent.checkNow();
    await agent.checkNow();
    server.troubles.override = undefined;
    expect(waits.slice(1)).toEqual([60_000, 60_000]);
    expect(agent.status().lastProblem?.message).toMatch(/Pointer refused \(EXPIRED\)/);
    expect(readState(home).lastRejection).toMatchObject({ file: POINTER, code: 'POINTER_EXPIRED' });
    await agent.close();
  });
});
