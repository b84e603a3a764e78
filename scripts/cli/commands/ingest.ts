import path from 'node:path';
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
  usage: 'lantern ingest FILE --home DIR',
  summary: 'Verify, decrypt and ingest a snapshot into the home, switching over atomically.',
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const file = path.resolve(positionals[0]!);
    const { manifest, report } = await withSnapshotErrors(() =>
      ingestSnapshot(dir, file, {
        onStage: pauseHook(io.err),
        onProgress: (done, total) => io.err(`ingest: ${total ? Math.floor((done / total) * 100) : 100}% (${mb(done)} of ${mb(total)})`),
      }),
    );
    const resources = Object.values(report.counts).reduce((a, b) => a + b, 0);
    io.out(`Ingested ${path.basename(file)}: facility ${manifest.facility.id}, sequence ${manifest.sequence}, data as of ${manifest.createdAt}.`);
    io.out(`  ${resources} resources stored, ${report.malformed.length} malformed line(s), ${report.unresolved.length} unresolved, ${report.protocols} protocol(s). Now in use.`);
    return 0;
  },
});
