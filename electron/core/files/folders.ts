import { createReadStream, existsSync, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Put a finished folder in the place of `target`, whole: the old one moves aside to
 * TARGET.previous, the new one takes its name, the old one goes. A reader never finds a half
 * folder under `target`; a cut between the two renames leaves TARGET.previous, which
 * recoverReplacedFolder() puts back.
 */
export function replaceFolder(finished: string, target: string): void {
  const previous = `${target}.previous`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(finished, target);
  rmSync(previous, { recursive: true, force: true });
}

/** After a cut inside replaceFolder(): the complete folder left aside goes back (or, if the new one made it, away). */
export function recoverReplacedFolder(target: string): void {
  const previous = `${target}.previous`;
  if (!existsSync(previous)) return;
  if (existsSync(target)) rmSync(previous, { recursive: true, force: true });
  else renameSync(previous, target);
}

/** The lines of an NDJSON file that hold something, read as a stream. */
export async function* ndjsonLines(file: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line.trim()) yield line;
}
