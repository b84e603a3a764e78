// `lantern bench`: a generated hospital, published and ingested by the real commands, the
// floors on the same data, then queries and a unit MAR printed to PDF. Prints numbers only.
import { cpus, totalmem } from 'node:os';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateHospital } from '../../electron/core/demo';
import { openHome } from '../../electron/core/home/open';
import { makeThrowawayPki, writeThrowawayPki } from '../../electron/core/snapshot/pki/throwaway';
import type { PatientSummary } from '../../electron/shared/contract';
import { SEARCH_LIMIT } from '../../electron/shared/defaults';
import { ensureCliBundle } from '../build/build';
import { aesGcmDecryptFloor, gunzipFloor, ndjsonFiles, sqliteImportFloor, totalBytes, type FloorResult } from './floors';
import { runLantern, timeEach, type CommandRun, type Percentiles } from './measure';
import { printUnitMar, type UnitMarPrint } from './print';
import { chartModel } from '../../electron/core/chart';
import { firstTypoSearch, sampleIndex, searchByKind, searchCases, type IndexSearchReport } from './search';

const MB = 1024 * 1024;
export const BEDS_PER_UNIT = 40;
/** Ingest and floor runs per bench. */
const RUNS = 3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
/** The fastest of some runs of a floor (null when the floor is not available). */
const best = <T extends { seconds: number }>(runs: Array<T | null>): T | null =>
  runs.reduce<T | null>((b, r) => (r && (!b || r.seconds < b.seconds) ? r : b), null);

export interface BenchReport {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  beds: number;
  units: number;
  /** Patients in the index: the admitted ones and those with no encounter (--patients). */
  patients: number;
  resources: number;
  generate: { seconds: number };
  publish: { seconds: number; mbPerSecond: number; rawMb: number; snapshotMb: number; sizeRatio: number; peakRssMb: number };
  ingest: {
    /** The `lantern ingest` process (the CLI's bundle), start-up included: the median of the runs. */
    seconds: number;
    resourcesPerSecond: number;
    /** The ingest itself as the command reports it (--json): verify to switch, no start-up. */
    pipelineSeconds: number;
    pipelineResourcesPerSecond: number;
    /** Each run (a new home each time): the command and the pipeline it reported. */
    runs: Array<{ seconds: number; pipelineSeconds: number }>;
    /** Where the lines were parsed and mapped. */
    mappedOn: string;
    peakRssMb: number;
    databaseMb: number;
  };
  /**
   * The same export published with --format 1 (lines only), so that each workstation parses
   * and maps the JSON itself: what a fleet still on format 1 does.
   */
  linesOnly: { publishSeconds: number; snapshotMb: number; seconds: number; pipelineSeconds: number; mappedOn: string };
  floors: {
    sqliteImport: (FloorResult & { rows: number }) | null;
    aesGcmDecrypt: FloorResult;
    gunzip: FloorResult;
    /** Lantern's ingest time (the whole command) divided by each floor's time. */
    ingestRatio: { sqliteImport: number | null; aesGcmDecrypt: number; gunzip: number };
    /** The same for the ingest pipeline alone (no process start-up). */
    pipelineRatio: { sqliteImport: number | null };
    /** The lines-only ingest command divided by the sqlite3 floor. */
    linesOnlyRatio: { sqliteImport: number | null };
  };
  queries: { search: Percentiles; census: Percentiles; chart: Percentiles; mar: Percentiles };
  /** Search over the whole index by kind of query. */
  indexSearch: IndexSearchReport;
  memory: {
    /** Peak resident set size of the bench's own process before printing, in MB: the generator, the gunzip floor (whole files in memory), the queries. */
    benchPeakRssMb: number;
    /** The bench process's resident set right after the queries. */
    afterQueriesRssMb: number;
  };
  /** The unit MAR of the hospital's (first) Med-Surg unit, printed to PDF. */
  print: UnitMarPrint | { skipped: string };
}

