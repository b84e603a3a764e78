import { safeStorage } from 'electron';
import type { KeyProtector } from '../core/home/key-protector';
import { HomeError } from '../core/home/layout';

/**
 * The desktop KeyProtector: the home's secrets sealed by the OS key store through Electron
 * safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux). It fails
 * loudly rather than fall back to a key kept in the clear: without a key store the home's
 * keys must not be written. Call only after the app's `ready` event.
 */
export function safeStorageProtector(platform: NodeJS.Platform = process.platform): KeyProtector {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new HomeError('The operating system key store is not available, so Lantern cannot protect its keys. Ask IT to check the key store (DPAPI, Keychain or the Secret Service).');
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    throw new HomeError('No Secret Service (GNOME Keyring or KWallet) is running, so Lantern cannot protect its keys. Ask IT to enable one.');
  }
  return {
    kind: 'os-keystore',
    protect: (secret) => safeStorage.encryptString(secret.toString('base64')),
    unprotect: (blob) => {
      try {
        return Buffer.from(safeStorage.decryptString(blob), 'base64');
      } catch {
        throw new HomeError('The operating system key store could not unseal this home\'s keys (the user or machine key changed). Enroll the workstation again.');
      }
    },
  };
}
