import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDemoHome } from '../../electron/core/demo/home';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import type { KeyProtector } from '../../electron/core/home/key-protector';
import { openHome } from '../../electron/core/home/open';
import { resealHome } from '../../electron/core/home/reseal';
import { chartModel } from '../../electron/core/chart';

/** Stands in for the OS key store: AES-GCM under a key held in memory only. */
function memoryKeyStore(): KeyProtector {
  const key = randomBytes(32);
  return {
    kind: 'os-keystore',
    protect: (secret) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      return Buffer.concat([iv, c.update(secret), c.final(), c.getAuthTag()]);
    },
    unprotect: (blob) => {
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
    },
  };
}

describe('resealing a home into the OS key store', () => {
  it('moves the keys, destroys the key file, and the home still answers; the old protector no longer opens it', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-reseal-')), 'home');
    const keyFile = keyFileProtector(dir, { create: true });
    await ensureDemoHome(dir, { protector: keyFile, beds: 6, units: 1 });
    const before = openHome(dir, { model: chartModel, protector: keyFile });
    const census = JSON.stringify(before.queries()!.census({}));
    before.close();

    const keyStore = memoryKeyStore();
    expect(resealHome(dir, keyFileProtector(dir), keyStore)).toBe(true);
    expect(existsSync(path.join(dir, 'protector.key'))).toBe(false);
    const after = openHome(dir, { model: chartModel, protector: keyStore });
    expect(JSON.stringify(after.queries()!.census({}))).toBe(census);
    after.close();

    expect(() => openHome(dir, { model: chartModel, protector: keyFileProtector(dir) })).toThrow();
    expect(resealHome(dir, keyFileProtector(dir), keyStore)).toBe(false);
  });
});
