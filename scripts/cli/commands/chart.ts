import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'chart',
  usage: 'lantern chart PATIENT_ID --home DIR [--json]',
  summary: 'Print one patient’s whole chart.',
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async () => notBuilt('chart'),
});
