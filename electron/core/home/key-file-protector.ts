import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HomeError, writeFileAtomic } from './layout';
import type { KeyProtector } from './key-protector';

export const KEY_FILE_NAME = 'protector.key';
const MAGIC = Buffer.from('LKF1');

/**
 * The CLI / headless KeyProtector: secrets are sealed with AES-256-GCM under a random key
 * kept in `<home>/protector.key`, readable by its owner only (0600). Anyone who can read
 * that file can read the home: keep the home on an account only the service uses. The
 * desktop app uses the OS key store instead.
 */
export function keyFileProtector(homeDir: string, options: { create?: boolean; platform?: NodeJS.Platform } = {}): KeyProtector {
  const file = path.join(homeDir, KEY_FILE_NAME);
  const platform = options.platform ?? process.platform;
  let cached: Buffer | null = null;
  const key = (): Buffer => {
    if (cached) return cached;
    if (!existsSync(file)) {
      if (!options.create) throw new HomeError(`${file} is missing: this home's secrets cannot be unsealed. Enroll it again.`);
      writeFileAtomic(file, randomBytes(32).toString('hex') + '\n', 0o600);
    }
    if (platform !== 'win32') {
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) throw new HomeError(`${file} must be readable by its owner only (chmod 600).`);
    }
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new HomeError(`${file} is damaged.`);
    cached = Buffer.from(hex, 'hex');
    return cached;
  };
  return {
    kind: 'key-file',
    protect(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key(), iv);
      cipher.setAAD(MAGIC);
      const body = Buffer.concat([cipher.update(secret), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    unprotect(blob) {
      if (blob.length < 32 || !blob.subarray(0, 4).equals(MAGIC)) throw new HomeError('A sealed secret of this home is damaged.');
      const decipher = createDecipheriv('aes-256-gcm', key(), blob.subarray(4, 16));
      decipher.setAAD(MAGIC);
      decipher.setAuthTag(blob.subarray(16, 32));
      try {
        return Buffer.concat([decipher.update(blob.subarray(32)), decipher.final()]);
      } catch {
        throw new HomeError('A sealed secret of this home does not unseal with its key file.');
      }
    },
  };
}
