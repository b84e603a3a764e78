/**
 * Wraps and unwraps the secrets a home keeps (the database key, the workstation's private
 * key). The desktop app implements it with the OS key store (Electron safeStorage:
 * DPAPI, Keychain, libsecret); the CLI with a 0600 key file. Core never sees which.
 */
export interface KeyProtector {
  /** A short name shown in status output, e.g. "os-keystore" or "key-file". */
  readonly kind: string;
  protect(secret: Buffer): Buffer;
  unprotect(blob: Buffer): Buffer;
}
