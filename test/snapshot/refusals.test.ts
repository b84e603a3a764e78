import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartModel } from '../../electron/core/chart';
import { R } from '../../electron/core/chart/codes';
import { ITEM, PATIENT } from '../../electron/core/chart/tables';
import { openHome } from '../../electron/core/home/open';
import { ANY_EXTENDED_KEY_USAGE, LANTERN_PUBLISHER_EKU } from '../../electron/core/snapshot/pki/certs';
import { issueCertificate, type IssueOptions } from '../../electron/core/snapshot/pki/throwaway';
import { REFUSALS, SnapshotRefusal, type RefusalCode } from '../../electron/core/snapshot/refusal';
import type { ContentModel } from '../../electron/core/store/content';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import {
  AS_OF,
  DAY_MS,
  buildSnapshot,
  enrollTestHome,
  homeFingerprint,
  makeTestPki,
  resignSnapshot,
  tempDir,
  writeTinyExport,
  type TestPki,
} from '../support/snapshots';

const NOW = new Date(AS_OF.getTime() + 60 * 60 * 1000);
const clock = () => NOW;

let pki: TestPki;
let other: TestPki;
let work: string;
let home: string;
let fhir: string;
let protocols: string;
let good: string;
let before: string;

async function refusalWith(file: string, model: ContentModel): Promise<SnapshotRefusal> {
  try {
    await ingestSnapshot(home, file, { model, clock });
  } catch (error) {
    if (error instanceof SnapshotRefusal) return error;
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

/**
 * The refusal on one thread (the chart model without its mapper: every line goes to the
 * writer), and again through the ingest worker (the chart model reads, parses and maps there):
 * the same code and message.
 */
const oneThread: ContentModel = { ...chartModel, mapper: undefined };
async function refusalOf(file: string): Promise<RefusalCode> {
  const single = await refusalWith(file, oneThread);
  expect(homeFingerprint(home)).toBe(before);
  const threaded = await refusalWith(file, chartModel);
  expect(threaded.message).toBe(single.message);
  expect(threaded.exitCode).toBe(single.exitCode);
  return single.code;
}

/** The refusal left the home as it was: same files, same state, and the old snapshot answers. */
function expectHomeUnchanged(code?: RefusalCode) {
  expect(homeFingerprint(home)).toBe(before);
  const opened = openHome(home, { model: chartModel, clock });
  try {
    const status = opened.status();
    expect(status.snapshot?.sequence).toBe(1);
    expect(opened.queries()!.search({ text: 'Quillfeather', limit: 5 }).map((p) => p.id)).toEqual(['p2']);
    if (code) expect(status.lastRejection?.reason).toContain(`(${code})`);
  } finally {
    opened.close();
  }
}

async function expectRefused(file: string, code: RefusalCode) {
  expect(await refusalOf(file)).toBe(code);
  expectHomeUnchanged(code);
}

beforeAll(async () => {
  pki = makeTestPki();
  other = makeTestPki();
  work = tempDir();
  ({ fhir, protocols } = writeTinyExport(path.join(work, 'export')));
  home = path.join(work, 'home');
  enrollTestHome(home, pki);
  const first = path.join(work, 'first.lantern');
  await buildSnapshot({ pki, out: first, fhirDir: fhir, protocolsDir: protocols, sequence: 1 });
  await ingestSnapshot(home, first, { model: chartModel, clock });
  good = path.join(work, 'good.lantern');
  // Small chunks so the payload spans several authenticated chunks.
  await buildSnapshot({ pki, out: good, fhirDir: fhir, protocolsDir: protocols, sequence: 2, chunkSize: 1024 });
  before = homeFingerprint(home);
});

const variant = (name: string, bytes: Buffer) => {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  return file;
};

describe('snapshot refusals (each leaves the home as it was)', () => {
  it('has a distinct exit code in 10-39 for every reason', () => {
    const codes = Object.values(REFUSALS).map((r) => r.exit);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c >= 10 && c <= 39).toBe(true);
  });

  it('refuses a flipped byte anywhere in the file', async () => {
    const bytes = readFileSync(good);
    const header = bytes.indexOf(10);
    const positions = [0, 5, header - 1, header + 10, header + 200, Math.floor(bytes.length / 2), bytes.length - 40, bytes.length - 1];
    for (let i = 0; i < bytes.length; i += Math.floor(bytes.length / 23)) positions.push(i);
    for (const pos of positions) {
      const flipped = Buffer.from(bytes);
      flipped[pos] = flipped[pos]! ^ 0x01;
      const code = await refusalOf(variant(`flip-${pos}.lantern`, flipped));
      expect(code, `byte ${pos}`).toBeTruthy();
    }
    const payloadFlip = Buffer.from(bytes);
    payloadFlip[bytes.length - 100] = payloadFlip[bytes.length - 100]! ^ 0x80;
    await expectRefused(variant('flip-payload.lantern', payloadFlip), 'CORRUPT');
  });

  it('refuses a truncated file, wherever it is cut', async () => {
    const bytes = readFileSync(good);
    for (const length of [0, 10, 200, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const code = await refusalOf(variant(`cut-${length}.lantern`, bytes.subarray(0, length)));
      expect(code, `cut at ${length}`).toBe(length === 0 ? 'NOT_A_SNAPSHOT' : 'TRUNCATED');
    }
    await expectRefused(variant('cut.lantern', bytes.subarray(0, bytes.length - 1024)), 'TRUNCATED');
  });

  it('refuses an appended tail (more data than the manifest says)', async () => {
    await expectRefused(variant('tail.lantern', Buffer.concat([readFileSync(good), Buffer.from('x')])), 'TOO_LARGE');
  });

  it('refuses a payload that expands beyond the signed plain size (endless data)', async () => {
    // Format 2: an entry's own gzip member gives more than its declared size.
    const out = path.join(work, 'endless.lantern');
    resignSnapshot(good, out, pki.publisher.keyPem, (m) => {
      const entry = (m['entries'] as Array<{ kind: string; bytes: number }>).find((e) => e.kind === 'protocol')!;
      entry.bytes -= 10;
      (m['payload'] as { plainBytes: number }).plainBytes -= 10;
    });
    await expectRefused(out, 'TOO_LARGE');
    // Format 1: the one gzip stream gives more than the declared total.
    const linesOnly = path.join(work, 'lines-only.lantern');
    await buildSnapshot({ pki, out: linesOnly, fhirDir: fhir, protocolsDir: protocols, sequence: 2, mapper: null });
    const endless = path.join(work, 'endless-1.lantern');
    resignSnapshot(linesOnly, endless, pki.publisher.keyPem, (m) => {
      (m['payload'] as { plainBytes: number }).plainBytes -= 10;
    });
    await expectRefused(endless, 'TOO_LARGE');
  });

  it('refuses a signature by a certificate that does not chain to the trust anchor', async () => {
    const out = path.join(work, 'untrusted.lantern');
    await buildSnapshot({ pki: other, out, fhirDir: fhir, sequence: 3, recipients: pki.workstations.map((w) => w.certPem) });
    await expectRefused(out, 'UNTRUSTED');
  });

  it('refuses an expired or not-yet-valid publisher certificate', async () => {
    const expired = issueCertificate({
      commonName: 'Old Publisher', issuer: pki.ca, usage: ['digitalSignature'], purposes: [LANTERN_PUBLISHER_EKU],
      notBefore: new Date(AS_OF.getTime() - 400 * DAY_MS), notAfter: new Date(AS_OF.getTime() - DAY_MS),
    });
    const future = issueCertificate({
      commonName: 'Future Publisher', issuer: pki.ca, usage: ['digitalSignature'], purposes: [LANTERN_PUBLISHER_EKU],
      notBefore: new Date(AS_OF.getTime() + 10 * DAY_MS), notAfter: new Date(AS_OF.getTime() + 400 * DAY_MS),
    });
    const a = path.join(work, 'cert-expired.lantern');
    const b = path.join(work, 'cert-future.lantern');
    await buildSnapshot({ pki, out: a, fhirDir: fhir, sequence: 3, certPem: expired.certPem, keyPem: expired.keyPem });
    await buildSnapshot({ pki, out: b, fhirDir: fhir, sequence: 3, certPem: future.certPem, keyPem: future.keyPem });
    await expectRefused(a, 'CERT_EXPIRED');
    await expectRefused(b, 'CERT_NOT_YET_VALID');
  });

  /** The good snapshot, signed by another certificate the home's CA issued. */
  const signedBy = (name: string, options: Pick<IssueOptions, 'usage' | 'purposes'>) => {
    const cert = issueCertificate({
      commonName: name, issuer: pki.ca, ...options,
      notBefore: new Date(AS_OF.getTime() - DAY_MS), notAfter: new Date(AS_OF.getTime() + DAY_MS),
    });
    const out = path.join(work, `${name.replace(/\W+/g, '-')}.lantern`);
    resignSnapshot(good, out, cert.keyPem, () => {}, [cert.certPem]);
    return out;
  };

  it('refuses a publisher certificate without the digitalSignature key usage', async () => {
    const file = signedBy('Encrypt-only', { usage: ['keyEncipherment'], purposes: [LANTERN_PUBLISHER_EKU] });
    await expectRefused(file, 'CERT_USAGE');
    expect((await refusalWith(file, chartModel)).message).toMatch(/"Encrypt-only" has no digitalSignature key usage/);
  });

  it('refuses a publisher certificate without the Lantern publisher purpose: a TLS server certificate, none, or any purpose', async () => {
    const tls = signedBy('ehr.general-hospital.example', { usage: ['digitalSignature', 'keyEncipherment'], purposes: ['1.3.6.1.5.5.7.3.1'] });
    const none = signedBy('No Purpose', { usage: ['digitalSignature'] });
    const any = signedBy('All Purposes', { usage: ['digitalSignature'], purposes: [ANY_EXTENDED_KEY_USAGE] });
    for (const file of [tls, none, any]) await expectRefused(file, 'CERT_USAGE');
    expect((await refusalWith(tls, chartModel)).message).toContain(`"ehr.general-hospital.example" is for serverAuth, not the Lantern publisher purpose ${LANTERN_PUBLISHER_EKU}`);
    expect((await refusalWith(none, chartModel)).message).toContain(`"No Purpose" has no extended key usage; it needs the Lantern publisher purpose ${LANTERN_PUBLISHER_EKU}`);
    expect((await refusalWith(any, chartModel)).message).toContain('"All Purposes" is for anyExtendedKeyUsage, not the Lantern publisher purpose');
  });

  it('refuses a snapshot past its expires-at', async () => {
    const out = path.join(work, 'expired.lantern');
    await buildSnapshot({ pki, out, fhirDir: fhir, sequence: 3, asOf: new Date(NOW.getTime() - 2 * DAY_MS), expiresAfterMs: DAY_MS });
    await expectRefused(out, 'SNAPSHOT_EXPIRED');
  });

  it('refuses a replayed or rolled-back sequence number', async () => {
    const same = path.join(work, 'seq1.lantern');
    const older = path.join(work, 'seq0.lantern');
    await buildSnapshot({ pki, out: same, fhirDir: fhir, sequence: 1 });
    await buildSnapshot({ pki, out: older, fhirDir: fhir, sequence: 0 });
    await expectRefused(same, 'ROLLBACK');
    await expectRefused(older, 'ROLLBACK');
  });

  it('refuses a sequence number that jumps further above the last one than the home allows (2^53 - 1 would lock the publisher out)', async () => {
    const runaway = path.join(work, 'seq-max.lantern');
    const far = path.join(work, 'seq-far.lantern');
    await buildSnapshot({ pki, out: runaway, fhirDir: fhir, sequence: Number.MAX_SAFE_INTEGER });
    await buildSnapshot({ pki, out: far, fhirDir: fhir, sequence: 1 + 1_000_001 });
    await expectRefused(runaway, 'SEQUENCE_JUMP');
    await expectRefused(far, 'SEQUENCE_JUMP');
    expect((await refusalWith(far, chartModel)).message).toContain('sequence 1000002, last ingested 1: a step of 1000001, this home takes at most 1000000');
  });

  it('refuses a sequence number beyond what a JSON number holds exactly', async () => {
    const out = path.join(work, 'seq-unsafe.lantern');
    resignSnapshot(good, out, pki.publisher.keyPem, (m) => {
      m['sequence'] = 2 ** 53;
    });
    await expectRefused(out, 'MALFORMED');
  });

  it("refuses another facility's or another unit's snapshot", async () => {
    const facility = path.join(work, 'facility.lantern');
    const unit = path.join(work, 'unit.lantern');
    const wide = path.join(work, 'wide.lantern');
    await buildSnapshot({ pki, out: facility, fhirDir: fhir, sequence: 5, facility: 'OTHER' });
    await buildSnapshot({ pki, out: unit, fhirDir: fhir, sequence: 5, units: ['4W', '5E'] });
    await buildSnapshot({ pki, out: wide, fhirDir: fhir, sequence: 5, units: [] });
    await expectRefused(facility, 'WRONG_FACILITY');
    await expectRefused(unit, 'WRONG_UNITS');
    await expectRefused(wide, 'WRONG_UNITS');
  });

  it('refuses a snapshot this workstation is not a recipient of', async () => {
    const out = path.join(work, 'not-mine.lantern');
    await buildSnapshot({ pki, out, fhirDir: fhir, sequence: 5, recipients: [pki.workstations[1]!.certPem] });
    await expectRefused(out, 'NOT_RECIPIENT');
  });

  it('refuses a file that is not a snapshot at all', async () => {
    await expectRefused(variant('notes.txt', Buffer.from('hello\n')), 'NOT_A_SNAPSHOT');
    await expectRefused(variant('empty.lantern', Buffer.alloc(0)), 'NOT_A_SNAPSHOT');
    await expectRefused(variant('doc.pdf', Buffer.from('%PDF-1.4\n%%EOF\n')), 'NOT_A_SNAPSHOT');
  });

  it('refuses a format version from the future and a manifest whose counts do not match', async () => {
    const bytes = readFileSync(good);
    const future = Buffer.from(bytes);
    future.write('9', 'LANTERN-SNAPSHOT '.length, 'latin1');
    await expectRefused(variant('future.lantern', future), 'UNSUPPORTED_VERSION');
    const out = path.join(work, 'counts.lantern');
    resignSnapshot(good, out, pki.publisher.keyPem, (m) => {
      (m['counts'] as Record<string, number>)['Patient'] = 99;
    });
    await expectRefused(out, 'COUNTS_MISMATCH');
  });

  it('refuses mapped entries that do not stand for the lines after them, and mapped records that do not read back', async () => {
    type Entries = Array<Record<string, unknown>>;
    const mappedAt = (m: Record<string, unknown>) => (m['entries'] as Entries).findIndex((e) => e['kind'] === 'mapped');
    const miscounted = path.join(work, 'miscounted.lantern');
    resignSnapshot(good, miscounted, pki.publisher.keyPem, (m) => {
      (m['entries'] as Entries)[mappedAt(m)]!['records'] = 1;
    });
    await expectRefused(miscounted, 'MALFORMED');
    const moved = path.join(work, 'moved.lantern');
    resignSnapshot(good, moved, pki.publisher.keyPem, (m) => {
      const entries = m['entries'] as Entries;
      const i = mappedAt(m);
      [entries[i], entries[i + 1]] = [entries[i + 1]!, entries[i]!];
    });
    await expectRefused(moved, 'MALFORMED');
    const downgraded = path.join(work, 'downgraded.lantern');
    resignSnapshot(good, downgraded, pki.publisher.keyPem, (m) => {
      m['version'] = 1;
    });
    await expectRefused(downgraded, 'MALFORMED');

    // Signed, hashed, and counted right, but a field short: only a reader that takes them sees it.
    const chart = chartModel.mapper!;
    const damaged = path.join(work, 'damaged-records.lantern');
    await buildSnapshot({ pki, out: damaged, fhirDir: fhir, sequence: 2, mapper: { ...chart, pack: (records) => chart.pack(records).replace('\u0000', '') } });
    const refusal = await refusalWith(damaged, chartModel);
    expect(refusal.code).toBe('CORRUPT');
    expect(refusal.message).toMatch(/mapped records do not read back/);
    expectHomeUnchanged('CORRUPT');
  });

  it('holds the publisher\'s mapped records to what the mapping of a line gives: anything else is CORRUPT, on either thread', async () => {
    const chart = chartModel.mapper!;
    const [F, E, N] = ['\u0000', '\u0001', '\u0002'];
    /** The first record of a kind (1 patient, 3 item), its fields changed. */
    const record = (kind: number, change: (fields: string[]) => string[]) => (packed: string) => {
      const records = packed.split(E);
      const at = records.findIndex((r) => r.startsWith(`${kind}${F}`));
      if (at < 0) return packed;
      records[at] = change(records[at]!.split(F)).join(F);
      return records.join(E);
    };
    const field = (kind: number, index: number, value: (old: string) => string) =>
      record(kind, (fields) => fields.map((f, i) => (i === index ? value(f) : f)));
    const first = (packed: string) => packed.indexOf(E) + 1;
    const cases: Array<[string, (packed: string) => string, RegExp]> = [
      ['a number field that holds text', field(R.ITEM, ITEM.at.line, () => 'one'), /do not read back/],
      ['a number field that holds a string', field(R.ITEM, ITEM.at.value, () => `${N}"70"`), /do not read back/],
      ['a text field that holds a number', field(R.PATIENT, PATIENT.at.id, () => `${N}7`), /do not read back/],
      ['null where a value is required', field(R.ITEM, ITEM.at.data, () => N), /do not read back/],
      ['a JSON field that holds no JSON', field(R.PATIENT, PATIENT.at.data, () => 'name: Quillfeather'), /do not read back/],
      ['identifiers that are not a list', field(R.PATIENT, PATIENT.at.idents, () => '{"0":"mrn"}'), /do not read back/],
      ['a section no mapping gives', field(R.ITEM, ITEM.at.section, () => '99'), /do not read back/],
      ['a deceased flag neither 0 nor 1', field(R.PATIENT, PATIENT.at.deceased, () => '2'), /do not read back/],
      ['an in-force flag neither 0 nor 1', field(R.ITEM, ITEM.at.active, () => '2'), /do not read back/],
      ['a bedside kind no mapping gives', field(R.ITEM, ITEM.at.kind, () => 'full-code'), /do not read back/],
      ['a line number that is not one', field(R.ITEM, ITEM.at.line, () => '0'), /do not read back/],
      ['a field too many', field(R.ITEM, ITEM.at.id, (id) => `${id}${F}extra`), /do not read back/],
      ['a field too few', record(R.PATIENT, (fields) => fields.slice(0, -1)), /do not read back/],
      ['records run together', (p) => p.replace(E, ''), /do not read back/],
      ['a packed buffer cut short', (p) => p.slice(0, -3), /end inside a record/],
      ['a record fewer than the lines', (p) => p.slice(first(p)), /mapped records, manifest says/],
      ['a record more than the lines', (p) => p + p.slice(0, first(p)), /mapped records, manifest says/],
    ];
    for (const [name, edit, reason] of cases) {
      const out = path.join(work, `records-${name.replace(/\W+/g, '-')}.lantern`);
      await buildSnapshot({ pki, out, fhirDir: fhir, sequence: 2, mapper: { ...chart, pack: (records) => edit(chart.pack(records)) } });
      for (const threads of [2, 1] as const) {
        const refusal = await ingestSnapshot(home, out, { model: chartModel, clock, threads }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refusal, `${name}, ${threads} thread(s)`).toBeInstanceOf(SnapshotRefusal);
        expect((refusal as SnapshotRefusal).code, name).toBe('CORRUPT');
        expect((refusal as SnapshotRefusal).message, name).toMatch(reason);
        expectHomeUnchanged('CORRUPT');
      }
    }
    // A snapshot built and ingested twice per case: more than the default time on a busy machine.
  }, 120_000);

  it('still ingests the good snapshot afterwards', async () => {
    const result = await ingestSnapshot(home, good, { model: chartModel, clock });
    expect(result.record.status.sequence).toBe(2);
    expect(result.report.counts).toEqual({ Patient: 3, Observation: 6 });
  });
});
