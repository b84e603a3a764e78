import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'census',
  usage: 'lantern census --home DIR [--unit ID] [--json]',
  summary: 'List a unit’s beds and patients.',
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    unit: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async () => notBuilt('census'),
});
