import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { loadSigner } from '../../electron/core/publisher/publish';
import { chooseDownload, signPointer, verifyPointer, type Pointer } from '../../electron/core/snapshot/pointer';
import { AS_OF, makeTestPki } from '../support/snapshots';

const pki = makeTestPki();
const other = makeTestPki();
const anchors = [new X509Certificate(pki.ca.certPem)];
const now = new Date(AS_OF.getTime() + 60_000);
const sha = (c: string) => c.repeat(64);

const pointer = (over: Partial<Pointer> = {}): Pointer => ({
  format: 'lantern-pointer',
  version: 1,
  facility: { id: 'GH' },
  units: ['4W'],
  sequence: 12,
  issuedAt: AS_OF.toISOString(),
  expiresAt: new Date(AS_OF.getTime() + 86_400_000).toISOString(),
  full: { sequence: 12, file: 'GH-4W-0000000012.lantern', bytes: 5000, sha256: sha('a') },
  ...over,
});
const signed = (p: Pointer, who = pki) => signPointer(p, loadSigner(who.publisher.certPem, who.publisher.keyPem));

describe('the pointer', () => {
  it('verifies as signed, and names its snapshot', () => {
    expect(verifyPointer(signed(pointer()), anchors, now)).toEqual(pointer());
  });

  it('is refused when altered, signed by another PKI, pinned away, expired, issued in the future, or not a pointer', () => {
    const bytes = signed(pointer());
    const altered = Buffer.from(bytes.toString('utf8').replace('GH-4W-0000000012', 'GH-4W-0000000099'));
    expect(() => verifyPointer(altered, anchors, now)).toThrow(/Pointer refused \(BAD_SIGNATURE\)/);
    expect(() => verifyPointer(signed(pointer(), other), anchors, now)).toThrow(/Pointer refused \(UNTRUSTED\)/);
    expect(() => verifyPointer(bytes, anchors, now, { publishers: [{ subject: 'Someone Else' }] })).toThrow(/Pointer refused \(CERT_USAGE\).*not pinned/);
    expect(() => verifyPointer(bytes, anchors, new Date(AS_OF.getTime() + 2 * 86_400_000))).toThrow(/Pointer refused \(EXPIRED\)/);
    expect(() => verifyPointer(signed(pointer({ issuedAt: new Date(now.getTime() + 3_600_000).toISOString() })), anchors, now)).toThrow(/Pointer refused \(FUTURE\)/);
    expect(() => verifyPointer(Buffer.from('<html>Not Found</html>'), anchors, now)).toThrow(/Pointer refused \(NOT_A_POINTER\)/);
  });

  it('names plain files only, never a path on the server', () => {
    expect(() => signed(pointer({ full: { sequence: 12, file: '../etc/passwd', bytes: 1, sha256: sha('a') } }))).toThrow(/plain file name/);
  });

  it('leads along the chain of deltas from the copy in use, else to the full snapshot, else to nothing', () => {
    const delta = (sequence: number) => ({ sequence, base: sequence - 1, file: `GH-4W-${String(sequence).padStart(10, '0')}.delta.lantern`, bytes: 300, sha256: sha(sequence === 13 ? 'c' : 'd') });
    const withDeltas = pointer({ sequence: 14, deltas: [delta(13), delta(14)] });
    expect(verifyPointer(signed(withDeltas), anchors, now)).toEqual(withDeltas);
    expect(chooseDownload(withDeltas, 12)).toMatchObject({ kind: 'delta', sequence: 13, file: 'GH-4W-0000000013.delta.lantern' });
    // One link behind: the next delta, not the full snapshot again.
    expect(chooseDownload(withDeltas, 13)).toMatchObject({ kind: 'delta', sequence: 14, base: 13 });
    // Older than the chain (it missed the full one), or none yet: the full one.
    expect(chooseDownload(withDeltas, 11)).toMatchObject({ kind: 'full', sequence: 12 });
    expect(chooseDownload(withDeltas, null)).toMatchObject({ kind: 'full', sequence: 12 });
    expect(chooseDownload(withDeltas, 14)).toBeNull();
    expect(chooseDownload(pointer(), 12)).toBeNull();
    // Deltas that do not lead to the pointer's sequence, or skip a link, are not a pointer Lantern writes.
    expect(() => verifyPointer(signed({ ...withDeltas, sequence: 15 }), anchors, now)).toThrow(/Pointer refused \(MALFORMED\)/);
    expect(() => verifyPointer(signed(pointer({ sequence: 14, deltas: [delta(14)] })), anchors, now)).toThrow(/one chain/);
  });
});
