import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollHome } from '../../electron/core/home/enroll';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readConfig } from '../../electron/core/home/layout';
import {
  ANY_EXTENDED_KEY_USAGE,
  LANTERN_PUBLISHER_EKU,
  extendedKeyUsage,
  fingerprint,
  parsePublisherPin,
  type PublisherPin,
} from '../../electron/core/snapshot/pki/certs';
import { issueCertificate, type IssueOptions, type KeyAndCert } from '../../electron/core/snapshot/pki/throwaway';
import { PublishError } from '../../electron/core/publisher/publish';
import { SnapshotRefusal } from '../../electron/core/snapshot/refusal';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { main } from '../../scripts/cli/main';
import { REPO_ROOT } from '../support/fixtures';
import {
  AS_OF,
  DAY_MS,
  buildSnapshot,
  enrollTestHome,
  homeFingerprint,
  makeTestPki,
  resignSnapshot,
  tempDir,
  writeTinyExport,
  type TestPki,
} from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

const clock = () => new Date(AS_OF.getTime() + 60_000);
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

let pki: TestPki;
let work: string;
let fhir: string;
let sequence = 0;

beforeAll(() => {
  pki = makeTestPki();
  work = tempDir('lantern-publishers-');
  ({ fhir } = writeTinyExport(path.join(work, 'export')));
});

const issue = (commonName: string, options: Partial<IssueOptions> = {}): KeyAndCert =>
  issueCertificate({
    commonName,
    issuer: pki.ca,
    usage: ['digitalSignature'],
    purposes: [LANTERN_PUBLISHER_EKU],
    notBefore: new Date(AS_OF.getTime() - DAY_MS),
    notAfter: new Date(AS_OF.getTime() + 30 * DAY_MS),
    ...options,
  });

/** A snapshot signed by `signer` (its chain: the certificate, then `intermediates`), with the next sequence number. */
async function snapshotBy(signer: KeyAndCert, intermediates: KeyAndCert[] = []): Promise<string> {
  sequence++;
  const out = path.join(work, `s${sequence}.lantern`);
  await buildSnapshot({ pki, out, fhirDir: fhir, sequence, certPem: [signer, ...intermediates].map((c) => c.certPem).join(''), keyPem: signer.keyPem });
  return out;
}

async function refusal(home: string, file: string): Promise<SnapshotRefusal> {
  const before = homeFingerprint(home);
  try {
    await ingestSnapshot(home, file, { model: chartModel, clock });
  } catch (error) {
    if (!(error instanceof SnapshotRefusal)) throw error;
    expect(homeFingerprint(home)).toBe(before);
    return error;
  }
  throw new Error('the snapshot was accepted');
}

const accepted = async (home: string, file: string) => (await ingestSnapshot(home, file, { model: chartModel, clock })).record.status.sequence;

