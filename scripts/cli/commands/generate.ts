import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'generate',
  usage: 'lantern generate --out DIR [--beds N] [--units N] [--days N] [--seed S]',
  summary: 'Write a synthetic hospital as a FHIR R4 Bulk Data export (NDJSON + manifest.json).',
  positionals: 0,
  required: ['out'],
  options: {
    out: { type: 'string' },
    beds: { type: 'string' },
    units: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
  },
  run: async () => notBuilt('generate'),
});