/** Realistic search inputs from the census: names both ways, prefixes, typos, MRNs, beds, birth dates. */
export function searchInputs(patients: PatientSummary[], limit: number): string[] {
  const out: string[] = [];
  const typo = (w: string) => (w.length > 3 ? w.slice(0, 1) + w[2] + w[1] + w.slice(3) : w);
  for (const p of patients) {
    const [family = '', given = ''] = p.name.split(',').map((s) => s.trim());
    const first = given.split(' ')[0] ?? '';
    out.push(`${first} ${family}`, `${family}, ${first}`, family.slice(0, 3), typo(family), `${typo(first)} ${family}`);
    if (p.mrn) out.push(p.mrn, p.mrn.slice(0, -2));
    if (p.location?.bed) out.push(p.location.bed);
    if (p.birthDate) out.push(p.birthDate);
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

const dirBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );

export async function runBench(options: { beds: number; patients?: number; print: boolean; log: (line: string) => void }): Promise<BenchReport> {
  const { beds, log } = options;
  const indexPatients = Math.max(0, (options.patients ?? beds) - beds);
  const units = Math.max(1, Math.round(beds / BEDS_PER_UNIT));
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  try {
    const exportDir = path.join(work, 'export');
    log(`generating ${beds} beds in ${units} units${indexPatients ? ` and ${indexPatients} more patients in the index` : ''}…`);
    const started = performance.now();
    const summary = await generateHospital({ outDir: exportDir, beds, units, days: 3, seed: 'bench', indexPatients });
    const generate = { seconds: (performance.now() - started) / 1000 };
    const files = ndjsonFiles(exportDir);
    const rawBytes = totalBytes(files);

    // The commands run as IT runs them after `npm run build`: from the CLI's bundle.
    await ensureCliBundle();
    const pkiDir = path.join(work, 'pki');
    writeThrowawayPki(pkiDir, makeThrowawayPki({ workstations: 1 }));
    const pem = (name: string) => path.join(pkiDir, name);
    const enroll = async (home: string) => {
      await runLantern(['enroll', '--home', home, '--trust', pem('ca.pem'), '--cert', pem('workstation-1.pem'), '--key', pem('workstation-1.key'), '--facility', 'BENCH']);
      return home;
    };

    const publish = async (out: string, ...more: string[]) => {
      const run = await runLantern([
        'publish', '--fhir', exportDir, '--protocols', path.join(exportDir, 'protocols'),
        '--cert', pem('publisher.pem'), '--key', pem('publisher.key'), '--recipient', pem('workstation-1.pem'),
        '--facility', 'BENCH=Bench General', ...summary.units.flatMap((u) => ['--unit', `${u.id}=${u.name}`]),
        '--sequence', '1', '--out', out, ...more,
      ]);
      return { ...run, bytes: statSync(out).size };
    };
    // Runs on this kind of machine vary by ±10% and the sqlite3 floor, which writes three times
    // the bytes, by more: each is measured RUNS times; ingest gives its median, a floor its best.
    const ingestRuns = async (snapshot: string, name: string) => {
      const runs: Array<{ home: string; command: CommandRun; pipeline: { seconds: number; mappedOn: string } }> = [];
      for (let run = 0; run < RUNS; run++) {
        const into = await enroll(path.join(work, `home-${name}-${run}`));
        const command = await runLantern(['ingest', snapshot, '--home', into, '--json']);
        runs.push({ home: into, command, pipeline: JSON.parse(command.stdout) as { seconds: number; mappedOn: string } });
      }
      return { runs, seconds: median(runs.map((i) => i.command.seconds)), pipelineSeconds: median(runs.map((i) => i.pipeline.seconds)) };
    };

    log('publishing…');
    const snapshot = path.join(work, 'bench.snapshot');
    const published = await publish(snapshot);
    const snapshotBytes = published.bytes;
    log(`ingesting (${RUNS} runs, each into a new home)…`);
    const { runs: ingests, seconds: ingestSeconds, pipelineSeconds } = await ingestRuns(snapshot, 'mapped');
    const home = ingests[0]!.home;

    log(`publishing lines only (--format 1) and ingesting that (${RUNS} runs)…`);
    const linesSnapshot = path.join(work, 'bench-lines.snapshot');
    const linesPublished = await publish(linesSnapshot, '--format', '1');
    const lines = await ingestRuns(linesSnapshot, 'lines');
    for (const run of lines.runs) rmSync(run.home, { recursive: true, force: true });

    log(`measuring floors (best of ${RUNS})…`);
    const sqliteImport = best(Array.from({ length: RUNS }, () => sqliteImportFloor(files)));
    const aesGcmDecrypt = best(Array.from({ length: RUNS }, () => aesGcmDecryptFloor(snapshotBytes)))!;
    const gunzips: Array<Awaited<ReturnType<typeof gunzipFloor>>> = [];
    for (let run = 0; run < RUNS; run++) gunzips.push(await gunzipFloor(files));
    const gunzip = best(gunzips)!;

    log('querying…');
    const opened = openHome(home, { model: chartModel });
    const queries = opened.queries()!;
    const allUnits = queries.census({}).units;
    const patients = allUnits.flatMap((u) => queries.census({ unit: u.id }).beds.flatMap((b) => (b.patient ? [b.patient] : [])));
    const sample = patients.filter((_, i) => i % Math.max(1, Math.floor(patients.length / 300)) === 0);
    const index = await sampleIndex(exportDir, 2000);
    const cases = searchCases(index.sample, patients);
    // First, while nothing has loaded the name vocabulary yet; the searches by kind come after
    // the other queries, whose figures stay comparable with runs without them.
    const typo = firstTypoSearch(queries, cases);
    const queryTimes: BenchReport['queries'] = {
      search: timeEach(searchInputs(patients, 3000), (text) => queries.search({ text, limit: SEARCH_LIMIT })),
      census: timeEach(Array.from({ length: 20 }, () => allUnits).flat(), (u) => queries.census({ unit: u.id })),
      chart: timeEach(sample, (p) => queries.chart({ patientId: p.id })),
      mar: timeEach(sample, (p) => queries.mar({ patientId: p.id })),
    };
    const indexSearch: IndexSearchReport = { patients: index.total, ...typo, kinds: searchByKind(queries, cases) };
    const report: BenchReport = {
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGb: Math.round(totalmem() / 1024 ** 3),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      },
      beds,
      units,
      patients: summary.patients + summary.indexPatients,
      resources: summary.resources,
      generate,
      publish: {
        seconds: published.seconds,
        mbPerSecond: rawBytes / MB / published.seconds,
        rawMb: rawBytes / MB,
        snapshotMb: snapshotBytes / MB,
        sizeRatio: snapshotBytes / rawBytes,
        peakRssMb: published.peakRssMb,
      },
      ingest: {
        seconds: ingestSeconds,
        resourcesPerSecond: summary.resources / ingestSeconds,
        pipelineSeconds,
        pipelineResourcesPerSecond: summary.resources / pipelineSeconds,
        runs: ingests.map((i) => ({ seconds: i.command.seconds, pipelineSeconds: i.pipeline.seconds })),
        mappedOn: ingests[0]!.pipeline.mappedOn,
        peakRssMb: Math.max(...ingests.map((i) => i.command.peakRssMb)),
        databaseMb: dirBytes(path.join(home, 'snapshots')) / MB,
      },
      linesOnly: {
        publishSeconds: linesPublished.seconds,
        snapshotMb: linesPublished.bytes / MB,
        seconds: lines.seconds,
        pipelineSeconds: lines.pipelineSeconds,
        mappedOn: lines.runs[0]!.pipeline.mappedOn,
      },
      floors: {
        sqliteImport,
        aesGcmDecrypt,
        gunzip,
        ingestRatio: {
          sqliteImport: sqliteImport ? ingestSeconds / sqliteImport.seconds : null,
          aesGcmDecrypt: ingestSeconds / aesGcmDecrypt.seconds,
          gunzip: ingestSeconds / gunzip.seconds,
        },
        pipelineRatio: { sqliteImport: sqliteImport ? pipelineSeconds / sqliteImport.seconds : null },
        linesOnlyRatio: { sqliteImport: sqliteImport ? lines.seconds / sqliteImport.seconds : null },
      },
      queries: queryTimes,
      indexSearch,
      memory: {
        benchPeakRssMb: process.resourceUsage().maxRSS / 1024,
        afterQueriesRssMb: process.memoryUsage().rss / MB,
      },
      print: { skipped: 'not run' },
    };
    opened.close();

    if (options.print) {
      log('printing a unit MAR…');
      // Med-Surg: the unit whose MAR a downtime prints most, with the most orders per patient.
      const medSurg = summary.units.find((u) => u.kind === 'MEDSURG');
      const unit = allUnits.find((u) => u.id === medSurg?.id) ?? allUnits[0]!;
      // A failed print is reported as such; the other figures stand.
      report.print = await printUnitMar(home, unit.id, log).catch((error: Error) => ({
        skipped: `failed: ${error.message.split('\n')[0]}`,
      }));
    } else {
      report.print = { skipped: '--no-print' };
    }
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 1) => n.toFixed(digits);
const pct = (p: Percentiles) => `p50 ${f(p.p50Ms, 2)} ms  p99 ${f(p.p99Ms, 2)} ms  (n=${p.n})`;

/** The unit MAR's line: time, pages, pages per patient, and whether every sheet fit its page. */
export function printLine(p: BenchReport['print']): string {
  if ('skipped' in p) return `unit MAR print: skipped (${p.skipped})`;
  return (
    `unit MAR print to PDF (${p.unit}): ${f(p.seconds, 2)} s for ${p.beds} beds, ${p.pages} pages, ` +
    `${f(p.pagesPerPatient, 2)} pages per patient (most ${p.mostPagesPerPatient})` +
    (p.sheets === p.pages ? '' : `; the print view cut ${p.sheets} pages: some did not fit their page`)
  );
}

export function formatReport(r: BenchReport): string {
  const floors = r.floors;
  return [
    `Lantern bench — ${r.beds} beds, ${r.units} units, ${r.patients.toLocaleString('en-US')} patients in the index, ${r.resources.toLocaleString('en-US')} FHIR resources`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}`,
    '',
    `generate   ${f(r.generate.seconds, 2)} s`,
    `publish    ${f(r.publish.seconds, 2)} s  ${f(r.publish.mbPerSecond)} MB/s  raw ${f(r.publish.rawMb)} MB → snapshot ${f(r.publish.snapshotMb)} MB (${f(r.publish.sizeRatio * 100)}%)  peak RSS ${f(r.publish.peakRssMb, 0)} MB`,
    `ingest     ${f(r.ingest.seconds, 2)} s  ${Math.round(r.ingest.resourcesPerSecond).toLocaleString('en-US')} resources/s  (the lantern ingest command, process start-up included)  peak RSS ${f(r.ingest.peakRssMb, 0)} MB  database ${f(r.ingest.databaseMb)} MB`,
    `  pipeline ${f(r.ingest.pipelineSeconds, 2)} s  ${Math.round(r.ingest.pipelineResourcesPerSecond).toLocaleString('en-US')} resources/s  (verify, decrypt, decompress, ${r.ingest.mappedOn === 'publisher' ? "take the publisher's mapped records" : `parse and map on the ${r.ingest.mappedOn}`}, store, index, check, switch; no start-up)`,
    `  medians of ${r.ingest.runs.length} runs: ${r.ingest.runs.map((run) => `${f(run.seconds, 2)}/${f(run.pipelineSeconds, 2)} s`).join(', ')} (command/pipeline)`,
    `  lines only (publish --format 1: ${f(r.linesOnly.publishSeconds, 2)} s, ${f(r.linesOnly.snapshotMb)} MB): ${f(r.linesOnly.seconds, 2)} s command, ${f(r.linesOnly.pipelineSeconds, 2)} s pipeline, ${Math.round(r.resources / r.linesOnly.seconds).toLocaleString('en-US')} resources/s (parsed and mapped on the ${r.linesOnly.mappedOn})`,
    '',
    `floors (same data, same run, best of ${r.ingest.runs.length}):`,
    floors.sqliteImport
      ? `  sqlite3 shell import   ${f(floors.sqliteImport.seconds, 2)} s  ${f(floors.sqliteImport.mbPerSecond)} MB/s  → ingest command is ${f(floors.ingestRatio.sqliteImport!, 2)}×, pipeline ${f(floors.pipelineRatio.sqliteImport!, 2)}×, lines only ${f(floors.linesOnlyRatio.sqliteImport!, 2)}× this`
      : '  sqlite3 shell import   (sqlite3 not installed)',
    `  AES-256-GCM decrypt    ${f(floors.aesGcmDecrypt.seconds, 3)} s  ${f(floors.aesGcmDecrypt.mbPerSecond, 0)} MB/s  → ingest is ${f(floors.ingestRatio.aesGcmDecrypt, 1)}× this`,
    `  gunzip                 ${f(floors.gunzip.seconds, 3)} s  ${f(floors.gunzip.mbPerSecond, 0)} MB/s  → ingest is ${f(floors.ingestRatio.gunzip, 1)}× this`,
    '',
    'queries:',
    `  search  ${pct(r.queries.search)}`,
    `  census  ${pct(r.queries.census)}`,
    `  chart   ${pct(r.queries.chart)}`,
    `  MAR     ${pct(r.queries.mar)}`,
    '',
    `search over the index of ${r.indexSearch.patients.toLocaleString('en-US')} patients (limit ${SEARCH_LIMIT}; found: the patient a query was made from is among the results):`,
    `  first typo search ${f(r.indexSearch.firstTypoMs, 1)} ms (loads the name vocabulary and builds its typo index: ${f(r.indexSearch.typoIndexHeapMb, 1)} MB of heap)`,
    ...r.indexSearch.kinds.map(
      (k) => `  ${k.kind.padEnd(18)} ${pct(k)}  max ${f(k.maxMs, 2)} ms  found ${f(k.found * 100, 0)}%  ${f(k.results, 1)} results`,
    ),
    `bench process: ${f(r.memory.afterQueriesRssMb, 0)} MB resident after the queries, ${f(r.memory.benchPeakRssMb, 0)} MB at its peak (generator, gunzip floor, queries)`,
    '',
    printLine(r.print),
  ].join('\n');
}
