import { readFileSync } from 'node:fs';
import path from 'node:path';
import { enrollHome } from '../../../electron/core/home/enroll';
import { KEY_FILE_NAME, keyFileProtector } from '../../../electron/core/home/key-file-protector';
import { DEFAULT_KEEP_SNAPSHOTS, HOME_LIMITS, homeLimits } from '../../../electron/core/home/layout';
import { describePin, parsePublisherPin } from '../../../electron/core/snapshot/pki/certs';
import { MAX_LINE_BYTES } from '../../../electron/core/snapshot/lines';
import { DEFAULT_STALE_AFTER_MINUTES } from '../../../electron/shared/defaults';
import { CliError, EXIT, defineCommand, intOption, listOption, stringOption } from '../command';
import { parseRef, readText } from './snapshot-common';

export default defineCommand({
  name: 'enroll',
  usage:
    'lantern enroll --home DIR --trust FILE (--cert FILE --key FILE | --p12 FILE [--pass-file FILE]) [--facility ID] [--unit ID ...] [--publisher SHA256_OR_CN ...] [--max-sequence-jump N] [--min-patient-fraction F] [--max-field-bytes N]',
  summary: 'Provision a workstation home: its trust anchor(s) and its decryption identity.',
  details: [
    '--trust FILE      CA certificate(s) (PEM) publisher certificates must chain to; repeat for more',
    '--cert/--key      this workstation\'s certificate and private key (PEM), or',
    '--p12 FILE        a PKCS#12 bundle with both (--pass-file: file holding its password)',
    '--facility ID     the facility this home holds; without it the home pins to the facility',
    '                  of the first snapshot it ingests',
    '--unit ID         a unit this home may hold (repeat); without it any unit scope of the facility',
    '--publisher P     take snapshots only from this publisher certificate (repeat): its SHA-256',
    '                  fingerprint (hex, colons allowed) or its subject CN (any renewal of it);',
    '                  without it, any publisher certificate the trust anchor issued with the',
    '                  Lantern publisher purpose (docs/PKI.md); kept on re-enroll unless given',
    '--any-publisher   drop the home\'s publisher pins',
    `--max-sequence-jump N  largest step above the last sequence number ingested (default ${HOME_LIMITS.maxSequenceJump})`,
    `--keep N          snapshot databases kept (current + rollback copies; default ${DEFAULT_KEEP_SNAPSHOTS})`,
    `--stale-after M   minutes after the data-as-of time when data is flagged stale (default ${DEFAULT_STALE_AFTER_MINUTES})`,
    '--min-patient-fraction F  hold back a snapshot with fewer than F times the patients of the one',
    `                  in use (0 to 1; default ${HOME_LIMITS.minPatientFraction}; 0 turns the check off)`,
    `--max-field-bytes N  longest single value stored whole (default ${HOME_LIMITS.maxFieldBytes}); longer ones are cut`,
    '                  and marked "truncated by Lantern"',
    'Enrolling an existing home replaces its trust and identity and keeps its snapshots.',
  ].join('\n'),
  positionals: 0,
  required: ['home', 'trust'],
  options: {
    home: { type: 'string' },
    trust: { type: 'string', multiple: true },
    cert: { type: 'string' },
    key: { type: 'string' },
    'key-pass-file': { type: 'string' },
    p12: { type: 'string' },
    'pass-file': { type: 'string' },
    facility: { type: 'string' },
    unit: { type: 'string', multiple: true },
    keep: { type: 'string' },
    'stale-after': { type: 'string' },
    publisher: { type: 'string', multiple: true },
    'any-publisher': { type: 'boolean' },
    'max-sequence-jump': { type: 'string' },
    'min-patient-fraction': { type: 'string' },
    'max-field-bytes': { type: 'string' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const p12 = stringOption(values, 'p12');
    const cert = stringOption(values, 'cert');
    const key = stringOption(values, 'key');
    if (p12 ? cert || key : !(cert && key)) {
      throw new CliError('Give either --cert and --key, or --p12 (with --pass-file if it has a password).', EXIT.USAGE);
    }
    const secret = (name: string) => {
      const f = stringOption(values, name);
      return f ? readFileSync(f, 'utf8').replace(/\r?\n$/, '') : undefined;
    };
    const facility = stringOption(values, 'facility');
    const units = listOption(values, 'unit');
    const pins = listOption(values, 'publisher').map((text) => {
      const pin = parsePublisherPin(text);
      if (!pin) throw new CliError(`--publisher "${text.slice(0, 80)}" is neither a SHA-256 fingerprint nor a subject name.`, EXIT.USAGE);
      return pin;
    });
    if (pins.length && values['any-publisher'] === true) throw new CliError('Give --publisher or --any-publisher, not both.', EXIT.USAGE);
    const publishers = values['any-publisher'] === true ? null : pins.length ? pins : undefined;
    const fractionText = stringOption(values, 'min-patient-fraction');
    const fraction = fractionText === undefined ? undefined : Number(fractionText);
    if (fraction !== undefined && !(/^\d*\.?\d+$/.test(fractionText!) && fraction >= 0 && fraction <= 1)) {
      throw new CliError(`--min-patient-fraction must be a number from 0 to 1 (got "${fractionText}").`, EXIT.USAGE);
    }
    const limits = {
      ...(values['max-sequence-jump'] !== undefined
        ? { maxSequenceJump: intOption(values, 'max-sequence-jump', HOME_LIMITS.maxSequenceJump, 1, Number.MAX_SAFE_INTEGER) }
        : {}),
      ...(fraction !== undefined ? { minPatientFraction: fraction } : {}),
      ...(values['max-field-bytes'] !== undefined
        ? { maxFieldBytes: intOption(values, 'max-field-bytes', HOME_LIMITS.maxFieldBytes, 1024, MAX_LINE_BYTES) }
        : {}),
    };
    const result = enrollHome({
        dir,
        trust: listOption(values, 'trust').map((f) => readText(f, 'the trust anchor file')),
        certPem: cert ? readText(cert, 'the certificate') : undefined,
        keyPem: key ? readText(key, 'the key') : undefined,
        keyPassphrase: secret('key-pass-file'),
        p12: p12 ? readFileSync(p12) : undefined,
        p12Passphrase: secret('pass-file'),
        facility: facility !== undefined ? parseRef(facility, 'Facility').id : undefined,
        units: units.length ? units.map((u) => parseRef(u, 'Unit').id) : undefined,
        keepSnapshots: values['keep'] !== undefined ? intOption(values, 'keep', 2, 1, 20) : undefined,
        staleAfterMinutes: values['stale-after'] !== undefined ? intOption(values, 'stale-after', DEFAULT_STALE_AFTER_MINUTES, 5, 7 * 24 * 60) : undefined,
        publishers,
        limits,
        protector: keyFileProtector(dir, { create: true }),
      });
    io.out(`${result.reenrolled ? 'Re-enrolled' : 'Enrolled'} home ${dir}`);
    io.out(`  workstation identity  ${result.identity}`);
    io.out(`  trust anchor(s)       ${result.anchors.join('; ')}`);
    io.out(`  facility              ${result.config.facility ?? '(pinned by the first snapshot ingested)'}`);
    io.out(`  units                 ${result.config.units?.join(', ') ?? '(any unit of the facility)'}`);
    io.out(`  publishers            ${result.config.publishers?.map(describePin).join('; ') ?? '(any the trust anchor issued with the Lantern publisher purpose)'}`);
    io.out(`  sequence jump         at most ${homeLimits(result.config).maxSequenceJump} above the last one ingested`);
    io.out(`  keeps                 ${result.config.keepSnapshots} snapshot database(s)`);
    io.out(`  holds back            a snapshot with under ${Math.round(homeLimits(result.config).minPatientFraction * 100)}% of the patients in use, or none of a resource type`);
    io.out(`  longest value stored  ${homeLimits(result.config).maxFieldBytes} bytes (longer ones are cut and marked)`);
    io.out(
      `The private key and database key are sealed with the key file ${path.join(dir, KEY_FILE_NAME)} ` +
        '(permissions 0600, owner only): anyone who can read that file can read this home. ' +
        'Keep the home on an account only Lantern uses; the desktop app can seal keys with the OS key store instead.',
    );
    return 0;
  },
});
