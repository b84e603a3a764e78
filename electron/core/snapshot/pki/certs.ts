import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { refuse } from '../refusal';

/**
 * X.509 handling for snapshots. Signatures, chains and validity are checked with Node's
 * crypto (OpenSSL: RSA and ECDSA alike); node-forge only splits the DER to read the
 * key-usage and extended-key-usage extensions. Certificates may come from any CA (OpenSSL, Windows AD CS,
 * the throwaway PKI of `lantern pki init`).
 */

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text (a bundle may hold several). */
export function certificatesFromPem(text: string): X509Certificate[] {
  return (text.match(PEM_BLOCK) ?? []).map((pem) => new X509Certificate(pem));
}

/** Normalised PEM of one certificate (LF line ends, trailing newline). */
/** A PEM private key (decrypted with the passphrase when given), or null when it cannot be read. */
export function readPrivateKey(pem: string, passphrase?: string): KeyObject | null {
  try {
    return createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  } catch {
    return null;
  }
}

export const certificatePem = (cert: X509Certificate): string => cert.toString().replace(/\r\n/g, '\n').trim() + '\n';

/** Lower-case hex SHA-256 of the certificate's DER: how recipients and anchors are named. */
export const fingerprint = (cert: X509Certificate): string => cert.fingerprint256.replace(/:/g, '').toLowerCase();

/** A one-line name for messages: the subject's CN (or the whole subject), never more. */
export function subjectName(cert: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return (cn ?? cert.subject.replace(/\n/g, ', ')).slice(0, 120);
}

export interface KeyUsage {
  digitalSignature: boolean;
  keyEncipherment: boolean;
  keyCertSign: boolean;
}

/**
 * The extended key usage (purpose) a publisher certificate must name: Lantern's own OID,
 * under Microsoft's arc for GUID-derived OIDs (1.2.840.113556.1.8000.2554, no registration;
 * GUID d67a2ef1-0ec4-48b0-aac0-2a98b6b4cba2 cut 4-4-4-4-4-6-6 hex digits). Every arc fits in
 * 24 bits, so Windows, OpenSSL, node-forge and the other X.509 libraries all read it
 * (docs/PKI.md says why not a 2.25 UUID OID).
 */
export const LANTERN_PUBLISHER_EKU = '1.2.840.113556.1.8000.2554.54906.12017.3780.18608.43712.2791606.11848610';
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

const KEY_USAGE_OID = '2.5.29.15';
const EXTENDED_KEY_USAGE_OID = '2.5.29.37';

const PURPOSE_NAMES: Record<string, string> = {
  [LANTERN_PUBLISHER_EKU]: 'Lantern publisher',
  [ANY_EXTENDED_KEY_USAGE]: 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** Purposes for messages: their names where known, else the OID. */
export const describePurposes = (oids: readonly string[]): string =>
  oids.length === 0 ? '(none readable)' : oids.slice(0, 5).map((o) => PURPOSE_NAMES[o] ?? o).join(', ') + (oids.length > 5 ? ', ...' : '');

/** node-forge's fromDer takes an options object at run time; its typings only know `strict`. */
const fromDer = forge.asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer,
  options: { decodeBitStrings: boolean },
) => forge.asn1.Asn1;

/**
 * An OBJECT IDENTIFIER's dotted form. Our own decoding: node-forge's stops at 53-bit arcs
 * (it throws on a 2.25 UUID OID), and a foreign extension must not make the check fail
 * other than by refusing. Damaged encodings give '' (which matches nothing).
 */
function oidFromDer(bytes: string): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    } else if (i === bytes.length - 1) return '';
  }
  const first = arcs.shift();
  if (first === undefined) return '';
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

