import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { INGEST_STAGES, ingestSnapshot, type IngestStage } from '../../../electron/core/store/ingest';
import { defineCommand, stringOption } from '../command';
import { mb, withSnapshotErrors } from './snapshot-common';

/** Test hook: LANTERN_TEST_PAUSE_AT=<stage> makes the ingest stop at that stage and wait. */
function pauseHook(err: (line: string) => void): ((stage: IngestStage) => Promise<void> | void) | undefined {
  const at = process.env['LANTERN_TEST_PAUSE_AT'];
  if (!at || !(INGEST_STAGES as readonly string[]).includes(at)) return undefined;
  return (stage) => {
    if (stage !== at) return;
    err(`paused at ${stage}`);
    return new Promise<void>(() => {
      setInterval(() => {}, 60_000);
    });
  };
}

export default defineCommand({
  name: 'ingest',
  usage: 'lantern ingest FILE --home DIR [--json]',
  summary: 'Verify, decrypt and ingest a snapshot into the home, switching over atomically.',
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const file = path.resolve(positionals[0]!);
    const started = performance.now();
    const { manifest, report, mappedOn } = await withSnapshotErrors(() =>
      ingestSnapshot(dir, file, {
        onStage: pauseHook(io.err),
        onProgress: (done, total) => io.err(`ingest: ${total ? Math.floor((done / total) * 100) : 100}% (${mb(done)} of ${mb(total)})`),
      }),
    );
    // The ingest itself (verify to switch), without this process's start-up.
    const seconds = (performance.now() - started) / 1000;
    const resources = Object.values(report.counts).reduce((a, b) => a + b, 0);
    if (values['json'] === true) {
      io.out(
        JSON.stringify({
          file: path.basename(file),
          facility: manifest.facility.id,
          sequence: manifest.sequence,
          seconds,
          resources,
          malformed: report.malformed.length,
          unresolved: report.unresolved.length,
          protocols: report.protocols,
          truncated: report.truncated?.values ?? 0,
          mappedOn,
        }),
      );
      return 0;
    }
    io.out(`Ingested ${path.basename(file)}: facility ${manifest.facility.id}, sequence ${manifest.sequence}, data as of ${manifest.createdAt}.`);
    io.out(`  ${resources} resources stored, ${report.malformed.length} malformed line(s), ${report.unresolved.length} unresolved, ${report.protocols} protocol(s). Now in use.`);
    if (report.truncated) {
      const n = report.truncated.values;
      io.out(`  ${n} value(s) longer than the home's limit (limits.maxFieldBytes) cut, each marked "truncated by Lantern" where it is shown.`);
    }
    return 0;
  },
});