describe('the Lantern publisher purpose', () => {
  it('the throwaway PKI gives the publisher the purpose and workstations none; Node (OpenSSL) reads the same purposes', () => {
    const publisher = new X509Certificate(pki.publisher.certPem);
    const workstation = new X509Certificate(pki.workstations[0]!.certPem);
    expect(extendedKeyUsage(publisher)).toEqual([LANTERN_PUBLISHER_EKU]);
    expect(extendedKeyUsage(workstation)).toBeNull();
    expect(workstation.keyUsage).toBeUndefined();
    // Arcs of any size, as OpenSSL reads them (node-forge's own reader stops at 53 bits).
    const mixed = new X509Certificate(issue('Mixed', { purposes: ['2.25.285089203404112262554101195954900487074', SERVER_AUTH, LANTERN_PUBLISHER_EKU] }).certPem);
    expect(extendedKeyUsage(mixed)).toEqual(mixed.keyUsage);
    expect(extendedKeyUsage(publisher)).toEqual(publisher.keyUsage);
  });

  it('accepts a publisher certificate the anchor issued with the purpose, among other purposes too', async () => {
    const home = path.join(work, 'home-accept');
    enrollTestHome(home, pki);
    expect(await accepted(home, await snapshotBy(pki.publisher))).toBe(sequence);
    expect(await accepted(home, await snapshotBy(issue('Dual Use', { purposes: [SERVER_AUTH, LANTERN_PUBLISHER_EKU] })))).toBe(sequence);
  });

  it('lantern publish will not sign with a certificate without the purpose', async () => {
    const tls = issue('ehr.example', { purposes: [SERVER_AUTH] });
    const none = issue('Plain Signer', { purposes: undefined });
    await expect(snapshotBy(tls)).rejects.toThrow(PublishError);
    await expect(snapshotBy(tls)).rejects.toThrow(/"ehr\.example" is for serverAuth, not the Lantern publisher purpose/);
    await expect(snapshotBy(none)).rejects.toThrow(/"Plain Signer" lacks the Lantern publisher purpose/);
  });

  it('takes publishers under an intermediate CA unless the intermediate\'s own purposes leave Lantern out', async () => {
    const home = path.join(work, 'home-intermediate');
    enrollTestHome(home, pki);
    const intermediate = (name: string, purposes?: string[]) =>
      issue(name, { ca: true, usage: ['keyCertSign', 'cRLSign'], purposes });
    const under = (ca: KeyAndCert) => issue(`Publisher under ${ca.name}`, { issuer: ca });
    for (const ca of [intermediate('Open CA'), intermediate('Any CA', [ANY_EXTENDED_KEY_USAGE]), intermediate('Lantern CA', [LANTERN_PUBLISHER_EKU])]) {
      expect(await accepted(home, await snapshotBy(under(ca), [ca]))).toBe(sequence);
    }
    const tlsOnly = intermediate('TLS CA', [SERVER_AUTH, CLIENT_AUTH]);
    const refused = await refusal(home, await snapshotBy(under(tlsOnly), [tlsOnly]));
    expect(refused.code).toBe('CERT_USAGE');
    expect(refused.message).toContain('issuing CA "TLS CA" is limited to serverAuth, clientAuth, which leaves out the Lantern publisher purpose');
  });

  it('lets IT issue a publisher certificate with the OpenSSL recipe of docs/PKI.md', async () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/PKI.md'), 'utf8');
    const script = /<!-- openssl-publisher -->\n```sh\n([\s\S]+?)```/.exec(doc)?.[1];
    expect(script).toBeTruthy();
    expect(script).toContain(LANTERN_PUBLISHER_EKU);
    const dir = tempDir('lantern-recipe-');
    writeFileSync(path.join(dir, 'ca.pem'), pki.ca.certPem);
    writeFileSync(path.join(dir, 'ca.key'), pki.ca.keyPem);
    const run = spawnSync('bash', ['-e', '-c', script!], { cwd: dir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Digital Signature');
    expect(run.stdout).toContain(LANTERN_PUBLISHER_EKU);
    const home = path.join(work, 'home-recipe');
    enrollTestHome(home, pki);
    const publisher = { name: 'Lantern Publisher', certPem: readFileSync(path.join(dir, 'publisher.pem'), 'utf8'), keyPem: readFileSync(path.join(dir, 'publisher.key'), 'utf8') };
    // The recipe's certificate is valid from now; the test clock is AS_OF.
    const now = new Date();
    sequence++;
    const out = path.join(work, `recipe-${sequence}.lantern`);
    await buildSnapshot({ pki, out, fhirDir: fhir, sequence, certPem: publisher.certPem, keyPem: publisher.keyPem, asOf: now, now });
    const result = await ingestSnapshot(home, out, { model: chartModel, clock: () => new Date(now.getTime() + 1000) });
    expect(result.record.status.sequence).toBe(sequence);
  });
});

describe('publisher pins', () => {
  const backup = () => issue('Backup Publisher');

  it('reads a pin as a SHA-256 fingerprint (as openssl prints it) or else as a subject CN', () => {
    const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pki.publisher.certPem, encoding: 'utf8' }).trim();
    const print = fingerprint(new X509Certificate(pki.publisher.certPem));
    expect(parsePublisherPin(printed)).toEqual({ fingerprint: print });
    expect(parsePublisherPin(print.toUpperCase())).toEqual({ fingerprint: print });
    expect(parsePublisherPin(' Lantern Test Publisher ')).toEqual({ subject: 'Lantern Test Publisher' });
    expect(parsePublisherPin('   ')).toBeNull();
  });

  it('a home pinned by fingerprint or by subject takes only those publishers; re-enrolling keeps the pins until they are dropped', async () => {
    const home = path.join(work, 'home-pinned');
    const enroll = (publishers?: PublisherPin[] | null) =>
      enrollHome({
        dir: home, trust: [pki.ca.certPem], certPem: pki.workstations[0]!.certPem, keyPem: pki.workstations[0]!.keyPem,
        protector: keyFileProtector(home, { create: true }), facility: 'GH', units: ['4W'], publishers,
      });
    const other = backup();
    const printOf = (c: KeyAndCert) => fingerprint(new X509Certificate(c.certPem));

    enroll([{ fingerprint: printOf(pki.publisher) }]);
    expect(readConfig(home).publishers).toEqual([{ fingerprint: printOf(pki.publisher) }]);
    expect(await accepted(home, await snapshotBy(pki.publisher))).toBe(sequence);
    const unpinned = await refusal(home, await snapshotBy(other));
    expect(unpinned.code).toBe('CERT_USAGE');
    expect(unpinned.message).toContain(`publisher "Backup Publisher" (SHA-256 ${printOf(other)}) is not pinned by this home`);

    // By subject: any certificate with that CN (a renewal too), still only with the purpose.
    enroll([{ subject: 'Backup Publisher' }]);
    expect(await accepted(home, await snapshotBy(backup()))).toBe(sequence);
    expect((await refusal(home, await snapshotBy(pki.publisher))).message).toMatch(/"Lantern Test Publisher" .* is not pinned by this home; it takes CN=Backup Publisher/);
    const noPurpose = issue('Backup Publisher', { purposes: [SERVER_AUTH] });
    const out = path.join(work, 'pinned-no-purpose.lantern');
    // publish refuses such a certificate: sign as a forger would.
    resignSnapshot(await snapshotBy(pki.publisher), out, noPurpose.keyPem, () => {}, [noPurpose.certPem]);
    expect((await refusal(home, out)).message).toMatch(/is for serverAuth, not the Lantern publisher purpose/);

    enroll(undefined);
    expect(readConfig(home).publishers).toEqual([{ subject: 'Backup Publisher' }]);
    enroll(null);
    expect(readConfig(home).publishers).toBeNull();
    expect(await accepted(home, await snapshotBy(pki.publisher))).toBe(sequence);
  });

  it('lantern enroll --publisher pins (repeatable), --any-publisher drops them; an unpinned snapshot exits 17', async () => {
    const home = path.join(work, 'home-cli');
    const out: string[] = [];
    const err: string[] = [];
    const lantern = (argv: string[]) => main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    const enroll = (...extra: string[]) =>
      lantern(['enroll', '--home', home, '--trust', pki.files.ca, '--cert', pki.files.workstationCert(0), '--key', pki.files.workstationKey(0), '--facility', 'GH', '--unit', '4W', ...extra]);
    const printed = execFileSync('openssl', ['x509', '-in', pki.files.publisherCert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim();
    expect(await enroll('--publisher', printed, '--publisher', 'Someone Else')).toBe(0);
    expect(readConfig(home).publishers).toEqual([{ fingerprint: fingerprint(new X509Certificate(pki.publisher.certPem)) }, { subject: 'Someone Else' }]);
    expect(out.join('\n')).toMatch(/publishers\s+SHA-256 [0-9a-f]{64}; CN=Someone Else/);
    expect(await enroll('--publisher', 'x', '--any-publisher')).toBe(2);

    // The CLI ingests on the real clock: a snapshot made now.
    const now = new Date();
    const file = path.join(work, 'cli-backup.lantern');
    const other = issueCertificate({ commonName: 'Backup Publisher', issuer: pki.ca, usage: ['digitalSignature'], purposes: [LANTERN_PUBLISHER_EKU], notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + DAY_MS) });
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1, certPem: other.certPem, keyPem: other.keyPem, asOf: now, now, recipients: [pki.workstations[0]!.certPem] });
    err.length = 0;
    expect(await lantern(['ingest', file, '--home', home])).toBe(17);
    expect(err.join('\n')).toMatch(/Snapshot refused \(CERT_USAGE\).*"Backup Publisher" \(SHA-256 [0-9a-f]{64}\) is not pinned by this home/);
    expect(await enroll('--any-publisher')).toBe(0);
    expect(readConfig(home).publishers).toBeNull();
    expect(await lantern(['ingest', file, '--home', home])).toBe(0);
  });
});
