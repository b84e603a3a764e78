import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'publish',
  usage: 'lantern publish --fhir DIR [--protocols DIR] --cert FILE --key FILE --recipient FILE [--recipient FILE ...] --facility ID [--unit ID ...] --sequence N [--expires DURATION] --out FILE',
  summary: 'Turn a FHIR export and protocol documents into one signed, encrypted snapshot file.',
  positionals: 0,
  required: ['fhir', 'cert', 'key', 'recipient', 'facility', 'sequence', 'out'],
  options: {
    fhir: { type: 'string' },
    protocols: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    recipient: { type: 'string', multiple: true },
    facility: { type: 'string' },
    unit: { type: 'string', multiple: true },
    sequence: { type: 'string' },
    expires: { type: 'string' },
    out: { type: 'string' },
  },
  run: async () => notBuilt('publish'),
});
