import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExportLevel } from '../../../electron/core/publisher/pull/bulk';
import { PULL_LIMITS, pullExport, type PullOptions, type PullProgress, type PullResult } from '../../../electron/core/publisher/pull/pull';
import { FULL_REFRESH_DEFAULT_DAYS, pullIntoState, type StatefulPullResult } from '../../../electron/core/publisher/pull/state';
import { parseDuration } from '../../../electron/core/publisher/publish';
import { SIGNING_ALGS, generateClientKey, type SigningAlg } from '../../../electron/core/publisher/pull/smart';
import { CliError, EXIT, defineCommand, intOption, stringOption, type Io, type Values } from '../command';
import { mb, readText } from './snapshot-common';

const USAGE =
  'lantern pull --base URL --out DIR [--state DIR [--since auto|INSTANT] [--full] [--full-every DURATION]] [--group ID | --patient] [--type T,...] [--post] ' +
  '[--client-id ID --key FILE --kid KID --alg RS384|ES384] [--token-url URL] [--parallel N] [--json]\n' +
  '       lantern pull keygen --alg RS384|ES384 --out DIR';

const alg = (values: Values): SigningAlg => {
  const a = stringOption(values, 'alg') ?? 'ES384';
  if (!(SIGNING_ALGS as readonly string[]).includes(a)) throw new CliError(`--alg "${a}" is not RS384 or ES384.`, EXIT.USAGE);
  return a as SigningAlg;
};

/** `lantern pull keygen`: the client key pair, and the JWKS IT registers with the EHR. */
function keygen(values: Values, io: Io): number {
  const outArg = stringOption(values, 'out');
  if (!outArg) throw new CliError(`--out is required. Usage: ${USAGE}`, EXIT.USAGE);
  const out = path.resolve(outArg);
  const key = generateClientKey(alg(values));
  mkdirSync(out, { recursive: true });
  const keyFile = path.join(out, 'client-key.pem');
  writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  writeFileSync(path.join(out, 'jwks.json'), `${JSON.stringify(key.jwks, null, 2)}\n`);
  io.err(`Private key: ${keyFile} (keep it on the publisher server only; readable by its service account alone)`);
  io.err(`Public JWKS: ${path.join(out, 'jwks.json')} — register it with the EHR for the client id, then pull with --kid ${key.kid} --alg ${key.alg}`);
  io.out(JSON.stringify(key.jwks, null, 2));
  return EXIT.OK;
}

function level(values: Values): ExportLevel {
  const group = stringOption(values, 'group');
  if (group !== undefined && values['patient']) throw new CliError('Give --group or --patient, not both.', EXIT.USAGE);
  if (group !== undefined) return { kind: 'group', id: group };
  return values['patient'] ? { kind: 'patient' } : { kind: 'system' };
}

function since(values: Values): string | undefined {
  const s = stringOption(values, 'since');
  if (s === undefined || values['full'] === true) return undefined;
  if (s === 'auto') {
    if (!stringOption(values, 'state')) throw new CliError('--since auto needs --state DIR: the publisher state remembers the last pull.', EXIT.USAGE);
    return s;
  }
  if (Number.isNaN(Date.parse(s)) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    throw new CliError(`--since "${s}" is not a FHIR instant (e.g. 2026-11-30T12:00:00Z).`, EXIT.USAGE);
  }
  return s;
}

