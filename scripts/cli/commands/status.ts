import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'status',
  usage: 'lantern status --home DIR [--json]',
  summary: 'Show the snapshot in use, its freshness, and the last rejection.',
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async () => notBuilt('status'),
});