/** The value (DER octets) of each extension with this OID; null when the certificate cannot be read. */
function extensionValues(cert: X509Certificate, oid: string): string[] | null {
  const asn1 = forge.asn1;
  try {
    const root = fromDer(forge.util.createBuffer(cert.raw.toString('binary')), { decodeBitStrings: false });
    const tbs = (root.value as forge.asn1.Asn1[])[0];
    const parts = (tbs?.value ?? []) as forge.asn1.Asn1[];
    const extsWrapper = parts.find((p) => p.tagClass === asn1.Class.CONTEXT_SPECIFIC && p.type === 3);
    const exts = ((extsWrapper?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value ?? []) as forge.asn1.Asn1[];
    return exts.flatMap((ext) => {
      const fields = ext.value as forge.asn1.Asn1[];
      if (typeof fields[0]?.value !== 'string' || oidFromDer(fields[0].value) !== oid) return [];
      const octets = fields[fields.length - 1]?.value;
      return typeof octets === 'string' ? [octets] : [];
    });
  } catch {
    return null;
  }
}

/** The key-usage extension, or null when the certificate has none (RFC 5280: any use). */
export function keyUsage(cert: X509Certificate): KeyUsage | null {
  const octets = extensionValues(cert, KEY_USAGE_OID)?.[0];
  if (octets === undefined) return null;
  let bits: string;
  try {
    bits = fromDer(forge.util.createBuffer(octets), { decodeBitStrings: false }).value as string;
  } catch {
    return { digitalSignature: false, keyEncipherment: false, keyCertSign: false };
  }
  const first = bits.length > 1 ? bits.charCodeAt(1) : 0;
  return {
    digitalSignature: (first & 0x80) !== 0,
    keyEncipherment: (first & 0x20) !== 0,
    keyCertSign: (first & 0x04) !== 0,
  };
}

/**
 * The purposes (OIDs) of the extended-key-usage extension, or null when the certificate has
 * none. An extension that is there but cannot be read, or comes twice, allows no purpose.
 * (Node's X509Certificate.keyUsage gives the same OIDs from OpenSSL, but says undefined both
 * for "none" and for "unreadable", and is renamed in later Node versions.)
 */
export function extendedKeyUsage(cert: X509Certificate): string[] | null {
  const values = extensionValues(cert, EXTENDED_KEY_USAGE_OID);
  if (values === null) return [];
  if (values.length === 0) return null;
  if (values.length > 1) return [];
  try {
    const seq = fromDer(forge.util.createBuffer(values[0]!), { decodeBitStrings: false });
    if (seq.type !== forge.asn1.Type.SEQUENCE || !Array.isArray(seq.value)) return [];
    return seq.value.flatMap((node) => (node.type === forge.asn1.Type.OID && typeof node.value === 'string' ? [oidFromDer(node.value)] : []));
  } catch {
    return [];
  }
}

/** The subject's common name exactly, or null (what a subject pin compares). */
export function commonName(cert: X509Certificate): string | null {
  return /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? null;
}

/**
 * A home's pin on who may publish to it: one certificate (SHA-256 of its DER, lower-case
 * hex), or every certificate with this subject CN (survives renewal). Either way the
 * certificate must still chain to the anchor and carry the publisher purpose.
 */
export type PublisherPin = { fingerprint: string } | { subject: string };

/** `--publisher` text: a SHA-256 fingerprint (hex, colons allowed, as openssl prints it) or a subject CN. */
export function parsePublisherPin(text: string): PublisherPin | null {
  const trimmed = text.trim().replace(/^sha256 fingerprint=/i, '');
  const hex = trimmed.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { fingerprint: hex.toLowerCase() };
  if (trimmed.length === 0 || trimmed.length > 200 || /[\n\r]/.test(trimmed)) return null;
  return { subject: trimmed };
}

export const describePin = (pin: PublisherPin): string => ('fingerprint' in pin ? `SHA-256 ${pin.fingerprint}` : `CN=${pin.subject}`);

/** Key types and sizes a snapshot signer or recipient may use. */
export function describeKey(key: KeyObject): { ok: boolean; text: string } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    return { ok: bits >= 2048 && bits <= 8192, text: `RSA ${bits}` };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? '?';
    return { ok: curve === 'prime256v1' || curve === 'secp384r1', text: `ECDSA ${curve}` };
  }
  return { ok: false, text: key.asymmetricKeyType ?? 'unknown key' };
}

function checkValidity(cert: X509Certificate, now: Date, role: string): void {
  const name = `${role} "${subjectName(cert)}"`;
  if (now.getTime() < new Date(cert.validFrom).getTime()) refuse('CERT_NOT_YET_VALID', `${name} is valid from ${new Date(cert.validFrom).toISOString()}`);
  if (now.getTime() > new Date(cert.validTo).getTime()) refuse('CERT_EXPIRED', `${name} expired ${new Date(cert.validTo).toISOString()}`);
}

