import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'watch',
  usage: 'lantern watch --home DIR --inbox DIR',
  summary: 'Watch an inbox folder and ingest each new snapshot as it arrives.',
  positionals: 0,
  required: ['home', 'inbox'],
  options: {
    home: { type: 'string' },
    inbox: { type: 'string' },
  },
  run: async () => notBuilt('watch'),
});
