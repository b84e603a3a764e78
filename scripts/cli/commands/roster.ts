import { tryOpenAuditLog } from '../../../electron/core/home/audit';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PUBLISH_DEFAULTS } from '../../../electron/core/publisher/defaults';
import { DEFAULT_CODES, EmergencySeed, emergencyCodes, makeEmergencySeed, MAX_CODES } from '../../../electron/core/home/emergency';
import { writeFileAtomic } from '../../../electron/core/home/layout';
import { ARGON2_DEFAULTS, MIN_PASSPHRASE_DEFAULT, MIN_PASSPHRASE_FLOOR, makeVerifier, checkVerifier, passphraseProblem, type Argon2Parameters } from '../../../electron/core/home/passphrase';
import { installRoster } from '../../../electron/core/home/roster';
import { parseDuration } from '../../../electron/core/publisher/publish';
import { buildRoster, readRosterCsv } from '../../../electron/core/publisher/roster-build';
import { CliError, EXIT, defineCommand, intOption, listOption, stringOption, type Values } from '../command';
import { parseRef, readText } from './snapshot-common';

/** Argon2id parameters from --memory (KiB) and --iterations; defaults: ARGON2_DEFAULTS. */
const argon2From = (values: Values): Argon2Parameters => ({
  memoryKiB: intOption(values, 'memory', ARGON2_DEFAULTS.memoryKiB, 64, 4 * 1024 * 1024),
  iterations: intOption(values, 'iterations', ARGON2_DEFAULTS.iterations, 1, 100),
  parallelism: 1,
});

