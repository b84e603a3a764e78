import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'ingest',
  usage: 'lantern ingest FILE --home DIR',
  summary: 'Verify, decrypt and ingest a snapshot into the home, switching over atomically.',
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
  },
  run: async () => notBuilt('ingest'),
});
