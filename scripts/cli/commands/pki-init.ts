import path from 'node:path';
import { makeThrowawayPki, writeThrowawayPki } from '../../../electron/core/snapshot/pki/throwaway';
import { defineCommand, intOption, stringOption } from '../command';

export default defineCommand({
  name: 'pki init',
  usage: 'lantern pki init --out DIR [--workstations N]',
  summary: 'Make a throwaway hospital PKI (root CA, publisher, workstations) for demos and tests.',
  details: [
    'Writes ca.pem/ca.key (root CA), publisher.pem/publisher.key (digitalSignature and the',
    'Lantern publisher purpose) and workstation-N.pem/.key (keyEncipherment), RSA 2048, valid',
    'one year. Keys are written unencrypted with 0600 permissions: they are for TESTING and',
    'demos only. Real deployments use certificates from the hospital CA (docs/PKI.md).',
  ].join('\n'),
  positionals: 0,
  required: ['out'],
  options: {
    out: { type: 'string' },
    workstations: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const out = path.resolve(stringOption(values, 'out')!);
    const count = intOption(values, 'workstations', 1, 0, 1000);
    const pki = makeThrowawayPki({ workstations: count });
    const files = writeThrowawayPki(out, pki);
    io.out(`Made a throwaway PKI in ${out}:`);
    for (const file of files) io.out(`  ${path.basename(file)}`);
    io.out('  root CA: Lantern Test Root CA; publisher: Lantern Test Publisher;');
    io.out(`  ${count} workstation certificate(s); RSA 2048, valid 365 days.`);
    io.out('THESE KEYS ARE FOR TESTING AND DEMOS ONLY. Never use them for real patient data.');
    return 0;
  },
});
