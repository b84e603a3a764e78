import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartModel } from '../../../electron/core/chart';
import { HOME_LIMITS } from '../../../electron/core/home/layout';
import type { Manifest } from '../../../electron/core/snapshot/manifest';
import { loadSigner, parseDuration, publishSnapshot } from '../../../electron/core/publisher/publish';
import { describeFile, pointerTo, writePointer } from '../../../electron/core/publisher/pointer-file';
import { DeltaState, publishScope } from '../../../electron/core/publisher/delta';
import { FULL_EVERY_MAX, PUBLISH_DEFAULTS } from '../../../electron/core/publisher/defaults';
import { CliError, EXIT, defineCommand, intOption, listOption, stringOption } from '../command';
import { mb, parseRef, readText } from './snapshot-common';

/** What workstations will hold back or refuse, said where it can still be fixed. */
export function publishWarnings(manifest: Manifest, now: Date): string[] {
  const warnings: string[] = [];
  if (!manifest.counts['Patient']) {
    warnings.push(
      'this snapshot holds no Patient resources. Workstations will hold it back (SUSPECT_DROP) and keep their copy; ' +
        'check the EHR export. To take it anyway on a workstation: lantern ingest FILE --home DIR --accept-drop.',
    );
  }
  const ahead = Date.parse(manifest.createdAt) - now.getTime();
  if (ahead > HOME_LIMITS.clockSkewMinutes * 60_000) {
    warnings.push(
      `the data-as-of time ${manifest.createdAt} is ${Math.ceil(ahead / 60_000)} min ahead of this server's clock; ` +
        `workstations refuse it (FUTURE_AS_OF) beyond ${HOME_LIMITS.clockSkewMinutes} min. Check the clocks and --as-of.`,
    );
  }
  return warnings;
}

