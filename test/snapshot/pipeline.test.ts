import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { enrollHome } from '../../electron/core/home/enroll';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { readState, unsealDatabaseKey } from '../../electron/core/home/layout';
import { openHome } from '../../electron/core/home/open';
import { LANTERN_PUBLISHER_EKU } from '../../electron/core/snapshot/pki/certs';
import { SnapshotRefusal } from '../../electron/core/snapshot/refusal';
import { readSnapshotHead } from '../../electron/core/snapshot/verify';
import { openSnapshotDatabase } from '../../electron/core/store/database';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { ingestWorker, useIngestWorker } from '../../electron/core/store/parallel';
import { openWorkstation } from '../../electron/core/workstation';
import { HAS_SYNTHEA, REPO_ROOT, SYNTHEA_DIR } from '../support/fixtures';
import {
  AS_OF,
  DAY_MS,
  buildSnapshot,
  enrollTestHome,
  makeTestPki,
  tempDir,
  writeTinyExport,
  type TestPki,
} from '../support/snapshots';

const clock = () => new Date(AS_OF.getTime() + 60_000);
let pki: TestPki;
let work: string;

beforeAll(() => {
  pki = makeTestPki();
  work = tempDir();
});

const lantern = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/lantern.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('publish and ingest', () => {
  it('ingests a tiny export with protocols; status and queries come from the home', async () => {
    const { fhir, protocols } = writeTinyExport(path.join(work, 'tiny'), undefined, { malformed: true });
    const home = path.join(work, 'home-tiny');
    enrollTestHome(home, pki);
    const file = path.join(work, 'tiny.lantern');
    const manifest = await buildSnapshot({ pki, out: file, fhirDir: fhir, protocolsDir: protocols, sequence: 7 });
    expect(manifest.counts).toEqual({ Patient: 3, Observation: 7 });
    expect(manifest.createdAt).toBe(AS_OF.toISOString());
    const titles = manifest.entries.flatMap((e) => (e.kind === 'protocol' ? [`${e.category}/${e.title}/${e.format}`] : []));
    expect(titles).toEqual([
      'Downtime/Paper MAR procedure/markdown',
      'General/Code Blue & Rapid Response/html',
      'General/Fall risk/text',
      'General/Sepsis Bundle (adult)/pdf',
    ]);
    const result = await ingestSnapshot(home, file, { model: chartModel, clock });
    expect(result.report.malformed).toEqual([{ file: 'Observation.ndjson', line: 7, reason: 'not valid JSON' }]);

    const ws = openWorkstation({ shell: 'preview', version: 't', homeDir: home, demo: false, clock, model: chartModel });
    const status = ws.status();
    expect(status.snapshot).toMatchObject({
      facility: { id: 'GH' },
      units: [{ id: '4W', name: 'Unit 4W' }],
      sequence: 7,
      asOf: AS_OF.toISOString(),
      expiresAt: new Date(AS_OF.getTime() + 30 * DAY_MS).toISOString(),
      counts: { Patient: 3, Observation: 6 },
    });
    expect(status.staleAfterMinutes).toBe(120);
    expect(ws.queries()!.search({ text: 'Vandermolen', limit: 5 })[0]?.name).toBe('Vandermolen, Cordelia');
    expect(ws.queries()!.protocols({}).map((p) => p.id)).toContain('sepsis.pdf');
    ws.home?.close();
  });

  it('encrypts the whole database: no patient name in clear, no opening without the key', async () => {
    const { fhir } = writeTinyExport(path.join(work, 'enc'));
    const home = path.join(work, 'home-enc');
    enrollTestHome(home, pki);
    const file = path.join(work, 'enc.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1 });
    const { record } = await ingestSnapshot(home, file, { model: chartModel, clock });
    const dbFile = path.join(home, record.db);
    const raw = readFileSync(dbFile);
    expect(raw.length).toBeGreaterThan(4096);
    for (const needle of ['Zzyzxowski', 'Quillfeather', 'Anneliese', 'SQLite format 3', 'patient_name']) {
      expect(raw.includes(Buffer.from(needle)), needle).toBe(false);
      expect(raw.includes(Buffer.from(needle, 'utf16le')), needle).toBe(false);
    }
    // Not in the snapshot file either, nor anywhere else in the home.
    expect(readFileSync(file).includes(Buffer.from('Zzyzxowski'))).toBe(false);
    for (const name of readdirSync(home)) {
      const f = path.join(home, name);
      if (statSync(f).isFile()) expect(readFileSync(f).includes(Buffer.from('Zzyzxowski')), name).toBe(false);
    }
    const plain = new Database(dbFile, { readonly: true });
    expect(() => plain.prepare('SELECT * FROM patient').all()).toThrow(/not a database/);
    plain.close();
    expect(record.cipher).toBe('aegis256');
    expect(() => openSnapshotDatabase(dbFile, Buffer.alloc(32), record.cipher)).toThrow(/not a database/);
    // Pages are authenticated: one changed byte in a page and that page no longer reads.
    const key = unsealDatabaseKey(home, keyFileProtector(home));
    const tampered = path.join(work, 'tampered.db');
    const bytes = Buffer.from(raw);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x01;
    writeFileSync(tampered, bytes);
    const readEverything = () => {
      const damaged = openSnapshotDatabase(tampered, key, record.cipher);
      try {
        return damaged.pragma('integrity_check');
      } finally {
        damaged.close();
      }
    };
    expect(readEverything).toThrow(/malformed|not a database|corrupt/i);
    // The sealed keys are not usable without the protector's key file.
    const protectorKey = readFileSync(path.join(home, 'protector.key'));
    expect(statSync(path.join(home, 'protector.key')).mode & 0o777).toBe(0o600);
    writeFileSync(path.join(home, 'protector.key'), 'ab'.repeat(32) + '\n', { mode: 0o600 });
    expect(() => openHome(home, { model: chartModel })).toThrow(/does not unseal|cannot be unsealed/);
    writeFileSync(path.join(home, 'protector.key'), protectorKey, { mode: 0o600 });
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.queries()!.search({ text: 'Zzyzx', limit: 5 })).toHaveLength(1);
    opened.close();
  });

  it('still opens a database written with the earlier SQLCipher 4 scheme (a rollback copy after an update)', async () => {
    const { fhir } = writeTinyExport(path.join(work, 'legacy'));
    const home = path.join(work, 'home-legacy');
    enrollTestHome(home, pki);
    const file = path.join(work, 'legacy.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1 });
    const { record } = await ingestSnapshot(home, file, { model: chartModel, clock, cipher: 'sqlcipher4' });
    // The state as the earlier versions wrote it: no cipher named.
    const key = unsealDatabaseKey(home, keyFileProtector(home));
    const stateFile = path.join(home, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { current: Record<string, unknown> };
    delete state.current['cipher'];
    writeFileSync(stateFile, JSON.stringify(state));
    expect(readState(home).current!.cipher).toBe('sqlcipher4');
    expect(() => openSnapshotDatabase(path.join(home, record.db), key, 'aegis256')).toThrow(/not a database/);
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.queries()!.search({ text: 'Zzyzx', limit: 5 })).toHaveLength(1);
    opened.close();
  });

  it('keeps at most the configured number of databases and switches to each new snapshot', async () => {
    const { fhir } = writeTinyExport(path.join(work, 'keep'));
    const home = path.join(work, 'home-keep');
    enrollTestHome(home, pki, { keepSnapshots: 2 });
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.queries()).toBeNull();
    for (const seq of [1, 2, 3, 4]) {
      const file = path.join(work, `keep-${seq}.lantern`);
      await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: seq });
      await ingestSnapshot(home, file, { model: chartModel, clock });
      expect(opened.status().snapshot?.sequence).toBe(seq);
      expect(opened.queries()!.search({ text: 'Quill', limit: 5 })).toHaveLength(1);
    }
    const state = readState(home);
    expect(state.previous.map((r) => r.status.sequence)).toEqual([3]);
    expect(readdirSync(path.join(home, 'snapshots')).sort()).toEqual(
      [state.current!.db, state.previous[0]!.db].map((d) => path.basename(d)).sort(),
    );
    opened.close();
  });

  it('pins a home enrolled without a facility to its first snapshot; reads a folder of NDJSON without a manifest', async () => {
    const { fhir } = writeTinyExport(path.join(work, 'nomanifest'), undefined, { manifest: false });
    const home = path.join(work, 'home-pin');
    enrollTestHome(home, pki, { facility: null, units: null });
    const a = path.join(work, 'pin-a.lantern');
    const b = path.join(work, 'pin-b.lantern');
    await expect(buildSnapshot({ pki, out: a, fhirDir: fhir, sequence: 1 })).rejects.toThrow(/--as-of/);
    await buildSnapshot({ pki, out: a, fhirDir: fhir, sequence: 1, facility: 'EAST', asOf: AS_OF });
    await buildSnapshot({ pki, out: b, fhirDir: fhir, sequence: 2, facility: 'WEST', asOf: AS_OF });
    await ingestSnapshot(home, a, { model: chartModel, clock });
    const refusal = await ingestSnapshot(home, b, { model: chartModel, clock }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SnapshotRefusal);
    expect((refusal as SnapshotRefusal).code).toBe('WRONG_FACILITY');
  });
});

