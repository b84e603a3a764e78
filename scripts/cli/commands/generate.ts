import path from 'node:path';
import { generateHospital } from '../../../electron/core/demo';
import { CliError, EXIT, defineCommand, intOption, stringOption } from '../command';

export default defineCommand({
  name: 'generate',
  usage: 'lantern generate --out DIR [--beds N] [--units N] [--days N] [--seed S] [--as-of ISO] [--index-patients N] [--json]',
  summary: 'Write a synthetic hospital as a FHIR R4 Bulk Data export (NDJSON + manifest.json).',
  details: [
    '--beds N     occupied beds, one in-progress inpatient encounter each (default 40)',
    '--units N    nursing units: ICU, Med-Surg, ED, Telemetry, ... (default: from --beds)',
    '--days N     days of MAR, vitals and labs before the data-as-of time (default 3)',
    '--seed S     same seed and --as-of, same files (default "lantern")',
    '--as-of ISO  the data-as-of time (default: now)',
    '--index-patients N',
    '             more patients, not in hospital: Patient resources only (no encounter),',
    '             with often repeated names, as in a health system\'s index (default 0)',
    'Also writes protocols/ (downtime procedures and forms: Markdown, HTML, text, PDF).',
  ].join('\n'),
  positionals: 0,
  required: ['out'],
  options: {
    out: { type: 'string' },
    beds: { type: 'string' },
    units: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    'as-of': { type: 'string' },
    'index-patients': { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const outDir = path.resolve(stringOption(values, 'out') as string);
    const beds = intOption(values, 'beds', 40, 1, 200_000);
    const units = values['units'] === undefined ? undefined : intOption(values, 'units', 3, 1, 500);
    const days = intOption(values, 'days', 3, 1, 60);
    const seed = stringOption(values, 'seed') ?? 'lantern';
    const indexPatients = intOption(values, 'index-patients', 0, 0, 2_000_000);
    const asOfText = stringOption(values, 'as-of');
    const now = asOfText ? new Date(asOfText) : new Date();
    if (Number.isNaN(now.getTime())) throw new CliError(`--as-of must be an ISO date-time (got "${asOfText}").`, EXIT.USAGE);
    const started = performance.now();
    const summary = await generateHospital({ outDir, beds, ...(units ? { units } : {}), days, seed, now, indexPatients });
    const seconds = (performance.now() - started) / 1000;
    if (values['json']) {
      io.out(JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(2)) }, null, 2));
      return EXIT.OK;
    }
    io.out(`Synthetic hospital (DEMO data) written to ${outDir}`);
    io.out(`  data as of ${summary.asOf}, seed "${summary.seed}", ${summary.patients} patients in beds${summary.indexPatients ? ` and ${summary.indexPatients} more in the index` : ''}, ${summary.resources} resources in ${seconds.toFixed(1)} s`);
    for (const u of summary.units) io.out(`  ${u.id.padEnd(18)} ${u.name.padEnd(24)} ${u.occupied}/${u.beds} beds occupied`);
    for (const [type, n] of Object.entries(summary.counts)) io.out(`  ${type.padEnd(26)} ${n}`);
    io.out(`  protocols/                 ${summary.protocols} documents`);
    return EXIT.OK;
  },
});
