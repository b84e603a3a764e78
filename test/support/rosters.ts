import { writeFileSync } from 'node:fs';
import type { EmergencySeed } from '../../electron/core/home/emergency';
import type { Argon2Parameters } from '../../electron/core/home/passphrase';
import { buildRoster, type RosterRow } from '../../electron/core/publisher/roster-build';
import type { TestPki } from './snapshots';

/** Cheap Argon2id for tests (the real parameters cost half a second a check). */
export const TEST_ARGON2: Argon2Parameters = { memoryKiB: 256, iterations: 1, parallelism: 1 };

export const NURSE = { id: 'jdoe', name: 'Jane Doe', role: 'RN', passphrase: 'lantern correct horse' };
export const CHARGE = { id: 'asmith', name: 'Alex Smith', role: 'Charge RN', passphrase: 'battery staple moon' };

export const row = (u: { id: string; name: string; role: string; passphrase: string }, more: Partial<RosterRow> = {}, line = 2): RosterRow => ({
  line,
  id: u.id,
  name: u.name,
  role: u.role,
  units: [],
  expiresAt: null,
  passphrase: u.passphrase,
  verifier: null,
  ...more,
});

/** A signed roster file for the test PKI's publisher (facility GH unless told). */
export async function writeTestRoster(
  file: string,
  pki: Pick<TestPki, 'publisher'>,
  options: { sequence?: number; now: Date; rows?: RosterRow[]; expiresAfterMs?: number; seed?: EmergencySeed | null; facility?: string } = { now: new Date() },
): Promise<string> {
  const { text } = await buildRoster({
    rows: options.rows ?? [row(NURSE), row(CHARGE, {}, 3)],
    certPem: pki.publisher.certPem,
    keyPem: pki.publisher.keyPem,
    facility: { id: options.facility ?? 'GH', name: 'General Hospital' },
    sequence: options.sequence ?? 1,
    expiresAfterMs: options.expiresAfterMs ?? 30 * 86_400_000,
    argon2: TEST_ARGON2,
    seed: options.seed ?? null,
    clock: () => options.now,
  });
  writeFileSync(file, text);
  return file;
}