/** One progress line: files, bytes, resources, time left when the manifest gave counts. */
export function progressLine(p: PullProgress, now: number): string {
  if (p.phase === 'kick-off') return 'pull: starting the export';
  if (p.phase === 'waiting') return `pull: the server is preparing the export${p.serverProgress ? ` (${p.serverProgress})` : ''}`;
  const elapsed = (now - p.startedAt) / 1000;
  let left = '';
  if (p.resourcesExpected && p.resources > 0 && p.resources < p.resourcesExpected) {
    const seconds = Math.round((elapsed * (p.resourcesExpected - p.resources)) / p.resources);
    left = `, about ${seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`} left`;
  }
  return `pull: ${p.filesDone}/${p.files} files, ${mb(p.bytes)}, ${p.resources.toLocaleString('en-US')} resources${left}`;
}

export default defineCommand({
  name: 'pull',
  usage: USAGE,
  summary: 'Pull a FHIR Bulk Data export from the EHR into an export folder that lantern publish reads.',
  details: [
    '--base URL         the EHR\'s FHIR base URL (R4)',
    '--out DIR          the export folder; replaced only when the pull is complete (work goes to',
    '                   DIR.partial, resumed by the next run after a cut)',
    '--group ID         a Group export (the unit\'s or the hospital\'s patient group); --patient: a',
    '                   Patient-level export; neither: a system-level export',
    '--type T,...       only these resource types (_type)',
    '--state DIR        the publisher\'s own current copy of the EHR (an encrypted database and its',
    '                   key, for the publisher\'s service account only): each pull is merged into it',
    '                   (deletions applied) and --out is written from it, whole',
    '--since auto|INSTANT  only what changed since (_since); auto: since the last pull merged into',
    '                   --state (a full pull when there is none)',
    '--full             a full pull, even with --since (with --state: replaces the state)',
    `--full-every D     with --state: a full refresh when the last is older than D (default ${FULL_REFRESH_DEFAULT_DAYS}d)`,
    '--post             kick off with POST and a Parameters resource instead of GET',
    '--client-id, --key, --kid, --alg   SMART Backend Services: the client registered with the EHR,',
    '                   its private key (PEM, from lantern pull keygen), the key id and RS384 or ES384',
    '--token-url URL    the token endpoint (default: from .well-known/smart-configuration)',
    `--parallel N       files downloaded at once (default ${PULL_LIMITS.PARALLEL_DEFAULT}, at most ${PULL_LIMITS.PARALLEL_MAX})`,
    '--json             print the result as JSON, and no progress',
    'keygen --alg A --out DIR   make a client key pair; prints the JWKS to register with the EHR',
  ].join('\n'),
  positionals: [0, 1],
  options: {
    base: { type: 'string' },
    out: { type: 'string' },
    group: { type: 'string' },
    patient: { type: 'boolean' },
    type: { type: 'string' },
    since: { type: 'string' },
    state: { type: 'string' },
    full: { type: 'boolean' },
    'full-every': { type: 'string' },
    post: { type: 'boolean' },
    'client-id': { type: 'string' },
    key: { type: 'string' },
    kid: { type: 'string' },
    alg: { type: 'string' },
    'token-url': { type: 'string' },
    parallel: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals[0] === 'keygen') return keygen(values, io);
    if (positionals.length) throw new CliError(`lantern pull knows no "${positionals[0]}". Usage: ${USAGE}`, EXIT.USAGE);
    for (const name of ['base', 'out']) if (!stringOption(values, name)) throw new CliError(`--${name} is required. Usage: ${USAGE}`, EXIT.USAGE);
    const authParts = ['client-id', 'key', 'kid'].filter((n) => stringOption(values, n) !== undefined);
    if (authParts.length && authParts.length < 3) throw new CliError('SMART Backend Services needs --client-id, --key and --kid together.', EXIT.USAGE);
    const json = values['json'] === true;
    const showProgress = !json && process.stderr.isTTY === true;
    let lastShown = 0;
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const options: Omit<PullOptions, 'since'> = {
        base: stringOption(values, 'base')!,
        out: stringOption(values, 'out')!,
        level: level(values),
        types: stringOption(values, 'type')?.split(',').map((t) => t.trim()).filter(Boolean),
        post: values['post'] === true,
        parallel: intOption(values, 'parallel', PULL_LIMITS.PARALLEL_DEFAULT, 1, PULL_LIMITS.PARALLEL_MAX),
        auth: authParts.length
          ? {
              credentials: { clientId: stringOption(values, 'client-id')!, privateKeyPem: readText(stringOption(values, 'key')!, 'the client key'), kid: stringOption(values, 'kid')!, alg: alg(values) },
              tokenUrl: stringOption(values, 'token-url'),
            }
          : undefined,
        http: { signal: abort.signal },
        events: {
          progress: (p) => {
            const now = Date.now();
            if (!showProgress || (now - lastShown < 1000 && p.phase === 'downloading' && p.filesDone < p.files)) return;
            lastShown = now;
            io.err(progressLine(p, now));
          },
          retry: (what, why, ms) => !json && io.err(`pull: ${what}: ${why}; trying again in ${Math.ceil(ms / 1000)} s`),
          note: (text) => !json && io.err(`pull: ${text}`),
        },
      };
      const stateDir = stringOption(values, 'state');
      const fullEvery = stringOption(values, 'full-every');
      const fullEveryMs = fullEvery === undefined ? undefined : parseDuration(fullEvery);
      if (fullEveryMs === null || (fullEveryMs !== undefined && fullEveryMs <= 0)) throw new CliError(`--full-every "${fullEvery}" is not a duration (e.g. 7d, 36h).`, EXIT.USAGE);
      if (!stateDir && (fullEvery !== undefined || since(values) === 'auto')) throw new CliError('--full-every and --since auto need --state DIR.', EXIT.USAGE);
      const result: PullResult & Partial<StatefulPullResult> = stateDir
        ? await pullIntoState({ ...options, stateDir: path.resolve(stateDir), since: since(values), full: values['full'] === true, fullEveryMs })
        : await pullExport({ ...options, since: since(values) });
      if (json) {
        io.out(JSON.stringify(result));
      } else {
        const total = Object.values(result.resources).reduce((a, b) => a + b, 0);
        io.out(`Pulled ${result.out}`);
        io.out(`  data as of ${result.transactionTime}; ${total.toLocaleString('en-US')} resources in ${result.files} files (${mb(result.bytes)})`);
        io.out(`  ${Object.entries(result.resources).map(([t, n]) => `${t} ${n}`).join(', ') || 'no resources'}`);
        if (result.deleted) io.out(`  ${result.deleted} deletion(s) listed by the server`);
        const errors = Object.entries(result.errors);
        if (errors.length) io.out(`  the server reported problems: ${errors.map(([s, n]) => `${n} ${s}`).join(', ')} (see ${path.join(result.out, 'error')})`);
        if (result.merge) {
          const m = result.merge;
          io.out(`  ${m.full ? 'full pull: the publisher state replaced' : `changes since ${result.since}: ${m.added} added, ${m.changed} changed, ${m.deleted} deleted`}; the state holds ${Object.values(m.counts).reduce((a, b) => a + b, 0).toLocaleString('en-US')} resources`);
        }
        if (!result.jobDeleted) io.err('Warning: the export job could not be deleted on the server; it will expire there by itself.');
      }
      return EXIT.OK;
    } catch (error) {
      if (abort.signal.aborted) throw new CliError('The pull was stopped; the export job was deleted on the server and the previous export folder is unchanged.');
      throw error;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
});