function readSeed(file: string): EmergencySeed {
  let json: unknown;
  try {
    json = JSON.parse(readText(file, 'the emergency seed file'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file} is not an emergency seed file (JSON from lantern roster seed).`);
  }
  const parsed = EmergencySeed.safeParse(json);
  if (!parsed.success) throw new CliError(`${file} is not an emergency seed file made by lantern roster seed.`);
  return parsed.data;
}

/** A passphrase from --pass-file or standard input (one line), never from the command line. */
async function readPassphrase(values: Values): Promise<string> {
  const file = stringOption(values, 'pass-file');
  let text: string;
  if (file) text = readText(file, 'the passphrase file');
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new CliError('No passphrase was given (one line on standard input, or --pass-file FILE).', EXIT.USAGE);
  return line;
}

export const rosterBuild = defineCommand({
  name: 'roster build',
  usage:
    'lantern roster build --users FILE.csv --cert FILE --key FILE [--pass-file FILE] --facility ID[=NAME] [--unit ID ...] --sequence N [--expires DURATION] [--seed FILE] [--min-length N] [--memory KiB] [--iterations N] --out FILE',
  summary: 'Build a signed roster of who may sign in at the stations, from IT\'s CSV of staff (docs/SIGN-IN.md).',
  details: [
    '--users   CSV with a header: id, name, role, units (separated by ;), expires (2026-12-31, optional), and per row a verifier',
    '          (from lantern roster verifier: IT never sees the passphrase) or a passphrase (checked and hashed, then forgotten;',
    `          delete the CSV afterwards). A PIN (digits only) or a passphrase shorter than --min-length (default ${MIN_PASSPHRASE_DEFAULT}) is refused.`,
    '--seed    the emergency seed file (lantern roster seed): its codes are accepted by the stations; without it there are none.',
    `--expires how long stations take this roster (default ${PUBLISH_DEFAULTS.rosterExpires}). --sequence must grow with every roster of a facility.`,
    `--memory, --iterations: Argon2id cost (default ${ARGON2_DEFAULTS.memoryKiB} KiB, ${ARGON2_DEFAULTS.iterations}: about half a second a check; lantern roster measure).`,
  ].join('\n'),
  positionals: 0,
  required: ['users', 'cert', 'key', 'facility', 'sequence', 'out'],
  options: {
    users: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'pass-file': { type: 'string' },
    facility: { type: 'string' },
    unit: { type: 'string', multiple: true },
    sequence: { type: 'string' },
    expires: { type: 'string' },
    seed: { type: 'string' },
    'min-length': { type: 'string' },
    memory: { type: 'string' },
    iterations: { type: 'string' },
    out: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const expiresAfterMs = parseDuration(stringOption(values, 'expires') ?? PUBLISH_DEFAULTS.rosterExpires);
    if (expiresAfterMs === null) throw new CliError('--expires must be a duration such as 36h, 30d or P30D.', EXIT.USAGE);
    const passFile = stringOption(values, 'pass-file');
    const rows = readRosterCsv(readText(stringOption(values, 'users')!, 'the users file'));
    const seedFile = stringOption(values, 'seed');
    const { text, roster } = await buildRoster({
      rows,
      certPem: readText(stringOption(values, 'cert')!, 'the certificate file'),
      keyPem: readText(stringOption(values, 'key')!, 'the key file'),
      keyPassphrase: passFile ? readText(passFile, 'the key passphrase file').split(/\r?\n/)[0] : undefined,
      facility: parseRef(stringOption(values, 'facility')!, '--facility'),
      units: listOption(values, 'unit').map((u) => parseRef(u, '--unit')),
      sequence: intOption(values, 'sequence', 0),
      expiresAfterMs,
      minLength: intOption(values, 'min-length', MIN_PASSPHRASE_DEFAULT, 1, 128),
      argon2: argon2From(values),
      seed: seedFile ? readSeed(seedFile) : null,
    });
    const out = path.resolve(stringOption(values, 'out')!);
    writeFileAtomic(out, text, 0o644);
    io.out(`Roster ${path.basename(out)}: ${roster.facility.id} sequence ${roster.sequence}, ${roster.users.length} users, expires ${roster.expiresAt}, ${roster.emergency ? `${roster.emergency.length} emergency codes` : 'no emergency codes'}.`);
    if (rows.some((r) => r.passphrase !== null)) io.err('The users file holds passphrases: delete it now that the roster is built.');
    return EXIT.OK;
  },
});

export const rosterInstall = defineCommand({
  name: 'roster install',
  usage: 'lantern roster install FILE --home DIR',
  summary: 'Take a signed roster into a workstation home (as the inbox does); an unsigned, foreign, expired or older one is refused.',
  positionals: 1,
  required: ['home'],
  options: { home: { type: 'string' } },
  run: async ({ values, positionals }, io) => {
    const home = path.resolve(stringOption(values, 'home')!);
    const audit = tryOpenAuditLog(home);
    let taken;
    try {
      taken = installRoster(home, path.resolve(positionals[0]!), audit ? { audit } : {});
    } finally {
      audit?.close();
    }
    io.out(`Roster taken: ${taken.facility} sequence ${taken.sequence}, ${taken.users} users, expires ${taken.expiresAt}, ${taken.emergencyCodes} emergency codes.`);
    return EXIT.OK;
  },
});

export const rosterSeed = defineCommand({
  name: 'roster seed',
  usage: 'lantern roster seed --out FILE [--codes N]',
  summary: 'Make the secret seed of a chain of emergency codes (kept by IT, never on a station).',
  details: `--codes how many codes the chain holds (default ${DEFAULT_CODES}, at most ${MAX_CODES}). An existing file is never overwritten.`,
  positionals: 0,
  required: ['out'],
  options: { out: { type: 'string' }, codes: { type: 'string' } },
  run: async ({ values }, io) => {
    const out = path.resolve(stringOption(values, 'out')!);
    if (existsSync(out)) throw new CliError(`${out} exists already: a seed is never overwritten (its codes may be in use).`);
    const seed = makeEmergencySeed(intOption(values, 'codes', DEFAULT_CODES, 1, MAX_CODES));
    writeFileSync(out, `${JSON.stringify(seed)}\n`, { mode: 0o600, flag: 'wx' });
    io.out(`Emergency seed ${path.basename(out)}: ${seed.length} codes (chain ${seed.id}). Keep it where only IT reads it; build rosters with --seed ${path.basename(out)}.`);
    return EXIT.OK;
  },
});

export const rosterCodes = defineCommand({
  name: 'roster codes',
  usage: 'lantern roster codes --seed FILE [--from K] [--count N] [--json]',
  summary: 'Print emergency codes for IT and the house supervisor, in the order they are to be read out.',
  details: 'A station takes each code once, and no code earlier than one it already took: read them out in order.',
  positionals: 0,
  required: ['seed'],
  options: { seed: { type: 'string' }, from: { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' } },
  run: async ({ values }, io) => {
    const seed = readSeed(stringOption(values, 'seed')!);
    const codes = emergencyCodes(seed, intOption(values, 'from', 1, 1, seed.length), intOption(values, 'count', 10, 1, MAX_CODES));
    if (values['json']) io.out(JSON.stringify(codes, null, 2));
    else for (const c of codes) io.out(`${String(c.index).padStart(4)}  ${c.code}`);
    return EXIT.OK;
  },
});

export const rosterVerifier = defineCommand({
  name: 'roster verifier',
  usage: 'lantern roster verifier [--pass-file FILE] [--min-length N] [--memory KiB] [--iterations N]',
  summary: 'Turn one passphrase (standard input) into the verifier a roster CSV row carries, so IT never sees the passphrase.',
  positionals: 0,
  options: { 'pass-file': { type: 'string' }, 'min-length': { type: 'string' }, memory: { type: 'string' }, iterations: { type: 'string' } },
  run: async ({ values }, io) => {
    const passphrase = await readPassphrase(values);
    const problem = passphraseProblem(passphrase, intOption(values, 'min-length', MIN_PASSPHRASE_DEFAULT, MIN_PASSPHRASE_FLOOR, 128));
    if (problem) throw new CliError(`That passphrase is refused because ${problem}.`, EXIT.USAGE);
    io.out(await makeVerifier(passphrase, argon2From(values)));
    return EXIT.OK;
  },
});

export const rosterMeasure = defineCommand({
  name: 'roster measure',
  usage: 'lantern roster measure [--memory KiB] [--iterations N] [--runs N] [--json]',
  summary: 'Time one passphrase check with the roster\'s Argon2id parameters on this machine (aim: about half a second).',
  positionals: 0,
  options: { memory: { type: 'string' }, iterations: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean' } },
  run: async ({ values }, io) => {
    const params = argon2From(values);
    const runs = intOption(values, 'runs', 5, 1, 100);
    const verifier = await makeVerifier('measure this passphrase', params);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await checkVerifier('measure this passphrase', verifier);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    if (values['json']) io.out(JSON.stringify({ ...params, runs, medianMs: Math.round(median), minMs: Math.round(times[0]!), maxMs: Math.round(times.at(-1)!) }));
    else io.out(`Argon2id m=${params.memoryKiB} KiB t=${params.iterations} p=${params.parallelism}: one check ${Math.round(median)} ms (median of ${runs}; ${Math.round(times[0]!)}-${Math.round(times.at(-1)!)} ms)`);
    return EXIT.OK;
  },
});

export const ROSTER_COMMANDS = [rosterBuild, rosterInstall, rosterSeed, rosterCodes, rosterVerifier, rosterMeasure];
