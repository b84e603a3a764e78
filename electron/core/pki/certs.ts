import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { refuse } from '../snapshot/refusal';

/**
 * X.509 handling for snapshots. Signatures, chains and validity are checked with Node's
 * crypto (OpenSSL: RSA and ECDSA alike); node-forge only reads the key-usage extension,
 * which Node does not expose. Certificates may come from any CA (OpenSSL, Windows AD CS,
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

const KEY_USAGE_OID = '2.5.29.15';

/** node-forge's fromDer takes an options object at run time; its typings only know `strict`. */
const fromDer = forge.asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer,
  options: { decodeBitStrings: boolean },
) => forge.asn1.Asn1;

/** The key-usage extension, or null when the certificate has none (RFC 5280: any use). */
export function keyUsage(cert: X509Certificate): KeyUsage | null {
  const asn1 = forge.asn1;
  let root: forge.asn1.Asn1;
  try {
    root = fromDer(forge.util.createBuffer(cert.raw.toString('binary')), { decodeBitStrings: false });
  } catch {
    return null;
  }
  const tbs = (root.value as forge.asn1.Asn1[])[0];
  const parts = (tbs?.value ?? []) as forge.asn1.Asn1[];
  const extsWrapper = parts.find((p) => p.tagClass === asn1.Class.CONTEXT_SPECIFIC && p.type === 3);
  const exts = ((extsWrapper?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value ?? []) as forge.asn1.Asn1[];
  for (const ext of exts) {
    const fields = ext.value as forge.asn1.Asn1[];
    const oidNode = fields[0];
    if (!oidNode || asn1.derToOid(forge.util.createBuffer(oidNode.value as string)) !== KEY_USAGE_OID) continue;
    const octets = fields[fields.length - 1]?.value as string;
    const bits = fromDer(forge.util.createBuffer(octets), { decodeBitStrings: false }).value as string;
    const first = bits.length > 1 ? bits.charCodeAt(1) : 0;
    return {
      digitalSignature: (first & 0x80) !== 0,
      keyEncipherment: (first & 0x20) !== 0,
      keyCertSign: (first & 0x04) !== 0,
    };
  }
  return null;
}

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

/**
 * Check that the publisher's certificate chains to one of the anchors at `now`, that every
 * certificate on the path is within its validity period, that issuers are CAs, and that the
 * publisher certificate may sign (digitalSignature, an RSA >= 2048 or P-256/P-384 key).
 * `chain` is the publisher certificate first, then any intermediates.
 */
export function verifyPublisherChain(chain: X509Certificate[], anchors: X509Certificate[], now: Date): X509Certificate {
  const leaf = chain[0];
  if (!leaf) return refuse('MALFORMED', 'no publisher certificate');
  const anchorPrints = new Set(anchors.map(fingerprint));
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  let trusted = anchorPrints.has(fingerprint(leaf));
  for (let depth = 0; !trusted && depth < 8; depth++) {
    const anchor = anchors.find((a) => a.ca && issuedBy(current, a));
    if (anchor) {
      path.push(anchor);
      trusted = true;
      break;
    }
    const next = chain.slice(1).find((c) => c.ca && !path.includes(c) && issuedBy(current, c));
    if (!next) break;
    path.push(next);
    current = next;
    if (anchorPrints.has(fingerprint(next))) trusted = true;
  }
  if (!trusted) refuse('UNTRUSTED', `publisher "${subjectName(leaf)}" issued by "${leaf.issuer.replace(/\n/g, ', ').slice(0, 120)}"`);
  path.forEach((cert, i) => checkValidity(cert, now, i === 0 ? 'publisher certificate' : 'issuing CA certificate'));
  const usage = keyUsage(leaf);
  if (usage && !usage.digitalSignature) refuse('CERT_USAGE', 'no digitalSignature key usage');
  const key = describeKey(leaf.publicKey);
  if (!key.ok) refuse('CERT_USAGE', `key type ${key.text} is not accepted`);
  return leaf;
}
