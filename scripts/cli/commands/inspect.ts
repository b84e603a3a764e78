import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'inspect',
  usage: 'lantern inspect FILE --trust FILE',
  summary: 'Verify a snapshot against a trust anchor and print its manifest, without decrypting.',
  positionals: 1,
  required: ['trust'],
  options: {
    trust: { type: 'string' },
  },
  run: async () => notBuilt('inspect'),
});
