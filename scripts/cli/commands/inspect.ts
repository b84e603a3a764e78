import path from 'node:path';
import { certificatesFromPem, subjectName } from '../../../electron/core/snapshot/pki/certs';
import { checkCiphertext } from '../../../electron/core/snapshot/payload';
import { checkExpiry, readSnapshotHead, verifySnapshotHead } from '../../../electron/core/snapshot/verify';
import { CliError, EXIT, defineCommand, listOption } from '../command';
import { mb, readText } from './snapshot-common';

export default defineCommand({
  name: 'inspect',
  usage: 'lantern inspect FILE --trust FILE [--json]',
  summary: 'Verify a snapshot (chain, signature, expiry, payload hash) and print its manifest without decrypting.',
  positionals: 1,
  required: ['trust'],
  options: {
    trust: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    const file = path.resolve(positionals[0]!);
    const anchors = listOption(values, 'trust').flatMap((f) => certificatesFromPem(readText(f, 'the trust anchor file')));
    if (anchors.length === 0) throw new CliError('The --trust file holds no PEM certificate.', EXIT.USAGE);
    const now = new Date();
    const head = readSnapshotHead(file);
    const { manifest, publisher, manifestSha256 } = verifySnapshotHead(head, anchors, now);
    checkExpiry(manifest, now);
    await checkCiphertext(file, head.payloadOffset, manifest);
    if (values['json'] === true) {
      io.out(JSON.stringify({ verified: true, manifestSha256, publisher: subjectName(publisher), manifest }, null, 2));
      return 0;
    }
    io.out(`Snapshot ${path.basename(file)}: signature, certificate chain, expiry and payload hash verified.`);
    io.out(`  signed by      ${subjectName(publisher)} (valid to ${new Date(publisher.validTo).toISOString()})`);
    io.out(`  facility       ${manifest.facility.id} (${manifest.facility.name})`);
    io.out(`  units          ${manifest.units.map((u) => `${u.id} (${u.name})`).join(', ') || '(whole facility)'}`);
    io.out(`  sequence       ${manifest.sequence}`);
    io.out(`  data as of     ${manifest.createdAt}`);
    io.out(`  published      ${manifest.publishedAt}`);
    io.out(`  expires        ${manifest.expiresAt}`);
    io.out(`  format         ${manifest.format} v${manifest.version}, ${manifest.payload.encryption}, ${manifest.payload.compression}`);
    io.out(`  payload        ${mb(manifest.payload.plainBytes)} of data, ${mb(manifest.payload.ciphertextBytes)} encrypted`);
    const mappers = [...new Set(manifest.entries.flatMap((e) => (e.kind === 'mapped' ? [e.mapper] : [])))];
    io.out(`  mapped by      ${mappers.length ? `${mappers.join(', ')} (workstations with the same mapper store these records; others parse the lines)` : 'none (lines only)'}`);
    io.out(`  recipients     ${manifest.recipients.map((r) => r.subject).join('; ')}`);
    io.out('  counts');
    for (const [type, n] of Object.entries(manifest.counts).sort()) io.out(`    ${type.padEnd(28)} ${n}`);
    const protocols = manifest.entries.filter((e) => e.kind === 'protocol');
    io.out(`  protocols      ${protocols.length}`);
    for (const p of protocols) if (p.kind === 'protocol') io.out(`    [${p.category}] ${p.title} (${p.format}, ${p.bytes} bytes)`);
    return 0;
  },
});
