import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { removeSecurely } from '../store/database';
import { KEY_FILE_NAME } from './key-file-protector';
import type { KeyProtector } from './key-protector';
import { HomeError, homePath, readConfig, writeFileAtomic } from './layout';

const SEALED = ['identityKey', 'databaseKey'] as const;

/**
 * Move a home's secrets from one protector to another: the desktop app takes a home
 * enrolled from the command line (key file) into the OS key store, then destroys the key
 * file. Returns false when the home already uses `to`.
 */
export function resealHome(dir: string, from: KeyProtector, to: KeyProtector): boolean {
  const config = readConfig(dir);
  if (config.protector === to.kind) return false;
  if (config.protector !== from.kind) {
    throw new HomeError(`This home's keys are sealed by "${config.protector}", which this workstation cannot open.`);
  }
  // New blobs first, beside the old ones; then swap them in; the config names the new
  // protector last. The old key file goes only once everything points at the new one.
  for (const name of SEALED) {
    const file = homePath(dir, name);
    const secret = from.unprotect(readFileSync(file));
    try {
      writeFileAtomic(`${file}.next`, to.protect(secret));
    } finally {
      secret.fill(0);
    }
  }
  for (const name of SEALED) renameSync(`${homePath(dir, name)}.next`, homePath(dir, name));
  writeFileAtomic(homePath(dir, 'config'), JSON.stringify({ ...config, protector: to.kind }, null, 2) + '\n', 0o644);
  const keyFile = path.join(dir, KEY_FILE_NAME);
  if (from.kind === 'key-file' && existsSync(keyFile)) removeSecurely(keyFile);
  return true;
}
