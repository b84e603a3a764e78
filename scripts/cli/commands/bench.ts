import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'bench',
  usage: 'lantern bench [--beds N] [--json]',
  summary: 'Measure publish, ingest, query and print speed on a generated hospital.',
  positionals: 0,
  required: [],
  options: {
    beds: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async () => notBuilt('bench'),
});