describe.skipIf(!HAS_SYNTHEA)('the shared Synthea export', () => {
  it('publishes and ingests every resource of fhir-synthea-10', async () => {
    const home = path.join(work, 'home-synthea');
    enrollTestHome(home, pki);
    const file = path.join(work, 'synthea.lantern');
    const asOf = new Date(AS_OF.getTime() - 60_000);
    const manifest = await buildSnapshot({ pki, out: file, fhirDir: SYNTHEA_DIR, sequence: 1, asOf });
    const exportManifest = JSON.parse(readFileSync(path.join(SYNTHEA_DIR, 'manifest.json'), 'utf8')) as {
      output: Array<{ type: string; count?: number }>;
    };
    for (const out of exportManifest.output) if (out.count !== undefined) expect(manifest.counts[out.type], out.type).toBe(out.count);
    const { report } = await ingestSnapshot(home, file, { model: chartModel, clock });
    expect(report.counts).toEqual(manifest.counts);
    expect(report.malformed).toEqual([]);
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.status().snapshot?.counts['Patient']).toBe(manifest.counts['Patient']);
    // Every patient of the export has a chart, and search finds them by name.
    const patients = readFileSync(path.join(SYNTHEA_DIR, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(patients).toHaveLength(manifest.counts['Patient']!);
    const q = opened.queries()!;
    for (const id of patients) {
      const { patient } = q.chart({ patientId: id });
      expect(q.search({ text: patient.name, limit: 25 }).map((p) => p.id), patient.name).toContain(id);
    }
    opened.close();
  });
});

describe('certificates from other CAs and the command line', () => {
  it('accepts an OpenSSL-made CA with an ECDSA P-256 publisher and a PKCS#12 workstation identity', async () => {
    const dir = tempDir('lantern-openssl-');
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(path.join(dir, 'ext.cnf'), [
      '[ca]', 'basicConstraints=critical,CA:true', 'keyUsage=critical,keyCertSign,cRLSign',
      '[pub]', 'basicConstraints=critical,CA:false', 'keyUsage=critical,digitalSignature', `extendedKeyUsage=${LANTERN_PUBLISHER_EKU}`,
      '[ws]', 'basicConstraints=critical,CA:false', 'keyUsage=critical,keyEncipherment',
    ].join('\n'));
    run(['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Hospital Root', '-days', '3650', '-extensions', 'ca', '-config', 'ext.cnf', '-set_serial', '1'].concat([]));
    run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'pub.key']);
    run(['req', '-new', '-key', 'pub.key', '-subj', '/CN=EC Publisher', '-out', 'pub.csr']);
    run(['x509', '-req', '-in', 'pub.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '2', '-days', '3650', '-extfile', 'ext.cnf', '-extensions', 'pub', '-out', 'pub.pem']);
    run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ws.key', '-subj', '/CN=Station 4W-1', '-out', 'ws.csr']);
    run(['x509', '-req', '-in', 'ws.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '3', '-days', '3650', '-extfile', 'ext.cnf', '-extensions', 'ws', '-out', 'ws.pem']);
    run(['pkcs12', '-export', '-in', 'ws.pem', '-inkey', 'ws.key', '-out', 'ws.p12', '-passout', 'pass:s3cret']);
    const home = path.join(dir, 'home');
    enrollHome({
      dir: home,
      trust: [readFileSync(path.join(dir, 'ca.pem'), 'utf8')],
      p12: readFileSync(path.join(dir, 'ws.p12')),
      p12Passphrase: 's3cret',
      protector: keyFileProtector(home, { create: true }),
      facility: 'GH',
      units: ['4W'],
    });
    const { fhir } = writeTinyExport(path.join(dir, 'export'));
    const file = path.join(dir, 'ec.lantern');
    const now = new Date();
    await buildSnapshot({
      pki, out: file, fhirDir: fhir, sequence: 1, asOf: now, now,
      certPem: readFileSync(path.join(dir, 'pub.pem'), 'utf8'),
      keyPem: readFileSync(path.join(dir, 'pub.key'), 'utf8'),
      recipients: [readFileSync(path.join(dir, 'ws.pem'), 'utf8')],
    });
    const result = await ingestSnapshot(home, file, { model: chartModel, clock: () => new Date(now.getTime() + 1000) });
    expect(result.report.counts['Patient']).toBe(3);
  });

  it('lets an IT admin verify the signature with the openssl commands the README shows', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const script = /<!-- openssl-verify -->\n```sh\n([\s\S]+?)```/.exec(readme)?.[1];
    expect(script).toBeTruthy();
    const dir = tempDir('lantern-verify-');
    const { fhir, protocols } = writeTinyExport(path.join(dir, 'export'));
    await buildSnapshot({ pki, out: path.join(dir, 'snapshot.lantern'), fhirDir: fhir, protocolsDir: protocols, sequence: 1 });
    writeFileSync(path.join(dir, 'ca.pem'), pki.ca.certPem);
    const ok = spawnSync('bash', ['-e', '-c', script!], { cwd: dir, encoding: 'utf8' });
    expect(ok.stderr + ok.stdout).toContain('Verified OK');
    expect(ok.stdout).toContain('publisher-chain.pem: OK');
    expect(ok.status).toBe(0);
    // A manifest changed by one byte fails the same check.
    const bytes = readFileSync(path.join(dir, 'snapshot.lantern'));
    const at = bytes.indexOf(Buffer.from('"sequence": 1'));
    bytes.write('2', at + '"sequence": '.length, 'latin1');
    writeFileSync(path.join(dir, 'snapshot.lantern'), bytes);
    const bad = spawnSync('bash', ['-e', '-c', script!], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('Verification failure');
  });

  it('runs pki init, publish, inspect, enroll, ingest and status as commands, with refusal exit codes', () => {
    const dir = tempDir('lantern-cli-');
    const init = lantern(['pki', 'init', '--out', path.join(dir, 'pki'), '--workstations', '1']);
    expect(init.status).toBe(0);
    expect(init.stdout).toMatch(/TESTING/);
    const { fhir } = writeTinyExport(path.join(dir, 'export'), undefined, { manifest: false });
    const p = (n: string) => path.join(dir, 'pki', n);
    const publish = (seq: number, out: string, extra: string[] = []) =>
      lantern(['publish', '--fhir', fhir, '--cert', p('publisher.pem'), '--key', p('publisher.key'), '--recipient', p('workstation-1.pem'),
        '--facility', 'GH=General Hospital', '--unit', '4W', '--sequence', String(seq), '--as-of', new Date().toISOString(), '--expires', '2d', '--out', out, ...extra]);
    const snap = path.join(dir, 's.lantern');
    expect(publish(3, snap).status).toBe(0);
    const inspect = lantern(['inspect', snap, '--trust', p('ca.pem')]);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toMatch(/sequence\s+3/);
    expect(inspect.stdout).toMatch(/v2, .*\n[\s\S]*mapped by\s+chart\//);
    const enroll = lantern(['enroll', '--home', path.join(dir, 'home'), '--trust', p('ca.pem'), '--cert', p('workstation-1.pem'), '--key', p('workstation-1.key'), '--facility', 'GH', '--unit', '4W']);
    expect(enroll.status).toBe(0);
    expect(enroll.stdout).toMatch(/0600/);
    const tampered = path.join(dir, 't.lantern');
    const bytes = readFileSync(snap);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 1;
    writeFileSync(tampered, bytes);
    const inspectBad = lantern(['inspect', tampered, '--trust', p('ca.pem')]);
    expect(inspectBad.status).toBe(25);
    const ingestBad = lantern(['ingest', tampered, '--home', path.join(dir, 'home')]);
    expect(ingestBad.status).toBe(25);
    expect(ingestBad.stderr.trim().split('\n')).toHaveLength(1);
    expect(ingestBad.stderr).toMatch(/Snapshot refused \(CORRUPT\)/);
    const notSnapshot = lantern(['ingest', path.join(fhir, 'Patient.ndjson'), '--home', path.join(dir, 'home')]);
    expect(notSnapshot.status).toBe(10);
    expect(notSnapshot.stderr).not.toMatch(/Zzyzxowski/);
    const status = lantern(['status', '--home', path.join(dir, 'home'), '--json']);
    expect(status.status).toBe(0);
    const json = JSON.parse(status.stdout) as { snapshot: unknown; lastRejection: { reason: string } };
    expect(json.snapshot).toBeNull();
    expect(json.lastRejection.reason).toMatch(/NOT_A_SNAPSHOT/);
  });
});

describe('the ingest worker', () => {
  /** Every row of the chart tables, in insertion order. */
  function dump(home: string, db: string): string {
    const key = unsealDatabaseKey(home, keyFileProtector(home));
    const open = openSnapshotDatabase(path.join(home, db), key, readState(home).current!.cipher);
    try {
      return ['patient', 'ident', 'item', 'entity', 'bed', 'type_count', 'protocol']
        .map((t) => `${t}\n${(open.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw().all() as unknown[][]).map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).join('\n')}`)
        .join('\n');
    } finally {
      open.close();
    }
  }

  it('parses and maps on its own thread (or shares the mapping), or takes the publisher\'s mapping, and stores exactly what one thread stores', async () => {
    const { fhir } = writeTinyExport(path.join(work, 'threads'), undefined, { malformed: true });
    const extra = [
      { resourceType: 'Observation', id: 'orphan', subject: { reference: 'Patient/not-here' }, valueQuantity: { value: 1 } },
      { resourceType: 'Observation', id: 'nobody', valueString: 'no subject' },
      { resourceType: 'Observation', id: 'ctl\u0000\u0001\u0002-id', subject: { reference: 'Patient/p1' }, valueString: 'Grüße, 体温 \u0002' },
      { resourceType: 'Observation', id: 'nulls', subject: { reference: 'Patient/p2' }, code: { text: '\u0002' } },
    ];
    writeFileSync(path.join(fhir, 'Observation.ndjson'), readFileSync(path.join(fhir, 'Observation.ndjson'), 'utf8') + extra.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // Lines only (format 1); mapped by the publisher; mapped by a publisher of another revision.
    const file = path.join(work, 'threads.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1, mapper: null });
    const mappedFile = path.join(work, 'threads-mapped.lantern');
    await buildSnapshot({ pki, out: mappedFile, fhirDir: fhir, sequence: 1 });
    const foreignFile = path.join(work, 'threads-foreign.lantern');
    await buildSnapshot({ pki, out: foreignFile, fhirDir: fhir, sequence: 1, mapper: { ...chartModel.mapper!, revision: 'other' } });
    expect(readSnapshotHead(file).version).toBe(1);
    expect(readSnapshotHead(mappedFile).version).toBe(2);
    const results = [];
    const ways = [
      { file, threads: 2, shareMapping: false },
      { file, threads: 2 },
      { file, threads: 1 },
      { file: mappedFile, threads: 2 },
      { file: mappedFile, threads: 1 },
      { file: foreignFile, threads: 2 },
    ] as const;
    for (const [i, { file: f, ...way }] of ways.entries()) {
      const home = path.join(work, `home-threads-${i}`);
      enrollTestHome(home, pki);
      const result = await ingestSnapshot(home, f, { model: chartModel, clock, ...way });
      results.push({ ...result, dump: dump(home, result.record.db) });
    }
    const [worker, shared, single, ...others] = results;
    expect(worker!.mappedOn).toBe('worker');
    expect(shared!.mappedOn).toBe('worker');
    expect(single!.mappedOn).toBe('database thread');
    expect(others.map((r) => r.mappedOn)).toEqual(['publisher', 'publisher', 'worker']);
    expect(worker!.report).toEqual(single!.report);
    expect(shared!.report).toEqual(single!.report);
    expect(shared!.dump).toBe(single!.dump);
    for (const other of others) {
      expect(other.report).toEqual(single!.report);
      expect(other.dump).toBe(single!.dump);
    }
    expect(worker!.report.malformed).toHaveLength(1);
    expect(worker!.report.unresolved.map((p) => p.reason)).toEqual([
      'Observation: no patient (subject) reference',
      'Observation: patient not-here is not in the extract',
    ]);
    expect(worker!.dump).toBe(single!.dump);
    expect(worker!.dump).toContain(JSON.stringify('ctl\u0000\u0001\u0002-id'));
  });

  it('falls back to one thread when the worker cannot start', async () => {
    const workerSpec = ingestWorker();
    const { fhir } = writeTinyExport(path.join(work, 'noworker'));
    const file = path.join(work, 'noworker.lantern');
    await buildSnapshot({ pki, out: file, fhirDir: fhir, sequence: 1, mapper: null });
    const home = path.join(work, 'home-noworker');
    enrollTestHome(home, pki);
    useIngestWorker({ module: path.join(work, 'no-such-worker.cjs') });
    try {
      const result = await ingestSnapshot(home, file, { model: chartModel, clock });
      expect(result.mappedOn).toBe('database thread');
      expect(result.report.counts).toEqual({ Patient: 3, Observation: 6 });
    } finally {
      useIngestWorker(workerSpec);
    }
  });
});
