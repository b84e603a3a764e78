import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type Http, PullError, where } from './http';

/**
 * SMART Backend Services (the SMART App Launch IG's client-credentials flow with a signed JWT
 * client assertion): discovery, the assertion, the token and its renewal. Node's crypto signs
 * RS384 and ES384 as the specification asks (ES384 in the JOSE r||s form), so no JWT library
 * is needed.
 */

export type SigningAlg = 'RS384' | 'ES384';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS384', 'ES384'];

export interface ClientCredentials {
  clientId: string;
  /** The private key (PEM text). */
  privateKeyPem: string;
  kid: string;
  alg: SigningAlg;
}

/** The key as registered with the EHR: PEM private key and the public JWKS. */
export interface GeneratedKey {
  alg: SigningAlg;
  kid: string;
  privateKeyPem: string;
  jwks: { keys: JsonWebKey[] };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** RFC 7638 thumbprint of a public JWK: a kid both sides can recompute. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return b64url(createHash('sha256').update(JSON.stringify(members)).digest());
}

export function generateClientKey(alg: SigningAlg): GeneratedKey {
  const { privateKey, publicKey } =
    alg === 'RS384' ? generateKeyPairSync('rsa', { modulusLength: 3072 }) : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = jwkThumbprint(jwk);
  return {
    alg,
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwks: { keys: [{ ...jwk, alg, kid, use: 'sig', key_ops: ['verify'], ext: true }] },
  };
}

function keyFor(credentials: ClientCredentials): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(credentials.privateKeyPem);
  } catch (error) {
    throw new PullError('The client key file is not a PEM private key.', { cause: error });
  }
  const want = credentials.alg === 'RS384' ? 'rsa' : 'ec';
  if (key.asymmetricKeyType !== want) throw new PullError(`The client key is ${key.asymmetricKeyType?.toUpperCase() ?? 'of an unknown kind'}; ${credentials.alg} needs ${want.toUpperCase()}.`);
  if (credentials.alg === 'ES384' && createPublicKey(key).export({ format: 'jwk' }).crv !== 'P-384') throw new PullError('ES384 needs a P-384 key.');
  return key;
}

/** The signed client assertion for one token request: good for five minutes at most, used once. */
export function clientAssertion(credentials: ClientCredentials, tokenUrl: string, now: Date, key: KeyObject = keyFor(credentials)): string {
  const header = { alg: credentials.alg, kid: credentials.kid, typ: 'JWT' };
  const t = Math.floor(now.getTime() / 1000);
  const claims = { iss: credentials.clientId, sub: credentials.clientId, aud: tokenUrl, exp: t + 240, iat: t, jti: randomUUID() };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature =
    credentials.alg === 'RS384' ? sign('sha384', Buffer.from(input), key) : sign('sha384', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

export interface SmartConfiguration {
  tokenEndpoint: string;
  scopesSupported: string[] | null;
  algsSupported: string[] | null;
}

/** [base]/.well-known/smart-configuration, as the server publishes it. */
export async function discover(http: Http, base: string): Promise<SmartConfiguration> {
  const url = `${base.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  const res = await http.sendRetrying('SMART discovery', url, () => ({ headers: { accept: 'application/json' } }));
  const text = await res.body.text();
  if (res.status !== 200) throw new PullError(`${where(url)} answered HTTP ${res.status}: the server publishes no SMART configuration. Give the token URL with --token-url.`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new PullError(`${where(url)} is not JSON.`);
  }
  const endpoint = json['token_endpoint'];
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) throw new PullError(`${where(url)} names no token_endpoint.`);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);
  return { tokenEndpoint: endpoint, scopesSupported: list(json['scopes_supported']), algsSupported: list(json['token_endpoint_auth_signing_alg_values_supported']) };
}

/** SMART v2 scope first; servers on v1 scopes only answer invalid_scope, then the v1 one. */
export const SCOPES = ['system/*.rs', 'system/*.read'];

/**
 * Access tokens for the pull, renewed before they run out (a long export outlives one token):
 * get() gives a token good for at least `marginMs` more.
 */
export class TokenSource {
  private token: { value: string; expires: number } | null = null;
  private scopeIndex = 0;
  private readonly key: KeyObject;
  /** How many tokens were issued (the progress line and tests). */
  issued = 0;

  constructor(
    private readonly http: Http,
    private readonly tokenUrl: string,
    private readonly credentials: ClientCredentials,
    private readonly clock: () => Date = () => new Date(),
    private readonly marginMs = 60_000,
  ) {
    this.key = keyFor(credentials);
  }

  get scope(): string {
    return SCOPES[this.scopeIndex]!;
  }

  /** Forget the token (the server refused it): the next get() asks for a new one. */
  invalidate(): void {
    this.token = null;
  }

  async get(): Promise<string> {
    const now = this.clock().getTime();
    if (this.token && this.token.expires - now > this.marginMs) return this.token.value;
    for (;;) {
      const res = await this.http.sendRetrying('The token request', this.tokenUrl, () => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          scope: this.scope,
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          // A new assertion (new jti, new exp) for every try.
          client_assertion: clientAssertion(this.credentials, this.tokenUrl, this.clock(), this.key),
        }).toString(),
      }));
      const text = await res.body.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* reported below */
      }
      if (res.status === 200 && typeof json['access_token'] === 'string') {
        const seconds = typeof json['expires_in'] === 'number' && json['expires_in'] > 0 ? json['expires_in'] : 300;
        this.token = { value: json['access_token'], expires: this.clock().getTime() + seconds * 1000 };
        this.issued++;
        return this.token.value;
      }
      if (json['error'] === 'invalid_scope' && this.scopeIndex < SCOPES.length - 1) {
        this.scopeIndex++;
        continue;
      }
      const error = typeof json['error'] === 'string' ? json['error'] : `HTTP ${res.status}`;
      const description = typeof json['error_description'] === 'string' ? `: ${json['error_description'].slice(0, 300)}` : '';
      throw new PullError(
        `The token endpoint ${where(this.tokenUrl)} refused the client (${error}${description}). ` +
          'Check the client id, that the EHR holds this key\'s JWKS (lantern pull keygen prints it) and the --kid and --alg.',
      );
    }
  }
}
