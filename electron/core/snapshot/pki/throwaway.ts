import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { LANTERN_PUBLISHER_EKU } from './certs';

/**
 * A throwaway hospital PKI for demos and tests: a root CA, a publisher signing certificate
 * (digitalSignature and the Lantern publisher purpose) and workstation certificates
 * (keyEncipherment, no purpose). Keys come from Node's crypto (fast); certificates are built
 * with node-forge. Real deployments use the hospital's own CA instead.
 */

export interface KeyAndCert {
  name: string;
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  commonName: string;
  /** The issuing CA; absent makes a self-signed certificate. */
  issuer?: KeyAndCert;
  ca?: boolean;
  usage: Array<'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign'>;
  /** Extended key usage OIDs (purposes); absent: no such extension. */
  purposes?: string[];
  notBefore: Date;
  notAfter: Date;
  organization?: string;
  /** IP addresses the certificate names (subjectAltName), for a TLS server. */
  ipAddresses?: string[];
  /** An existing key (PEM); absent makes a new RSA key. */
  keyPem?: string;
  bits?: number;
}

export function newRsaKeyPem(bits = 2048): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** DER contents of an OBJECT IDENTIFIER; any arc size (node-forge's own stops at 53 bits). */
function oidContents(oid: string): string {
  const [a = 0n, b = 0n, ...rest] = oid.split('.').map((x) => BigInt(x));
  return [a * 40n + b, ...rest]
    .map((arc) => {
      const bytes = [Number(arc & 0x7fn)];
      for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
      return String.fromCharCode(...bytes);
    })
    .join('');
}

/** An extended-key-usage extension naming these purposes, in order. */
function purposesExtension(oids: string[]) {
  const { asn1 } = forge;
  return {
    id: '2.5.29.37',
    critical: false,
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, oids.map((oid) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, oidContents(oid)))),
  };
}

export function issueCertificate(options: IssueOptions): KeyAndCert {
  const keyPem = options.keyPem ?? newRsaKeyPem(options.bits);
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: options.organization ?? 'Lantern Test Hospital (TEST KEYS)' },
  ];
  cert.setSubject(subject);
  const issuerKey = options.issuer ? forge.pki.privateKeyFromPem(options.issuer.keyPem) : privateKey;
  cert.setIssuer(options.issuer ? forge.pki.certificateFromPem(options.issuer.certPem).subject.attributes : subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: options.ca === true, critical: true },
    { name: 'keyUsage', critical: true, ...Object.fromEntries(options.usage.map((u) => [u, true])) },
    { name: 'subjectKeyIdentifier' },
    ...(options.purposes ? [purposesExtension(options.purposes)] : []),
    ...(options.ipAddresses ? [{ name: 'subjectAltName', altNames: options.ipAddresses.map((ip) => ({ type: 7, ip })) }] : []),
  ]);
  cert.sign(issuerKey, forge.md.sha256.create());
  return { name: options.commonName, certPem: forge.pki.certificateToPem(cert), keyPem };
}

export interface ThrowawayPki {
  ca: KeyAndCert;
  publisher: KeyAndCert;
  workstations: KeyAndCert[];
}

const DAY = 24 * 60 * 60 * 1000;

export function makeThrowawayPki(options: { workstations?: number; now?: Date; days?: number } = {}): ThrowawayPki {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - DAY);
  const notAfter = new Date(now.getTime() + (options.days ?? 365) * DAY);
  const ca = issueCertificate({
    commonName: 'Lantern Test Root CA',
    ca: true,
    usage: ['keyCertSign', 'cRLSign'],
    notBefore,
    notAfter: new Date(notAfter.getTime() + DAY),
  });
  const publisher = issueCertificate({
    commonName: 'Lantern Test Publisher',
    issuer: ca,
    usage: ['digitalSignature'],
    purposes: [LANTERN_PUBLISHER_EKU],
    notBefore,
    notAfter,
  });
  const workstations = Array.from({ length: options.workstations ?? 1 }, (_, i) =>
    issueCertificate({
      commonName: `Lantern Test Workstation ${i + 1}`,
      issuer: ca,
      usage: ['keyEncipherment'],
      notBefore,
      notAfter,
    }),
  );
  return { ca, publisher, workstations };
}

/** Write the PKI as PEM files (keys 0600); returns the paths written, in order. */
export function writeThrowawayPki(dir: string, pki: ThrowawayPki): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string, secret = false) => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: secret ? 0o600 : 0o644 });
    if (secret) chmodSync(file, 0o600);
    written.push(file);
  };
  put('ca.pem', pki.ca.certPem);
  put('ca.key', pki.ca.keyPem, true);
  put('publisher.pem', pki.publisher.certPem);
  put('publisher.key', pki.publisher.keyPem, true);
  pki.workstations.forEach((w, i) => {
    put(`workstation-${i + 1}.pem`, w.certPem);
    put(`workstation-${i + 1}.key`, w.keyPem, true);
  });
  return written;
}
