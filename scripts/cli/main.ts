import path from 'node:path';
import { presentError } from '../../electron/core/home/errors';
import { EXIT, helpText, parseCommandArgs, stringOption, type Command, type Io, type Values } from './command';
import { auditExport, auditPrune, auditVerify } from './commands/audit';
import bench from './commands/bench';
import census from './commands/census';
import chart from './commands/chart';
import enroll from './commands/enroll';
import generate from './commands/generate';
import ingest from './commands/ingest';
import inspect from './commands/inspect';
import pkiInit from './commands/pki-init';
import policyCheck from './commands/policy-check';
import publish from './commands/publish';
import publisher from './commands/publisher';
import pull from './commands/pull';
import resetSequence from './commands/reset-sequence';
import rollback from './commands/rollback';
import { ROSTER_COMMANDS } from './commands/roster';
import search from './commands/search';
import status from './commands/status';
import watch from './commands/watch';
import fleet from './commands/fleet';
import fleetReceive from './commands/fleet-receive';

export const COMMANDS: readonly Command[] = [
  generate,
  pkiInit,
  pull,
  publish,
  publisher,
  inspect,
  enroll,
  ingest,
  watch,
  status,
  resetSequence,
  rollback,
  search,
  census,
  chart,
  bench,
  fleet,
  fleetReceive,
  auditVerify,
  auditExport,
  auditPrune,
  policyCheck,
  ...ROSTER_COMMANDS,
];

// The `lantern` launcher (scripts/build/cli-bundle.mjs) points ingest at the worker that
// matches how the CLI runs: bundled beside the bundle, or the TypeScript source.
export { useIngestWorker } from '../../electron/core/store/parallel';

const stdio: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Lantern — the downtime chart for nursing stations.',
    '',
    'Usage: lantern COMMAND [options]   (lantern COMMAND --help for each)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Run the CLI; returns the process exit code. Never throws. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  // Longest match first, so "pki init" wins over a one-word name.
  const command =
    COMMANDS.find((c) => c.name === argv.slice(0, 2).join(' ')) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!command) {
    io.err(`lantern: unknown command "${argv[0]}". Run lantern --help for the list.`);
    return EXIT.USAGE;
  }
  const rest = argv.slice(command.name.split(' ').length);
  let values: Values | undefined;
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help) {
      io.out(helpText(command));
      return EXIT.OK;
    }
    values = parsed.values;
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    // Ours (a refusal, a home problem, a usage error) as it is; a local failure (disk full,
    // permission denied, a locked database...) or a bug in one sentence in our words, with
    // no stack and no third-party message (it might carry PHI); a bug also goes to the home's log.
    const home = values ? stringOption(values, 'home') : undefined;
    const shown = presentError(error, { surface: 'cli', homeDir: home ? path.resolve(home) : null, where: command.name });
    io.err(`lantern ${command.name}: ${shown.message}`);
    return shown.exitCode;
  }
}
