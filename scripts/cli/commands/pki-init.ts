import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'pki init',
  usage: 'lantern pki init --out DIR [--workstations N]',
  summary: 'Make a throwaway hospital PKI (root CA, publisher, workstations) for demos and tests.',
  positionals: 0,
  required: ['out'],
  options: {
    out: { type: 'string' },
    workstations: { type: 'string' },
  },
  run: async () => notBuilt('pki init'),
});
