import { readFileSync } from 'node:fs';
import { HomeError } from '../../../electron/core/home/layout';
import { SnapshotRefusal } from '../../../electron/core/snapshot/refusal';
import { PublishError } from '../../../electron/core/snapshot/publish';
import { LanternError } from '../../../electron/shared/errors';
import { CliError, EXIT } from '../command';

/** Turn core errors into the CLI's one-line errors: refusals keep their own exit codes. */
export async function withSnapshotErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SnapshotRefusal) throw new CliError(error.message, error.exitCode);
    if (error instanceof HomeError || error instanceof PublishError || error instanceof LanternError) throw new CliError(error.message, EXIT.FAILED);
    throw error;
  }
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`Cannot read ${what} ${file}.`, EXIT.FAILED);
  }
}

/** "ID" or "ID=Display name". */
export function parseRef(text: string, what: string): { id: string; name: string } {
  const [id, ...rest] = text.split('=');
  const clean = id?.trim() ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(clean)) {
    throw new CliError(`${what} "${text}" is not a valid id (letters, digits, . _ : -).`, EXIT.USAGE);
  }
  const name = rest.join('=').trim();
  return { id: clean, name: name || clean };
}

export const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
