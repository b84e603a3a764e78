import { CliError, EXIT, defineCommand, intOption } from '../command';

export default defineCommand({
  name: 'bench',
  usage: 'lantern bench [--beds N] [--patients N] [--scale] [--no-print] [--publisher] [--delta] [--freshness] [--demo] [--json]',
  summary: 'Measure publish, ingest, query and print speed on a generated hospital.',
  details: [
    '--beds N     occupied beds of the generated hospital (default 1000), 40 beds per unit',
    '--patients N patients in the index (default: the beds): the admitted ones and, beyond',
    '             them, patients with no encounter and often repeated names; search is',
    '             measured over all of them by kind of query (name, prefix, typo, MRN, ...)',
    '--scale      run at 100, 1000 and 4000 beds and show how each figure grows',
    '--no-print   skip printing a unit MAR to PDF in Chromium',
    '--publisher  the publisher service\'s cycle instead: merge, scope per unit, publish every',
    '             unit and house-wide; full, then with 1% of the resources changed',
    '--delta      full against delta snapshots: bytes of each at 1% of the resources changed,',
    '             and a house-wide workstation\'s ingest of each',
    '--freshness  from a change in the EHR export to it being in use on a unit\'s workstation:',
    '             the publisher\'s cycle, then the HTTPS source (pointer, download, ingest), with',
    '             a delta and with a full snapshot, the bytes an hour at a one-minute cycle; and',
    '             the same through an inbox',
    '--demo       the demo hospital as `npm start` shows it: each unit\'s MAR printed to PDF,',
    '             its pages and pages per patient',
    '--json       one JSON object (with --scale: an array, one per size)',
    'Progress goes to stderr; the numbers to stdout. See docs/BENCHMARKS.md.',
  ].join('\n'),
  positionals: 0,
  options: {
    beds: { type: 'string' },
    patients: { type: 'string' },
    scale: { type: 'boolean' },
    'no-print': { type: 'boolean' },
    publisher: { type: 'boolean' },
    delta: { type: 'boolean' },
    freshness: { type: 'boolean' },
    demo: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const sizes = values['scale'] ? [100, 1000, 4000] : [intOption(values, 'beds', 1000, 10, 20_000)];
    const patients = values['patients'] === undefined ? undefined : intOption(values, 'patients', 0, 10, 2_000_000);
    const most = Math.max(...sizes);
    if (patients !== undefined && patients < most) {
      throw new CliError(`--patients counts the patients in beds too: it must be at least ${most} here (got ${patients}).`, EXIT.USAGE);
    }
    if (values['publisher']) {
      const { runPublisherBench, formatPublisherBench } = await import('../../bench/publisher');
      const report = await runPublisherBench({ beds: sizes[0]!, log: (line) => io.err(`bench: ${line}`) });
      io.out(values['json'] ? JSON.stringify(report, null, 2) : formatPublisherBench(report));
      return 0;
    }
    if (values['freshness']) {
      const { runFreshnessBench, formatFreshnessBench } = await import('../../bench/freshness');
      const report = await runFreshnessBench({ beds: sizes[0]!, log: (line) => io.err(`bench: ${line}`) });
      io.out(values['json'] ? JSON.stringify(report, null, 2) : formatFreshnessBench(report));
      return 0;
    }
    if (values['demo']) {
      const { runDemoBench, formatDemoBench } = await import('../../bench/demo');
      const report = await runDemoBench({ log: (line) => io.err(`bench: ${line}`) });
      io.out(values['json'] ? JSON.stringify(report, null, 2) : formatDemoBench(report));
      return 0;
    }
    if (values['delta']) {
      const { runDeltaBench, formatDeltaBench } = await import('../../bench/delta');
      const report = await runDeltaBench({ beds: sizes[0]!, log: (line) => io.err(`bench: ${line}`) });
      io.out(values['json'] ? JSON.stringify(report, null, 2) : formatDeltaBench(report));
      return 0;
    }
    // Loaded here, not with the CLI: the bench brings the build tools and a browser driver,
    // which every other command (an ingest above all) would otherwise pay for at start-up.
    const { runBench, formatReport } = await import('../../bench/run');
    const reports = [];
    for (const beds of sizes) {
      const report = await runBench({ beds, ...(patients ? { patients } : {}), print: !values['no-print'], log: (line) => io.err(`bench: ${line}`) });
      reports.push(report);
      if (!values['json']) io.out(formatReport(report) + '\n');
    }
    if (values['json']) io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    return 0;
  },
});
