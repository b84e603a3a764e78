import { readFileSync } from 'node:fs';
import { CliError, EXIT } from '../command';

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
