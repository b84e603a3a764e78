import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../electron/core/home/layout';
import { verifyPointer } from '../../electron/core/snapshot/pointer';
import { runCli } from '../support/cli';
import { makeServerTls, startStaticServer, type StaticServer } from '../support/https-server';
import { enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';

let pki: TestPki;
let work: string;
let www: string;
let server: StaticServer;
let caBundle: string;

beforeAll(async () => {
  // The PKI is valid around the real clock: the CLI runs on it.
  pki = makeTestPki({ now: new Date() });
  work = tempDir('lantern-watch-url-');
  www = path.join(work, 'www');
  mkdirSync(www);
  const tls = makeServerTls();
  caBundle = path.join(work, 'web-ca.pem');
  writeFileSync(caBundle, tls.caPem);
  server = await startStaticServer(www, tls);
});

afterAll(async () => {
  await server?.stop();
});

const publishArgs = (out: string, extra: string[] = []) => {
  const { fhir } = writeTinyExport(path.join(work, 'export'));
  return ['publish', '--fhir', fhir, '--cert', pki.files.publisherCert, '--key', pki.files.publisherKey, '--recipient', pki.files.workstationCert(0), '--facility', 'GH', '--unit', '4W', '--sequence', '41', '--as-of', new Date(Date.now() - 60_000).toISOString(), '--out', out, ...extra];
};

describe('lantern publish --pointer and lantern watch --url', () => {
  it('publish writes the signed pointer beside the snapshot, and only beside it', async () => {
    const out = path.join(www, 'GH-4W-0000000041.lantern');
    const wrong = await runCli(publishArgs(out, ['--pointer', path.join(work, 'elsewhere.json')]));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/--pointer must be in the same folder as --out/);
    const result = await runCli(publishArgs(out, ['--pointer', path.join(www, 'GH-4W-pointer.json')]));
    expect(result.code).toBe(0);
    const pointer = verifyPointer(readFileSync(path.join(www, 'GH-4W-pointer.json')), [new X509Certificate(pki.ca.certPem)], new Date());
    expect(pointer).toMatchObject({ sequence: 41, facility: { id: 'GH' }, units: ['4W'], full: { file: 'GH-4W-0000000041.lantern', bytes: readFileSync(out).length } });
  });

  it('watch --url takes the snapshot the pointer names, and stops on a signal', async () => {
    const home = path.join(work, 'home');
    enrollTestHome(home, pki, { now: new Date() });
    const running = runCli(['watch', '--home', home, '--url', server.url('GH-4W-pointer.json'), '--ca', caBundle, '--interval', '10']);
    const end = Date.now() + 20_000;
    while (readState(home).current?.status.sequence !== 41) {
      if (Date.now() > end) throw new Error('the snapshot was not taken within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/polling https:\/\/127\.0\.0\.1:\d+\/GH-4W-pointer\.json every 10 s/);
    expect(result.out).toMatch(/ingested GH-4W-0000000041\.lantern from .*: sequence 41/);
    expect(result.out).toMatch(/stopped$/);
  });

  it('watch says what is missing or wrong in one sentence (exit 2)', async () => {
    const home = path.join(work, 'home');
    expect(await runCli(['watch', '--home', home])).toMatchObject({ code: 2, err: expect.stringMatching(/Give --inbox DIR, --url URL, or both/) });
    expect(await runCli(['watch', '--home', home, '--url', 'http://127.0.0.1/p.json'])).toMatchObject({ code: 2, err: expect.stringMatching(/is not an https:\/\/ URL/) });
    expect(await runCli(['watch', '--home', home, '--url', server.url('p.json'), '--interval', '2'])).toMatchObject({ code: 2, err: expect.stringMatching(/--interval must be a whole number from 10/) });
  });
});