const issuedBy = (child: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

export interface PublisherPolicy {
  /** The home's publisher pins; null or absent: any publisher the anchor issued with the purpose. */
  publishers?: readonly PublisherPin[] | null;
}

/**
 * Check that the publisher's certificate chains to one of the anchors at `now`, that every
 * certificate on the path is within its validity period, that issuers are CAs, and that the
 * publisher certificate may sign snapshots: digitalSignature, the Lantern publisher purpose
 * (extended key usage; anyExtendedKeyUsage does not count), no issuing CA whose own purposes
 * leave ours out, an RSA >= 2048 or P-256/P-384 key, and, where the home pins publishers,
 * one of its pins. `chain` is the publisher certificate first, then any intermediates.
 */
/**
 * The path from `leaf` up to one of the anchors, through the CA certificates of `intermediates`
 * (each issuer checked by signature, at most 8 deep): leaf first, anchor last; null when no
 * path reaches an anchor. Validity and usage are the caller's to check.
 */
export function pathToAnchor(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[]): X509Certificate[] | null {
  const anchorPrints = new Set(anchors.map(fingerprint));
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  if (anchorPrints.has(fingerprint(leaf))) return path;
  for (let depth = 0; depth < 8; depth++) {
    const anchor = anchors.find((a) => a.ca && issuedBy(current, a));
    if (anchor) return [...path, anchor];
    const next = intermediates.find((c) => c.ca && !path.includes(c) && issuedBy(current, c));
    if (!next) return null;
    path.push(next);
    current = next;
    if (anchorPrints.has(fingerprint(next))) return path;
  }
  return null;
}

export function verifyPublisherChain(chain: X509Certificate[], anchors: X509Certificate[], now: Date, policy: PublisherPolicy = {}): X509Certificate {
  const leaf = chain[0];
  if (!leaf) return refuse('MALFORMED', 'no publisher certificate');
  const path = pathToAnchor(leaf, chain.slice(1), anchors);
  if (!path) return refuse('UNTRUSTED', `publisher "${subjectName(leaf)}" issued by "${leaf.issuer.replace(/\n/g, ', ').slice(0, 120)}"`);
  path.forEach((cert, i) => checkValidity(cert, now, i === 0 ? 'publisher certificate' : 'issuing CA certificate'));
  const name = `publisher "${subjectName(leaf)}"`;
  const usage = keyUsage(leaf);
  if (usage && !usage.digitalSignature) refuse('CERT_USAGE', `${name} has no digitalSignature key usage`);
  const purposes = extendedKeyUsage(leaf);
  if (purposes === null) return refuse('CERT_USAGE', `${name} has no extended key usage; it needs the Lantern publisher purpose ${LANTERN_PUBLISHER_EKU}`);
  if (!purposes.includes(LANTERN_PUBLISHER_EKU)) {
    refuse('CERT_USAGE', `${name} is for ${describePurposes(purposes)}, not the Lantern publisher purpose ${LANTERN_PUBLISHER_EKU}`);
  }
  // A CA's own extended key usage limits what its certificates may be used for (as Windows
  // and browsers read it); anyExtendedKeyUsage there means no limit.
  for (const ca of path.slice(1)) {
    const limits = extendedKeyUsage(ca);
    if (limits && !limits.includes(LANTERN_PUBLISHER_EKU) && !limits.includes(ANY_EXTENDED_KEY_USAGE)) {
      refuse('CERT_USAGE', `issuing CA "${subjectName(ca)}" is limited to ${describePurposes(limits)}, which leaves out the Lantern publisher purpose`);
    }
  }
  const key = describeKey(leaf.publicKey);
  if (!key.ok) refuse('CERT_USAGE', `key type ${key.text} is not accepted`);
  const pins = policy.publishers;
  if (pins) {
    const print = fingerprint(leaf);
    const cn = commonName(leaf);
    if (!pins.some((pin) => ('fingerprint' in pin ? pin.fingerprint === print : pin.subject === cn))) {
      refuse('CERT_USAGE', `${name} (SHA-256 ${print}) is not pinned by this home; it takes ${pins.slice(0, 3).map(describePin).join(', ')}${pins.length > 3 ? ', ...' : ''}`);
    }
  }
  return leaf;
}
