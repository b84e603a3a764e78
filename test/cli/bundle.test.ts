import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, freshCliBundle, loadCli } from '../../scripts/build/cli-bundle.mjs';

// The `lantern` command's bundle: built into a folder of the test's own (never dist/), run
// end to end with its bundled ingest worker, and given up as soon as a source is newer.
describe('the CLI bundle', () => {
  let work: string;
  let bundleDir: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'lantern-cli-bundle-'));
    bundleDir = path.join(work, 'cli');
    await buildCliBundle(bundleDir);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs generate, pki init, publish, enroll, ingest and search from the bundle, ingest on its bundled worker (mapped or not)', async () => {
    const { cli, from } = await loadCli(bundleDir);
    expect(from).toBe('bundle');
    const out: string[] = [];
    const err: string[] = [];
    const run = async (...argv: string[]) => {
      out.length = 0;
      const code = await cli.main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(code, `${argv.join(' ')}: ${err.join('\n')}`).toBe(0);
      return out.join('\n');
    };
    const fhir = path.join(work, 'fhir');
    const pki = path.join(work, 'pki');
    const home = path.join(work, 'home');
    const snapshot = path.join(work, 's.lantern');
    await run('generate', '--out', fhir, '--beds', '6', '--units', '1', '--seed', 'bundle');
    await run('pki', 'init', '--out', pki);
    const linesOnly = path.join(work, 's1.lantern');
    const publish = (sequence: string, out: string, ...more: string[]) =>
      run('publish', '--fhir', fhir, '--cert', path.join(pki, 'publisher.pem'), '--key', path.join(pki, 'publisher.key'),
        '--recipient', path.join(pki, 'workstation-1.pem'), '--facility', 'B', '--sequence', sequence, '--out', out, ...more);
    expect(await publish('1', snapshot)).toMatch(/format 2/);
    expect(await publish('2', linesOnly, '--format', '1')).toMatch(/format 1/);
    await run('enroll', '--home', home, '--trust', path.join(pki, 'ca.pem'), '--cert', path.join(pki, 'workstation-1.pem'),
      '--key', path.join(pki, 'workstation-1.key'));
    const ingest = async (file: string) => JSON.parse(await run('ingest', file, '--home', home, '--json')) as { resources: number; mappedOn: string };
    const mapped = await ingest(snapshot);
    expect(mapped.mappedOn).toBe('publisher');
    const parsed = await ingest(linesOnly);
    expect(parsed.mappedOn).toBe('worker');
    expect(parsed.resources).toBe(mapped.resources);
    expect(parsed.resources).toBeGreaterThan(100);
    const census = JSON.parse(await run('census', '--home', home, '--json')) as { beds: Array<{ patient: { name: string } | null }> };
    const name = census.beds.find((b) => b.patient)!.patient!.name;
    const found = (JSON.parse(await run('search', name.split(',')[0]!, '--home', home, '--json')) as { patients: Array<{ name: string }> }).patients;
    expect(found.map((p) => p.name)).toContain(name);
  });

  it('lists the sources it was built from and is stale once one is newer or gone', () => {
    expect(freshCliBundle(bundleDir)).toEqual({ main: path.join(bundleDir, 'main.mjs'), worker: path.join(bundleDir, 'ingest-worker.cjs') });
    const inputsFile = path.join(bundleDir, 'inputs.json');
    const built = JSON.parse(readFileSync(inputsFile, 'utf8')) as { builtAt: number; inputs: string[] };
    expect(built.inputs).toEqual(expect.arrayContaining(['scripts/cli/main.ts', 'electron/core/ingest-worker.ts', 'electron/core/store/ingest-worker.ts', 'electron/core/chart/map.ts']));
    expect(built.inputs.some((i) => i.includes('node_modules'))).toBe(false);
    try {
      writeFileSync(inputsFile, JSON.stringify({ ...built, builtAt: 0 }));
      expect(freshCliBundle(bundleDir)).toBeNull();
      writeFileSync(inputsFile, JSON.stringify({ ...built, inputs: [...built.inputs, 'electron/core/gone.ts'] }));
      expect(freshCliBundle(bundleDir)).toBeNull();
    } finally {
      writeFileSync(inputsFile, JSON.stringify(built));
    }
    expect(freshCliBundle(path.join(work, 'none'))).toBeNull();
  });
});
