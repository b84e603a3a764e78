import { sign } from 'node:crypto';
import { certificatePem } from '../snapshot/pki/certs';
import { chainOf, type EmergencySeed } from '../home/emergency';
import { ARGON2_DEFAULTS, MIN_PASSPHRASE_DEFAULT, MIN_PASSPHRASE_FLOOR, makeVerifier, passphraseProblem, verifierParameters, type Argon2Parameters } from '../home/passphrase';
import { Roster, rosterEnvelope, RosterUser, VERIFIER_PATTERN } from '../home/roster';
import { loadSigner, PublishError } from './publish';

/**
 * `lantern roster build`: IT's CSV of staff into a signed roster (docs/SIGN-IN.md). Each row
 * brings either a `verifier` (made by `lantern roster verifier`, so IT never sees the
 * passphrase) or a `passphrase`, checked against the rules here and hashed, then forgotten.
 */

/** The CSV's columns, by header name (any order; `units` split on ; or spaces). */
export const ROSTER_COLUMNS = ['id', 'name', 'role', 'units', 'expires', 'passphrase', 'verifier'] as const;

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new PublishError('The users file ends inside a quoted field.');
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

export interface RosterRow {
  line: number;
  id: string;
  name: string;
  role: string;
  units: string[];
  expiresAt: string | null;
  passphrase: string | null;
  verifier: string | null;
}

/** The CSV's rows, checked; an error names the line and never quotes a passphrase. */
export function readRosterCsv(text: string): RosterRow[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new PublishError('The users file is empty.');
  const names = header.map((h) => h.trim().toLowerCase());
  const col = (name: (typeof ROSTER_COLUMNS)[number]) => names.indexOf(name);
  const unknown = names.filter((n) => !(ROSTER_COLUMNS as readonly string[]).includes(n));
  if (unknown.length) throw new PublishError(`The users file has columns Lantern does not know: ${unknown.slice(0, 5).join(', ')}.`);
  for (const need of ['id', 'name', 'role'] as const) if (col(need) < 0) throw new PublishError(`The users file has no "${need}" column (columns: ${ROSTER_COLUMNS.join(', ')}).`);
  if (col('passphrase') < 0 && col('verifier') < 0) throw new PublishError('The users file needs a "verifier" column (from lantern roster verifier) or a "passphrase" column.');
  return rows.map((cells, i) => {
    const line = i + 2;
    const get = (name: (typeof ROSTER_COLUMNS)[number]) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const expires = get('expires');
    let expiresAt: string | null = null;
    if (expires) {
      // A date alone means the end of that day (UTC).
      const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : expires);
      if (!Number.isFinite(t)) throw new PublishError(`Line ${line} of the users file: "expires" is not a date (use 2026-12-31).`);
      expiresAt = new Date(t).toISOString();
    }
    const passphrase = col('passphrase') >= 0 ? (cells[col('passphrase')] ?? '') : '';
    const verifier = get('verifier');
    if (passphrase && verifier) throw new PublishError(`Line ${line} of the users file has both a passphrase and a verifier: keep one.`);
    if (!passphrase && !verifier) throw new PublishError(`Line ${line} of the users file has neither a passphrase nor a verifier.`);
    return {
      line,
      id: get('id'),
      name: get('name'),
      role: get('role'),
      units: get('units').split(/[;\s]+/).filter(Boolean),
      expiresAt,
      passphrase: passphrase || null,
      verifier: verifier || null,
    };
  });
}

export interface BuildRosterOptions {
  rows: RosterRow[];
  certPem: string;
  keyPem: string;
  keyPassphrase?: string;
  facility: { id: string; name: string };
  units?: Array<{ id: string; name: string }>;
  sequence: number;
  expiresAfterMs: number;
  /** The shortest passphrase taken (at least MIN_PASSPHRASE_FLOOR). */
  minLength?: number;
  argon2?: Argon2Parameters;
  /** IT's emergency seed; its chain's end goes into the roster (null: no emergency codes). */
  seed: EmergencySeed | null;
  clock?: () => Date;
}

/** The signed roster file's text, and what it holds. */
export async function buildRoster(options: BuildRosterOptions): Promise<{ text: string; roster: Roster }> {
  const signer = loadSigner(options.certPem, options.keyPem, options.keyPassphrase);
  const minLength = options.minLength ?? MIN_PASSPHRASE_DEFAULT;
  if (minLength < MIN_PASSPHRASE_FLOOR) throw new PublishError(`--min-length must be at least ${MIN_PASSPHRASE_FLOOR}.`);
  const params = options.argon2 ?? ARGON2_DEFAULTS;
  const now = (options.clock ?? (() => new Date()))();
  // Every row is checked before the slow part, so one bad line does not cost a long wait.
  for (const row of options.rows) {
    if (row.passphrase !== null) {
      const problem = passphraseProblem(row.passphrase, minLength);
      if (problem) throw new PublishError(`Line ${row.line} of the users file (${row.id || 'no id'}): the passphrase is refused because ${problem}.`);
    } else if (!VERIFIER_PATTERN.test(row.verifier ?? '')) {
      throw new PublishError(`Line ${row.line} of the users file (${row.id || 'no id'}): the verifier is not an Argon2id verifier from lantern roster verifier.`);
    } else {
      const p = verifierParameters(row.verifier!)!;
      if (p.memoryKiB < params.memoryKiB || p.iterations < params.iterations) {
        throw new PublishError(`Line ${row.line} of the users file (${row.id}): the verifier was made with weaker Argon2id parameters (m=${p.memoryKiB}, t=${p.iterations}) than this roster's (m=${params.memoryKiB}, t=${params.iterations}).`);
      }
    }
  }
  const users: RosterUser[] = [];
  for (const row of options.rows) {
    const user = {
      id: row.id,
      name: row.name,
      role: row.role,
      units: row.units,
      expiresAt: row.expiresAt,
      verifier: row.verifier ?? (await makeVerifier(row.passphrase!, params)),
    };
    const parsed = RosterUser.safeParse(user);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PublishError(`Line ${row.line} of the users file: ${issue?.path.join('.')} is not valid (${issue?.message}).`);
    }
    users.push(parsed.data);
  }
  const body = {
    format: 'lantern-roster-body' as const,
    version: 1 as const,
    facility: options.facility,
    units: options.units ?? [],
    sequence: options.sequence,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + options.expiresAfterMs).toISOString(),
    passphrase: { minLength },
    emergency: options.seed ? chainOf(options.seed) : null,
    users,
  };
  const checked = Roster.safeParse(body);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new PublishError(`The roster is not valid (${issue?.path.join('.')}: ${issue?.message}).`);
  }
  const bytes = Buffer.from(JSON.stringify(checked.data), 'utf8');
  const text = rosterEnvelope(bytes, sign('sha256', bytes, signer.key), signer.chain.map(certificatePem));
  return { text, roster: checked.data };
}
