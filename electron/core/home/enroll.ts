import { constants, createPrivateKey, privateDecrypt, publicEncrypt, randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import forge from 'node-forge';
import { certificatePem, certificatesFromPem, describeKey, keyUsage, readPrivateKey, subjectName, type PublisherPin } from '../snapshot/pki/certs';
import type { KeyProtector } from './key-protector';
import { DEFAULT_STALE_AFTER_MINUTES } from '../../shared/defaults';
import { HomeConfig, HomeError, assertProtector, homePath, readConfig, writeFileAtomic } from './layout';

export interface EnrollOptions {
  dir: string;
  /** PEM text of the trust anchor file(s). */
  trust: string[];
  protector: KeyProtector;
  /** Workstation certificate and key (PEM) ... */
  certPem?: string;
  keyPem?: string;
  keyPassphrase?: string;
  /** ... or a PKCS#12 bundle holding both. */
  p12?: Buffer;
  p12Passphrase?: string;
  /** Scope: the facility id (null = pin to the first snapshot) and unit ids (null = any). */
  facility?: string | null;
  units?: string[] | null;
  /** Publisher pins (null = any publisher the anchor issued with the purpose; absent = keep the home's). */
  publishers?: PublisherPin[] | null;
  keepSnapshots?: number;
  staleAfterMinutes?: number;
  /** Ingest limits to set (merged over what the home already has). */
  limits?: HomeConfig['limits'];
  demo?: boolean;
  clock?: () => Date;
}

export interface EnrollResult {
  dir: string;
  identity: string;
  anchors: string[];
  config: HomeConfig;
  reenrolled: boolean;
}

function identityFromP12(p12: Buffer, passphrase: string): { cert: X509Certificate; key: KeyObject } {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), passphrase);
  } catch {
    throw new HomeError('The PKCS#12 file cannot be read: wrong password (--pass-file) or not a PKCS#12 file.');
  }
  const { oids } = forge.pki;
  const keyBag =
    parsed.getBags({ bagType: oids['pkcs8ShroudedKeyBag']! })[oids['pkcs8ShroudedKeyBag']!]?.[0] ??
    parsed.getBags({ bagType: oids['keyBag']! })[oids['keyBag']!]?.[0];
  const certBags = parsed.getBags({ bagType: oids['certBag']! })[oids['certBag']!] ?? [];
  if (!keyBag?.key) throw new HomeError('The PKCS#12 file holds no RSA private key.');
  const key = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  const certs = certBags.flatMap((b) => (b.cert ? certificatesFromPem(forge.pki.certificateToPem(b.cert)) : []));
  const cert = certs.find((c) => c.checkPrivateKey(key));
  if (!cert) throw new HomeError('The PKCS#12 file holds no certificate for its private key.');
  return { cert, key };
}

function identityFromPem(certPem: string, keyPem: string, passphrase?: string): { cert: X509Certificate; key: KeyObject } {
  const cert = certificatesFromPem(certPem)[0];
  if (!cert) throw new HomeError('The --cert file holds no PEM certificate.');
  const key = readPrivateKey(keyPem, passphrase);
  if (!key) throw new HomeError('The --key file is not a readable private key (PEM).');
  if (!cert.checkPrivateKey(key)) throw new HomeError('The --key does not belong to the --cert certificate.');
  return { cert, key };
}

/**
 * Provision a workstation home: trust anchor(s), the workstation's decryption identity
 * (sealed by the KeyProtector, never stored in the clear), a database key, the scope.
 * Enrolling an existing home replaces trust and identity and keeps its snapshots.
 */
export function enrollHome(options: EnrollOptions): EnrollResult {
  const clock = options.clock ?? (() => new Date());
  const anchors = options.trust.flatMap(certificatesFromPem);
  if (anchors.length === 0) throw new HomeError('The --trust file holds no PEM certificate.');
  for (const a of anchors) if (!a.ca) throw new HomeError(`Trust anchor "${subjectName(a)}" is not a CA certificate.`);
  const identity = options.p12
    ? identityFromP12(options.p12, options.p12Passphrase ?? '')
    : options.certPem && options.keyPem
      ? identityFromPem(options.certPem, options.keyPem, options.keyPassphrase)
      : null;
  if (!identity) throw new HomeError('Give the workstation identity: --cert and --key, or --p12.');
  if (identity.cert.publicKey.asymmetricKeyType !== 'rsa' || !describeKey(identity.cert.publicKey).ok) {
    throw new HomeError('The workstation certificate must have an RSA key of 2048 bits or more (snapshots are encrypted to it with RSA-OAEP).');
  }
  const usage = keyUsage(identity.cert);
  if (usage && !usage.keyEncipherment) throw new HomeError('The workstation certificate lacks the keyEncipherment key usage.');
  const probe = randomBytes(32);
  const back = privateDecrypt(
    { key: identity.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    publicEncrypt({ key: identity.cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, probe),
  );
  if (!back.equals(probe)) throw new HomeError('The workstation key does not decrypt for its certificate.');

  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  mkdirSync(homePath(options.dir, 'snapshots'), { recursive: true, mode: 0o700 });
  const previous = existsSync(homePath(options.dir, 'config')) ? readConfig(options.dir) : null;
  if (previous) assertProtector(previous, options.protector);
  const config: HomeConfig = {
    format: 'lantern-home',
    version: 1,
    createdAt: previous?.createdAt ?? clock().toISOString(),
    protector: options.protector.kind,
    facility: options.facility !== undefined ? options.facility : (previous?.facility ?? null),
    units: options.units !== undefined ? options.units : (previous?.units ?? null),
    publishers: options.publishers !== undefined ? (options.publishers?.length ? options.publishers : null) : (previous?.publishers ?? null),
    keepSnapshots: options.keepSnapshots ?? previous?.keepSnapshots ?? 2,
    staleAfterMinutes: options.staleAfterMinutes ?? previous?.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
    limits: { ...previous?.limits, ...options.limits },
    demo: options.demo ?? previous?.demo ?? false,
  };
  if (!HomeConfig.shape.publishers.safeParse(config.publishers).success) {
    throw new HomeError('A publisher pin must be a certificate\'s SHA-256 fingerprint (64 hex digits) or a subject name (CN) of up to 200 characters.');
  }
  const der = identity.key.export({ type: 'pkcs8', format: 'der' });
  try {
    writeFileAtomic(homePath(options.dir, 'identityKey'), options.protector.protect(der));
  } finally {
    der.fill(0);
  }
  writeFileAtomic(homePath(options.dir, 'identityCert'), certificatePem(identity.cert), 0o644);
  writeFileAtomic(homePath(options.dir, 'trust'), anchors.map(certificatePem).join(''), 0o644);
  if (!existsSync(homePath(options.dir, 'databaseKey'))) {
    const dbKey = randomBytes(32);
    writeFileAtomic(homePath(options.dir, 'databaseKey'), options.protector.protect(dbKey));
    dbKey.fill(0);
  } else {
    options.protector.unprotect(readFileSync(homePath(options.dir, 'databaseKey'))).fill(0);
  }
  writeFileAtomic(homePath(options.dir, 'config'), JSON.stringify(config, null, 2) + '\n', 0o644);
  return {
    dir: options.dir,
    identity: subjectName(identity.cert),
    anchors: anchors.map(subjectName),
    config,
    reenrolled: previous !== null,
  };
}


