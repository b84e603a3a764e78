// A separate process that ingests one snapshot with the chart model, so tests can
// kill it at a named stage (LANTERN_TEST_PAUSE_AT) and prove the home survives.
import { ingestSnapshot, type IngestStage } from '../../electron/core/home/ingest';
import { chartModel } from '../../electron/core/chart';

const [home, file, now] = process.argv.slice(2);
const pauseAt = process.env['LANTERN_TEST_PAUSE_AT'];
try {
  await ingestSnapshot(home!, file!, {
    model: chartModel,
    clock: () => new Date(now!),
    onStage: (stage: IngestStage) => {
      if (stage !== pauseAt) return;
      process.stderr.write(`paused at ${stage}\n`);
      return new Promise<void>(() => {
        setInterval(() => {}, 60_000);
      });
    },
  });
  process.stdout.write('ingested\n');
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
