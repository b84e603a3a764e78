import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/**
 * Passphrases and their Argon2id verifiers (hash-wasm: WebAssembly, so the same code runs in
 * Node, the CLI and Electron with no native module to rebuild per Electron version).
 */
export interface Argon2Parameters {
  /** KiB of memory each check fills. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/**
 * What `lantern roster build` uses: 64 MiB, 5 passes. One check took about 0.5 s on a 2-core
 * virtual machine (`lantern roster measure`; docs/SIGN-IN.md has the numbers): a nurse waits
 * half a second, someone holding a stolen roster pays the same for every guess.
 */
export const ARGON2_DEFAULTS: Argon2Parameters = { memoryKiB: 65_536, iterations: 5, parallelism: 1 };

/** The shortest passphrase a roster takes by default, and the floor `--min-length` cannot go under. */
export const MIN_PASSPHRASE_DEFAULT = 10;
export const MIN_PASSPHRASE_FLOOR = 8;

/**
 * Why a passphrase is refused, or null when it passes: too short, or digits alone (a PIN,
 * which a stolen roster gives up in minutes however slow each guess).
 */
export function passphraseProblem(passphrase: string, minLength = MIN_PASSPHRASE_DEFAULT): string | null {
  const text = passphrase.normalize('NFC');
  if (/^\d*$/.test(text.replace(/\s/g, ''))) return 'it is digits only (a PIN); use a passphrase with words or letters';
  if ([...text].length < minLength) return `it is shorter than ${minLength} characters`;
  if (new Set(text.toLowerCase()).size < 4) return 'it repeats too few different characters';
  return null;
}

/** An Argon2id verifier (PHC string) of a passphrase. */
export function makeVerifier(passphrase: string, params: Argon2Parameters = ARGON2_DEFAULTS): Promise<string> {
  return argon2id({
    password: passphrase.normalize('NFC'),
    salt: randomBytes(16),
    parallelism: params.parallelism,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    hashLength: 32,
    outputType: 'encoded',
  });
}

/** Does the passphrase match the verifier? A verifier that cannot be read matches nothing. */
export async function checkVerifier(passphrase: string, verifier: string): Promise<boolean> {
  try {
    return await argon2Verify({ password: passphrase.normalize('NFC'), hash: verifier });
  } catch {
    return false;
  }
}

/** The parameters a verifier was made with, or null when it is not an Argon2id verifier. */
export function verifierParameters(verifier: string): Argon2Parameters | null {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(verifier);
  return m ? { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]) } : null;
}
