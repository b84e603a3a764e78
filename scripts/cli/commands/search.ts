import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'search',
  usage: 'lantern search TEXT --home DIR [--json]',
  summary: 'Find patients by name, MRN, birth date or room/bed.',
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async () => notBuilt('search'),
});
