import { chartModel } from '../../../electron/core/chart';
import { PUBLISH_DEFAULTS } from '../../../electron/core/publisher/defaults';
import { readServiceConfig, runCycle, runService, type CycleReport } from '../../../electron/core/publisher/service';
import { CliError, EXIT, defineCommand, stringOption, type Io } from '../command';

const USAGE = 'lantern publisher run --config FILE [--once [--full]] [--json]';

function say(io: Io, r: CycleReport, json: boolean): void {
  if (json) return io.out(JSON.stringify(r));
  const took = `${((r.durationsMs['total'] ?? 0) / 1000).toFixed(1)} s`;
  if (r.error && r.sequence === null) return io.err(`publisher: cycle failed after ${took}: ${r.error}`);
  io.out(`publisher: sequence ${r.sequence}, data as of ${r.asOf ?? '?'}, ${r.patients} patients (${r.unplaced} on no unit: house-wide only), ${took}`);
  for (const [unit, s] of Object.entries(r.snapshots)) {
    io.out(s.error ? `  ${unit}: FAILED — ${s.error}` : `  ${unit}: ${s.file} (${s.patients} patients, ${s.resources} resources)`);
  }
}

export default defineCommand({
  name: 'publisher',
  usage: USAGE,
  summary: 'Run the publisher service: pull from the EHR, publish a snapshot per unit and house-wide, on a schedule.',
  details: [
    '--config FILE   the service configuration (docs/PUBLISHER.md: source, units, recipients, outboxes)',
    '--once          one cycle, then exit (exit 1 when any snapshot failed): for a scheduled task',
    '--full          with --once: a full pull from the EHR now, instead of what changed (the',
    `                full refresh also runs by itself every fullRefresh, ${PUBLISH_DEFAULTS.fullRefresh} by default)`,
    '--json          each cycle\'s report as one JSON line',
    'Without --once it runs until stopped, a cycle every intervalMinutes; the health file',
    '(stateDir/health.json) says when it last succeeded and what failed.',
  ].join('\n'),
  positionals: 1,
  required: ['config'],
  options: { config: { type: 'string' }, once: { type: 'boolean' }, full: { type: 'boolean' }, json: { type: 'boolean' } },
  run: async ({ values, positionals }, io) => {
    if (positionals[0] !== 'run') throw new CliError(`lantern publisher knows no "${positionals[0]}". Usage: ${USAGE}`, EXIT.USAGE);
    const config = readServiceConfig(stringOption(values, 'config')!);
    const json = values['json'] === true;
    if (values['full'] && !values['once']) throw new CliError('--full goes with --once: one cycle that pulls everything.', EXIT.USAGE);
    if (values['once']) {
      const r = await runCycle(config, { model: chartModel, fullRefresh: values['full'] === true });
      say(io, r, json);
      return r.ok ? EXIT.OK : EXIT.FAILED;
    }
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await runService(config, { model: chartModel, signal: abort.signal, onCycle: (r) => say(io, r, json) });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return EXIT.OK;
  },
});
