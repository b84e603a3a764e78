import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enrollHome } from '../home/enroll';
import type { KeyProtector } from '../home/key-protector';
import { homePath, readState } from '../home/layout';
import { makeThrowawayPki } from '../snapshot/pki/throwaway';
import { chartModel } from '../chart';
import { publishSnapshot } from '../publisher/publish';
import { ingestSnapshot } from '../home/ingest';
import { generateHospital } from './generate';
import type { EmergencySeed } from '../home/emergency';
import { installRoster } from '../home/roster';
import { buildRoster } from '../publisher/roster-build';
import { MIN_PASSPHRASE_FLOOR } from '../home/passphrase';

/** The demo home is rebuilt when its data is older than this many minutes, so that it looks current. */
export const DEMO_REFRESH_MINUTES = 60;
/** The demo's snapshot and roster stay valid this long: a demo never expires in use. */
const DEMO_VALID_MS = 30 * 24 * 60 * 60_000;

export const DEMO_FACILITY = { id: 'DEMO', name: 'Lantern Demo General Hospital (DEMO)' };

export interface DemoHomeOptions {
  /** Seals the demo home's keys; the desktop app passes the OS key store. */
  protector: KeyProtector;
  clock?: () => Date;
  beds?: number;
  units?: number;
  /** A demo snapshot older than this is replaced by a fresh one at start. */
  refreshAfterMinutes?: number;
  /** Give the demo home the DEMO roster (DEMO_USER, DEMO_SEED's codes): the app and the preview do. */
  roster?: boolean;
}

/** The demo roster's one user (documented in docs/SIGN-IN.md; synthetic data only). */
export const DEMO_USER = { id: 'demo', name: 'Demo Nurse (DEMO)', role: 'RN', passphrase: 'demo downtime' } as const;
/** The demo's emergency codes come from this published seed: not a secret, DEMO only. */
export const DEMO_SEED: EmergencySeed = {
  format: 'lantern-emergency-seed',
  version: 1,
  id: 'de00de00de00de00',
  seed: createHash('sha256').update('lantern-demo-emergency').digest('hex'),
  length: 100,
};

export interface DemoHomeResult {
  built: boolean;
  sequence: number;
}

/**
 * The demo home: a synthetic hospital from the project's own generator, published and
 * ingested through the real snapshot path (throwaway PKI, signed, encrypted, verified), so
 * the demo exercises exactly what a hospital's data would. Built on first start and
 * refreshed when its data is older than `refreshAfterMinutes`; marked DEMO everywhere.
 */
export async function ensureDemoHome(dir: string, options: DemoHomeOptions): Promise<DemoHomeResult> {
  const clock = options.clock ?? (() => new Date());
  const now = clock();
  const state = existsSync(homePath(dir, 'config')) ? readState(dir) : null;
  const current = state?.current ?? null;
  const refreshMs = (options.refreshAfterMinutes ?? DEMO_REFRESH_MINUTES) * 60_000;
  if (current && now.getTime() - Date.parse(current.status.asOf) < refreshMs && (!options.roster || existsSync(homePath(dir, 'roster')))) {
    return { built: false, sequence: current.status.sequence };
  }

  // Each build makes its own throwaway PKI (no demo key is kept anywhere); the home is
  // (re-)enrolled to trust it, and the sequence continues from the home's high-water mark.
  const pki = makeThrowawayPki({ workstations: 1, now });
  const workstation = pki.workstations[0]!;
  enrollHome({
    dir,
    trust: [pki.ca.certPem],
    protector: options.protector,
    certPem: workstation.certPem,
    keyPem: workstation.keyPem,
    facility: DEMO_FACILITY.id,
    demo: true,
    clock,
  });

  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-demo-'));
  try {
    const exportDir = path.join(work, 'export');
    const summary = await generateHospital({
      outDir: exportDir,
      beds: options.beds ?? 72,
      units: options.units ?? 3,
      days: 3,
      seed: 'lantern-demo',
      now,
      facilityName: DEMO_FACILITY.name,
    });
    const sequence = (state?.highWater[DEMO_FACILITY.id] ?? 0) + 1;
    const snapshot = path.join(work, 'demo.snapshot');
    await publishSnapshot({
      fhirDir: exportDir,
      protocolsDir: path.join(exportDir, 'protocols'),
      certPem: pki.publisher.certPem,
      keyPem: pki.publisher.keyPem,
      recipients: [workstation.certPem],
      facility: DEMO_FACILITY,
      units: summary.units.map((u) => ({ id: u.id, name: u.name })),
      sequence,
      asOf: now,
      expiresAfterMs: DEMO_VALID_MS,
      out: snapshot,
      mapper: chartModel.mapper,
      clock,
    });
    await ingestSnapshot(dir, snapshot, { model: chartModel, protector: options.protector, clock });
    if (options.roster) {
      const { text } = await buildRoster({
        rows: [{ line: 2, id: DEMO_USER.id, name: DEMO_USER.name, role: DEMO_USER.role, units: [], expiresAt: null, passphrase: DEMO_USER.passphrase, verifier: null }],
        certPem: pki.publisher.certPem,
        keyPem: pki.publisher.keyPem,
        facility: DEMO_FACILITY,
        sequence,
        expiresAfterMs: DEMO_VALID_MS,
        minLength: MIN_PASSPHRASE_FLOOR,
        seed: DEMO_SEED,
        clock,
      });
      const file = path.join(work, 'demo.roster');
      writeFileSync(file, text);
      installRoster(dir, file, { clock, file: 'demo.roster' });
    }
    return { built: true, sequence };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
