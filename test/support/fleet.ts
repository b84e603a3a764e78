import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildHeartbeat, deliverHeartbeat, signHeartbeat } from '../../electron/core/home/heartbeat';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { readIdentity } from '../../electron/core/home/layout';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { AS_OF, DAY_MS, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from './snapshots';
import { chartModel } from '../../electron/core/chart';

/**
 * A fleet for the heartbeat and report tests: real homes, each enrolled with its own
 * workstation certificate and fed real snapshots on a fake clock, so that at REPORT_AT each
 * station is in a known state; their heartbeats are signed and written to one share folder.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The time every report of the fleet is judged at. */
export const REPORT_AT = new Date(AS_OF.getTime() + 2 * DAY_MS);
export const at = (msBefore: number) => new Date(REPORT_AT.getTime() - msBefore);

export interface StationPlan {
  station: string;
  /** The snapshot taken: its data-as-of, when it was taken, how long it lasts; null: none. */
  snapshot: { asOf: Date; ingestAt: Date; expiresAfterMs?: number; sequence: number; units?: string[] } | null;
  /** Offer the same snapshot again at this time (refused as ROLLBACK: a station rejecting). */
  offerAgainAt?: Date;
  heartbeatAt: Date;
  intervalMinutes?: number;
}

/** Each state once (and a second fresh station on two units), by the ages the report should show. */
export const PLANS: StationPlan[] = [
  { station: 'ws-fresh', snapshot: { asOf: at(30 * MIN), ingestAt: at(25 * MIN), sequence: 101 }, heartbeatAt: at(5 * MIN) },
  { station: 'ws-stale', snapshot: { asOf: at(3 * HOUR), ingestAt: at(3 * HOUR - 5 * MIN), sequence: 90 }, heartbeatAt: at(2 * MIN) },
  {
    station: 'ws-expired',
    snapshot: { asOf: at(DAY_MS), ingestAt: at(DAY_MS - 10 * MIN), expiresAfterMs: 12 * HOUR, sequence: 80 },
    heartbeatAt: at(1 * MIN),
  },
  { station: 'ws-silent', snapshot: { asOf: at(40 * MIN), ingestAt: at(38 * MIN), sequence: 100 }, heartbeatAt: at(35 * MIN), intervalMinutes: 15 },
  { station: 'ws-rejecting', snapshot: { asOf: at(30 * MIN), ingestAt: at(25 * MIN), sequence: 101 }, offerAgainAt: at(20 * MIN), heartbeatAt: at(3 * MIN) },
  { station: 'ws-empty', snapshot: null, heartbeatAt: at(4 * MIN) },
  { station: 'ws-two-units', snapshot: { asOf: at(20 * MIN), ingestAt: at(18 * MIN), sequence: 102, units: ['4W', '5E'] }, heartbeatAt: at(6 * MIN) },
];

export interface Fleet {
  pki: TestPki;
  /** Another hospital's PKI: its workstation certificates chain to a CA the report does not trust. */
  foreign: TestPki;
  share: string;
  homes: Record<string, string>;
  /** The signed heartbeat text of each station, as written to the share. */
  texts: Record<string, string>;
}

export async function makeFleet(plans: StationPlan[] = PLANS): Promise<Fleet> {
  const root = tempDir('lantern-fleet-');
  const pki = makeTestPki({ workstations: plans.length, dir: path.join(root, 'pki') });
  const foreign = makeTestPki({ workstations: 1, dir: path.join(root, 'foreign-pki') });
  const share = path.join(root, 'share');
  mkdirSync(share);
  const fhir = writeTinyExport(path.join(root, 'export'));
  const homes: Record<string, string> = {};
  const texts: Record<string, string> = {};
  for (const [i, plan] of plans.entries()) {
    const home = path.join(root, plan.station);
    const units = plan.snapshot?.units ?? ['4W'];
    enrollTestHome(home, pki, { workstation: i, units });
    if (plan.snapshot) {
      const file = path.join(root, `${plan.station}.lsnap`);
      await buildSnapshot({
        pki,
        out: file,
        fhirDir: fhir.fhir,
        sequence: plan.snapshot.sequence,
        units,
        asOf: plan.snapshot.asOf,
        now: plan.snapshot.asOf,
        expiresAfterMs: plan.snapshot.expiresAfterMs,
        mapper: null,
      });
      await ingestSnapshot(home, file, { model: chartModel, clock: () => plan.snapshot!.ingestAt });
      if (plan.offerAgainAt) await ingestSnapshot(home, file, { model: chartModel, clock: () => plan.offerAgainAt! }).catch(() => undefined);
    }
    const heartbeat = buildHeartbeat({ homeDir: home, station: plan.station, intervalMinutes: plan.intervalMinutes ?? 15, appVersion: '0.1.0', now: plan.heartbeatAt });
    const text = signHeartbeat(heartbeat, readIdentity(home, keyFileProtector(home)));
    await deliverHeartbeat(home, plan.station, text, { dir: share });
    homes[plan.station] = home;
    texts[plan.station] = text;
  }
  return { pki, foreign, share, homes, texts };
}
