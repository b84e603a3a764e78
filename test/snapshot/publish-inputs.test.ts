import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveInside } from '../../electron/core/files/inside';
import { PublishError } from '../../electron/core/publisher/publish';
import { buildSnapshot, makeTestPki, tempDir, writeTinyExport } from '../support/snapshots';

/**
 * The publisher runs beside its own private key: whatever an export's manifest or a protocols
 * folder says, it reads nothing outside those folders, and a refusal writes nothing.
 */
const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pki = makeTestPki({ dir: path.join(work, 'pki'), workstations: 1 });
const KEY = pki.files.publisherKey;
const outDir = path.join(work, 'out');
const out = path.join(outDir, 'snapshot.lsnap');

let exportDir: string;
let protocolsDir: string;
let n = 0;
beforeEach(() => {
  const dir = path.join(work, `case-${++n}`);
  ({ fhir: exportDir, protocols: protocolsDir } = writeTinyExport(path.join(dir, 'export')));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
});

/** The tiny export's manifest with one more output entry (the third). */
function listInManifest(url: string, type = 'Observation'): void {
  const file = path.join(exportDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { output: { type: string; url: string }[] };
  manifest.output.push({ type, url });
  writeFileSync(file, JSON.stringify(manifest));
}

const publish = () => buildSnapshot({ pki, out, fhirDir: exportDir, protocolsDir, sequence: 1 });

async function refused(): Promise<string> {
  const error = await publish().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  const message = (error as Error).message;
  expect(message).not.toContain('PRIVATE KEY');
  expect(readdirSync(outDir), 'nothing is written beside --out').toEqual([]);
  return message;
}

describe('the publisher reads only inside the export folder', () => {
  it.each([
    ['a ".." path', '../pki/publisher.key', 'goes up out of the folder ("..")'],
    ['an encoded "/" (the key itself)', '..%2Fpki%2Fpublisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['an encoded ".."', '%2e%2e/pki/publisher.key', 'goes up out of the folder ("..")'],
    ['an encoded ".." and "/"', '%2E%2E%2Fpki%2Fpublisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['backslashes', '..\\pki\\publisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['an encoded backslash', '..%5Cpki%5Cpublisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['an encoded NUL', 'Observation.ndjson%00.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['an absolute path', KEY, 'is an absolute path'],
    ['a file: URL', `file://${KEY}`, 'is an absolute path'],
    ['a Windows drive path', 'C:\\lantern\\pki\\publisher.key', 'is an absolute path'],
    ['a server URL ending in an encoded path', 'https://ehr.example/bulk/..%2F..%2Fpki%2Fpublisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['a server URL with backslashes', 'https://ehr.example/bulk/..\\..\\pki\\publisher.key', 'has a backslash, an encoded "/" or a NUL in a name'],
    ['a server URL naming no file', 'https://ehr.example/bulk/%2e%2e', 'names no file'],
    ['a broken %-escape', 'Observation%zz.ndjson', 'has a "%" that is not followed by two hex digits'],
  ])('refuses a manifest url with %s, naming the entry', async (_what, url, why) => {
    listInManifest(url);
    const message = await refused();
    expect(message).toContain(`output entry 3 (Observation, url ${JSON.stringify(url)}) ${why}`);
    expect(message).toContain(`inside the export folder ${exportDir}`);
  });

  it('refuses a file that is a symbolic link out of the export folder', async () => {
    symlinkSync(KEY, path.join(exportDir, 'Stolen.ndjson'));
    listInManifest('Stolen.ndjson');
    expect(await refused()).toContain('output entry 3 (Observation, url "Stolen.ndjson") is a symbolic link to something outside the folder');
  });

  it('refuses a subfolder that is a symbolic link out of the export folder', async () => {
    symlinkSync(path.dirname(KEY), path.join(exportDir, 'keys'));
    listInManifest('keys/publisher.key');
    expect(await refused()).toContain('output entry 3 (Observation, url "keys/publisher.key") is a symbolic link to something outside the folder');
  });

  it('refuses a manifest.json that is a symbolic link out of the export folder', async () => {
    const elsewhere = path.join(path.dirname(exportDir), 'manifest.json');
    writeFileSync(elsewhere, readFileSync(path.join(exportDir, 'manifest.json')));
    rmSync(path.join(exportDir, 'manifest.json'));
    symlinkSync(elsewhere, path.join(exportDir, 'manifest.json'));
    expect(await refused()).toContain("The export's manifest.json is a symbolic link to something outside the folder");
  });

  it('refuses an NDJSON file that links out of an export without a manifest', async () => {
    rmSync(path.join(exportDir, 'manifest.json'));
    symlinkSync(KEY, path.join(exportDir, 'Condition.ndjson'));
    expect(await refused()).toContain('Condition.ndjson is a symbolic link to something outside the folder');
  });

  it('takes links that stay inside, and files in subfolders', async () => {
    mkdirSync(path.join(exportDir, 'more'));
    writeFileSync(path.join(exportDir, 'more', 'Condition.ndjson'), `${JSON.stringify({ resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } })}\n`);
    // A link to another file inside the folder (its own ids: one id twice would be refused).
    writeFileSync(path.join(exportDir, 'more', 'vitals-source.ndjson'), `${JSON.stringify({ resourceType: 'Observation', id: 'linked-1', status: 'final', code: { text: 'Pulse' }, subject: { reference: 'Patient/p1' } })}\n`);
    symlinkSync(path.join('more', 'vitals-source.ndjson'), path.join(exportDir, 'Vitals.ndjson'));
    listInManifest('more/Condition.ndjson', 'Condition');
    listInManifest('https://ehr.example/bulk/Vitals.ndjson');
    const manifest = await publish();
    expect(manifest.entries.filter((e) => e.kind === 'ndjson').map((e) => e.path)).toEqual(['Patient.ndjson', 'Observation.ndjson', 'more/Condition.ndjson', 'Vitals.ndjson']);
    expect(readdirSync(outDir)).toEqual(['snapshot.lsnap']);
  });
});

describe('the publisher reads only inside the protocols folder', () => {
  it('refuses a document that is a symbolic link out of it', async () => {
    symlinkSync(KEY, path.join(protocolsDir, 'Downtime', 'stolen.txt'));
    const message = await refused();
    expect(message).toContain('protocols/Downtime/stolen.txt is a symbolic link to something outside the folder');
    expect(message).toContain(`inside the protocols folder ${protocolsDir}`);
  });

  it('refuses a subfolder that is a symbolic link out of it', async () => {
    symlinkSync(path.dirname(KEY), path.join(protocolsDir, 'Keys'));
    expect(await refused()).toContain('protocols/Keys is a symbolic link to something outside the folder');
  });

  it('refuses a link back to a folder it is in, which would never end', async () => {
    symlinkSync('..', path.join(protocolsDir, 'Downtime', 'again'));
    expect(await refused()).toContain('protocols/Downtime/again is a symbolic link to a folder it is in');
  });

  it('takes links that stay inside, and leaves alone files that are no documents', async () => {
    symlinkSync('../fall_risk.txt', path.join(protocolsDir, 'Downtime', 'falls.txt'));
    symlinkSync(KEY, path.join(protocolsDir, 'Downtime', 'publisher.key'));
    const manifest = await publish();
    expect(manifest.entries.filter((e) => e.kind === 'protocol').map((e) => e.path)).toContain('Downtime/falls.txt');
  });
});

describe('resolving a reference inside a folder', () => {
  it.each([
    ['a/b.txt', { ok: true, path: path.join(work, 'a', 'b.txt') }],
    ['./a//b.txt', { ok: true, path: path.join(work, 'a', 'b.txt') }],
    ['a/../../b', { ok: false, why: 'parent' }],
    ['/etc/passwd', { ok: false, why: 'absolute' }],
    ['c:x', { ok: false, why: 'absolute' }],
    ['\\\\server\\share', { ok: false, why: 'separator' }],
    ['a\0b', { ok: false, why: 'separator' }],
    ['.', { ok: false, why: 'empty' }],
  ])('%s', (reference, expected) => {
    expect(resolveInside(work, reference)).toEqual(expected);
  });
});
