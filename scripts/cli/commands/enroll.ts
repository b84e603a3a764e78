import { defineCommand, notBuilt } from '../command';

export default defineCommand({
  name: 'enroll',
  usage: 'lantern enroll --home DIR --trust FILE (--cert FILE --key FILE | --p12 FILE [--pass-file FILE])',
  summary: 'Provision a workstation home: its trust anchor(s) and its decryption identity.',
  positionals: 0,
  required: ['home', 'trust'],
  options: {
    home: { type: 'string' },
    trust: { type: 'string', multiple: true },
    cert: { type: 'string' },
    key: { type: 'string' },
    p12: { type: 'string' },
    'pass-file': { type: 'string' },
  },
  run: async () => notBuilt('enroll'),
});
