import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { issueCertificate, newRsaKeyPem, type KeyAndCert } from '../../electron/core/snapshot/pki/throwaway';

/**
 * An HTTPS server on 127.0.0.1 for the tests, with a server certificate for that address
 * issued by its own throwaway CA (give `ca.certPem` to the client), recording every request.
 */

export interface RecordedPut {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TestHttpsServer {
  url: string;
  ca: KeyAndCert;
  requests: RecordedPut[];
  /** The status the next requests are answered with (default 204). */
  answer: { status: number };
  close(): Promise<void>;
}

/** A server certificate for 127.0.0.1 (IP subject alternative name), signed by `ca`. */
export function serverCertificate(ca: KeyAndCert): { cert: string; key: string } {
  const key = newRsaKeyPem(2048);
  const privateKey = forge.pki.privateKeyFromPem(key);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer(forge.pki.certificateFromPem(ca.certPem).subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key };
}

export async function startHttpsServer(): Promise<TestHttpsServer> {
  const now = Date.now();
  const ca = issueCertificate({ commonName: 'Lantern Test TLS CA', ca: true, usage: ['keyCertSign', 'cRLSign'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3600_000) });
  const requests: RecordedPut[] = [];
  const answer = { status: 204 };
  const server: Server = createServer(serverCertificate(ca), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    ca,
    requests,
    answer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
