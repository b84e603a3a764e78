import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, LanternError } from '../../electron/shared/errors';

/** Exit codes IT scripts can rely on. Snapshot refusals have their own range, 10-39 (core). */
export { EXIT };

/** A command's own error: its message is the one line the user sees; exitCode says how it ended. */
export class CliError extends LanternError {
  override name = 'CliError';
  constructor(message: string, exitCode: number = EXIT.FAILED) {
    super(exitCode === EXIT.USAGE ? 'BAD_REQUEST' : 'UNAVAILABLE', message, {
      code: exitCode === EXIT.USAGE ? 'USAGE' : exitCode === EXIT.NOT_BUILT ? 'NOT_BUILT' : 'FAILED',
      audience: 'it',
      exitCode,
    });
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis shown by --help, e.g. "lantern ingest FILE --home DIR". */
  usage: string;
  /** Longer help: what each option means. */
  details?: string;
  options: Options;
  /** How many positional arguments the command takes: exactly N, or [at least, at most]. */
  positionals: number | readonly [number, number];
  /** Options that must be given. */
  required?: string[];
  run(
    args: { values: Values; positionals: string[] },
    io: Io,
  ): Promise<number>;
}

export const defineCommand = (command: Command): Command => command;

export function helpText(command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary, ...(command.details ? ['', command.details] : [])].join(
    '\n',
  );
}

/**
 * `--kid -Xy...` means the value "-Xy...": a string option takes the next word even when it starts
 * with a dash (a JWK thumbprint, a negative offset), unless that word is itself one of the options.
 */
function attachDashedValues(options: Options, argv: string[]): string[] {
  const known = new Set(['--help', '-h', ...Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])])]);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const next = argv[i + 1];
    const name = word.startsWith('--') ? word.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next?.startsWith('-') && next !== '--' && !known.has(next.split('=')[0]!)) {
      out.push(`${word}=${next}`);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}

/** Parse argv for one command; usage errors come back as CliError(USAGE). */
export function parseCommandArgs(command: Command, argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: attachDashedValues(command.options, argv),
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}. See: lantern ${command.name} --help`, EXIT.USAGE);
  }
  const values = parsed.values as Values;
  if (values['help']) return { help: true as const };
  const [least, most] = typeof command.positionals === 'number' ? [command.positionals, command.positionals] : command.positionals;
  if (parsed.positionals.length < least || parsed.positionals.length > most) {
    const want = most === 0 ? 'no' : least === most ? String(least) : `${least} to ${most}`;
    throw new CliError(
      `lantern ${command.name} takes ${want} positional argument(s). Usage: ${command.usage}`,
      EXIT.USAGE,
    );
  }
  for (const name of command.required ?? []) {
    if (values[name] === undefined) {
      throw new CliError(`--${name} is required. Usage: ${command.usage}`, EXIT.USAGE);
    }
  }
  return { help: false as const, values: parsed.values as Values, positionals: parsed.positionals };
}

/** For commands whose issue has not landed yet: a clear sentence, a distinct exit code. */
export function notBuilt(name: string): never {
  throw new CliError(`lantern ${name} is not built yet in this version of Lantern.`, EXIT.NOT_BUILT);
}

/** A string option's value (the last one when repeated). */
export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value[value.length - 1];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable option's values, in order. */
export function listOption(values: Values, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** A whole-number option within [min, max], or the default when absent. */
export function intOption(values: Values, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}").`, EXIT.USAGE);
  }
  return Number(raw);
}