export default defineCommand({
  name: 'publish',
  usage: 'lantern publish --fhir DIR [--protocols DIR] --cert FILE --key FILE --recipient FILE [--recipient FILE ...] --facility ID [--unit ID ...] --sequence N [--expires DURATION] [--format 1|2] [--dedupe newest] [--delta-state DIR [--full-every N]] --out FILE [--pointer FILE]',
  summary: 'Turn a FHIR export and protocol documents into one signed, encrypted snapshot file.',
  details: [
    '--fhir DIR         FHIR R4 Bulk Data export: NDJSON files + manifest.json (or NDJSON only, with --as-of)',
    '--protocols DIR    protocol documents (PDF, Markdown, HTML, text); subfolder = category',
    '--cert/--key       publisher certificate (PEM, intermediates may follow; with the Lantern',
    '                   publisher purpose, docs/PKI.md) and its private key',
    '--key-pass-file F  passphrase of an encrypted --key',
    '--recipient FILE   a workstation or site certificate (PEM) that may decrypt; repeat',
    '--facility ID[=Name], --unit ID[=Name] (repeat)   the scope the snapshot is for',
    '--sequence N       must increase with every snapshot of the facility, by at most the',
    `                   workstations' --max-sequence-jump (${HOME_LIMITS.maxSequenceJump}) at a time: a counter, or minutes`,
    '                   since 1970',
    '--as-of ISO-TIME   data-as-of time (default: the export manifest transactionTime)',
    `--expires DURATION after the data-as-of time: 90m, 36h, 7d, P7D (default ${PUBLISH_DEFAULTS.expires})`,
    '--format 2|1       2 (default): the FHIR lines also go parsed and mapped, so that workstations',
    '                   of this version ingest without parsing JSON; 1: lines only, for workstations',
    '                   that read only format 1',
    '--dedupe newest    when the export uses one id for more than one resource of a type, keep the',
    '                   copy with the newest meta.lastUpdated (the later line when they tie or any',
    '                   has none) and drop the others; without it such an export is refused',
    '--delta-state DIR  publish a delta (format 3) against the last snapshot published with this',
    '                   folder for the same scope, or a full one when none, when --full-every is',
    '                   reached or when the delta would not pay; the folder keeps hashes, no content',
    `--full-every N     with --delta-state: a full snapshot at least every N (default ${PUBLISH_DEFAULTS.fullEvery})`,
    '--out FILE         written atomically (a temporary file, then renamed)',
    '--pointer FILE     also write the signed pointer naming this snapshot (for workstations that',
    '                   poll a web server; docs/SNAPSHOT-FORMAT.md): in the same folder as --out',
  ].join('\n'),
  positionals: 0,
  required: ['fhir', 'cert', 'key', 'recipient', 'facility', 'sequence', 'out'],
  options: {
    fhir: { type: 'string' },
    protocols: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'key-pass-file': { type: 'string' },
    recipient: { type: 'string', multiple: true },
    facility: { type: 'string' },
    unit: { type: 'string', multiple: true },
    sequence: { type: 'string' },
    'as-of': { type: 'string' },
    expires: { type: 'string' },
    format: { type: 'string' },
    dedupe: { type: 'string' },
    'delta-state': { type: 'string' },
    'full-every': { type: 'string' },
    out: { type: 'string' },
    pointer: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const expires = stringOption(values, 'expires') ?? PUBLISH_DEFAULTS.expires;
    const expiresAfterMs = parseDuration(expires);
    if (expiresAfterMs === null || expiresAfterMs <= 0) throw new CliError(`--expires "${expires}" is not a duration (e.g. 36h, 7d, P7D).`, EXIT.USAGE);
    const asOfText = stringOption(values, 'as-of');
    const asOf = asOfText ? new Date(asOfText) : undefined;
    if (asOf && Number.isNaN(asOf.getTime())) throw new CliError(`--as-of "${asOfText}" is not a date-time.`, EXIT.USAGE);
    const format = stringOption(values, 'format') ?? '2';
    if (format !== '1' && format !== '2') throw new CliError(`--format "${format}" is not 1 or 2.`, EXIT.USAGE);
    const dedupe = stringOption(values, 'dedupe');
    if (dedupe !== undefined && dedupe !== 'newest') throw new CliError(`--dedupe "${dedupe}" is not "newest" (the only way to settle repeated ids).`, EXIT.USAGE);
    let dropped: Record<string, number> = {};
    const passFile = stringOption(values, 'key-pass-file');
    const out = path.resolve(stringOption(values, 'out')!);
    const pointerOut = stringOption(values, 'pointer') ? path.resolve(stringOption(values, 'pointer')!) : null;
    // The pointer names its snapshot by file name alone: a web server serves both from one folder.
    if (pointerOut && path.dirname(pointerOut) !== path.dirname(out)) throw new CliError('--pointer must be in the same folder as --out.', EXIT.USAGE);
    const certPem = readText(stringOption(values, 'cert')!, 'the certificate');
    const keyPem = readText(stringOption(values, 'key')!, 'the key');
    const keyPassphrase = passFile ? readFileSync(passFile, 'utf8').replace(/\r?\n$/, '') : undefined;
    const deltaDir = stringOption(values, 'delta-state');
    if (deltaDir && dedupe) throw new CliError('--dedupe and --delta-state do not go together: settle the repeated ids in the export.', EXIT.USAGE);
    // A pointer with deltas names the chain in an outbox: the publisher service writes those.
    if (deltaDir && pointerOut) throw new CliError('--pointer and --delta-state do not go together: lantern publisher run writes pointers that name deltas.', EXIT.USAGE);
    if (deltaDir && format === '1') throw new CliError('--delta-state needs format 2: a delta is for workstations that read format 3.', EXIT.USAGE);
    const options = {
        fhirDir: path.resolve(stringOption(values, 'fhir')!),
        protocolsDir: stringOption(values, 'protocols') ? path.resolve(stringOption(values, 'protocols')!) : undefined,
        certPem,
        keyPem,
        keyPassphrase,
        recipients: listOption(values, 'recipient').map((f) => readText(f, 'the recipient certificate')),
        facility: parseRef(stringOption(values, 'facility')!, 'Facility'),
        units: listOption(values, 'unit').map((u) => parseRef(u, 'Unit')),
        sequence: intOption(values, 'sequence', 0, 0, Number.MAX_SAFE_INTEGER),
        asOf,
        expiresAfterMs,
        out,
        mapper: format === '2' ? chartModel.mapper : undefined,
        dedupe: dedupe === 'newest' ? ('newest' as const) : ('refuse' as const),
        onDropped: (d: Record<string, number>) => (dropped = d),
        onProgress: (done: number, total: number) => io.err(`publish: ${total ? Math.floor((done / total) * 100) : 100}%`),
      };
    let manifest: Manifest;
    if (deltaDir) {
      const state = DeltaState.open(path.resolve(deltaDir));
      try {
        const scope = JSON.stringify([options.facility.id, ...options.units.map((u) => u.id)]);
        const fullEvery = intOption(values, 'full-every', PUBLISH_DEFAULTS.fullEvery, 1, FULL_EVERY_MAX);
        ({ manifest } = await publishScope({ ...options, scope, state, policy: { fullEvery, fullAfterMs: Number.MAX_SAFE_INTEGER }, fullOut: out, deltaOut: out }));
      } finally {
        state.close();
      }
    } else manifest = await publishSnapshot(options);
    const resources = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
    const protocols = manifest.delta ? manifest.delta.protocols.length : manifest.entries.filter((e) => e.kind === 'protocol').length;
    io.out(`Published ${out}`);
    if (pointerOut) {
      writePointer(pointerOut, pointerTo(manifest, await describeFile(out, manifest.sequence), new Date()), loadSigner(certPem, keyPem, keyPassphrase));
      io.out(`  pointer ${pointerOut}`);
    }
    io.out(`  facility ${manifest.facility.id}, units ${manifest.units.map((u) => u.id).join(', ') || '(whole facility)'}, sequence ${manifest.sequence}`);
    io.out(`  data as of ${manifest.createdAt}, expires ${manifest.expiresAt}`);
    io.out(`  ${resources} resources in ${Object.keys(manifest.counts).length} types, ${protocols} protocol document(s), ${manifest.recipients.length} recipient(s)`);
    io.out(`  ${mb(manifest.payload.plainBytes)} of data, ${mb(manifest.payload.ciphertextBytes)} encrypted, format ${manifest.version}`);
    if (manifest.delta) io.out(`  a delta against sequence ${manifest.delta.base.sequence}: ${manifest.entries.reduce((n, e) => n + (e.kind === 'ndjson' ? e.lines : 0), 0)} resource(s) carried, the rest kept from it`);
    for (const warning of publishWarnings(manifest, new Date())) io.err(`Warning: ${warning}`);
    const drops = Object.entries(dropped);
    if (drops.length) {
      const n = drops.reduce((a, [, k]) => a + k, 0);
      io.out(`  dropped ${n} older cop${n === 1 ? 'y' : 'ies'} of resources whose id repeats (${drops.map(([t, k]) => `${t} ${k}`).join(', ')}); kept the newest`);
    }
    return 0;
  },
});
