import type { X509Certificate } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { SILENT_AFTER_INTERVALS } from '../../shared/defaults';
import { LanternError } from '../../shared/errors';
import { freshnessOf } from '../../shared/freshness';
import { HEARTBEAT_MAX_BYTES, HEARTBEAT_SUFFIX, checkHeartbeat, type Heartbeat, type Signer } from './heartbeat';

/**
 * IT's view of the fleet (`lantern fleet report`, docs/FLEET.md): every heartbeat in a folder,
 * checked against the hospital CA, each station put in one state, worst first. A heartbeat
 * that cannot be verified is "untrusted" and nothing it says is used.
 */

/** Worst first: the order of the report and of the states' precedence. */
export const STATION_STATES = ['untrusted', 'silent', 'expired', 'stale', 'rejecting', 'fresh'] as const;
export type StationState = (typeof STATION_STATES)[number];

/** What each state means, for the report's legend and the docs. */
export const STATE_MEANINGS: Record<StationState, string> = {
  untrusted: 'its heartbeat does not verify against the trusted CA: nothing in it is believed',
  silent: `no heartbeat for more than ${SILENT_AFTER_INTERVALS} of its intervals`,
  expired: 'the copy in use has expired, or the station holds no copy at all',
  stale: 'the copy in use is older than its stale threshold',
  rejecting: 'the copy in use is fresh, but the station refused or held back the snapshot after it',
  fresh: 'the copy in use is within its stale threshold',
};

/**
 * How `lantern fleet report` exits, for monitoring systems: 0 every station fresh; 4 the worst
 * is a station rejecting its last snapshot (its copy is still fresh); 5 a station is stale,
 * expired, silent or untrusted.
 */
export const FLEET_EXIT = { FRESH: 0, REJECTING: 4, ATTENTION: 5 } as const;

/** How far ahead of the report's clock a heartbeat may be dated (clocks drift a little). */
export const CLOCK_AHEAD_SECONDS = 10 * 60;

export interface StationRow {
  /** The heartbeat's station; for an untrusted one, the name its file gives. */
  station: string;
  file: string;
  state: StationState;
  /** One sentence on why it is in that state. */
  why: string;
  signer: Signer | null;
  /** The verified heartbeat; null when untrusted. */
  heartbeat: Heartbeat | null;
  /** At the report's time, in seconds: since the heartbeat was made, since the data-as-of time, until expiry. */
  heartbeatAgeSeconds: number | null;
  dataAgeSeconds: number | null;
  expiresInSeconds: number | null;
}

export interface FleetReport {
  at: string;
  dir: string;
  stations: StationRow[];
  counts: Record<StationState, number>;
}

/** The folder cannot be read at all (IT fixes the path or the share's permissions). */
export class FleetError extends LanternError {
  override name = 'FleetError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNAVAILABLE', message, { code: 'FLEET', audience: 'it', cause: options.cause });
  }
}

/** "45 s", "12 min", "3 h 05 min", "2 d 04 h": an age for a reader. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}

/** The state of a verified station at `now`, and why. */
export function classifyStation(hb: Heartbeat, now: Date): { state: StationState; why: string } {
  const at = now.getTime();
  const silentAfter = SILENT_AFTER_INTERVALS * hb.intervalMinutes * 60;
  const heartbeatAge = Math.floor((at - Date.parse(hb.at)) / 1000);
  if (heartbeatAge > silentAfter) {
    return { state: 'silent', why: `no heartbeat for ${formatDuration(heartbeatAge)} (one every ${hb.intervalMinutes} min expected)` };
  }
  const snap = hb.snapshot;
  if (!snap) return { state: 'expired', why: 'no snapshot has been taken yet' };
  // The copy's freshness at the report's time, by the station's own threshold.
  const freshness = freshnessOf({ asOf: snap.asOf, expiresAt: snap.expiresAt, now, staleAfterMinutes: hb.staleAfterMinutes });
  const age = Math.floor(freshness.ageMs / 1000);
  if (freshness.state === 'expired') return { state: 'expired', why: `its copy (sequence ${snap.sequence}) expired; data ${formatDuration(age)} old` };
  if (freshness.state === 'stale') {
    return { state: 'stale', why: `data ${formatDuration(age)} old (stale after ${formatDuration(hb.staleAfterMinutes * 60)})` };
  }
  const ingested = Date.parse(snap.ingestedAt);
  if (hb.lastRefusal && Date.parse(hb.lastRefusal.at) > ingested) {
    const detail = hb.lastRefusal.reason.replace(/^Snapshot refused \([A-Z_]+\):\s*/, '').replace(/\.$/, '');
    return { state: 'rejecting', why: `refused its last snapshot (${hb.lastRefusal.code}): ${detail}` };
  }
  if (hb.heldBack && Date.parse(hb.heldBack.at) > ingested) {
    return { state: 'rejecting', why: `held back snapshot sequence ${hb.heldBack.sequence} (SUSPECT_DROP): it holds far less than the copy in use` };
  }
  return { state: 'fresh', why: `data ${formatDuration(age)} old` };
}

/** A heartbeat file's bytes: a regular file (never a link followed), at most HEARTBEAT_MAX_BYTES + 1 read. */
function readBounded(file: string): Buffer | string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'it is a symbolic link, not a file' : 'it cannot be read';
  }
  try {
    if (!fstatSync(fd).isFile()) return 'it is not a regular file';
    const buffer = Buffer.alloc(HEARTBEAT_MAX_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Read and judge every STATION.heartbeat.json in `dir` at `now`, worst first. */
export function readFleet(dir: string, anchors: X509Certificate[], now: Date): FleetReport {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(HEARTBEAT_SUFFIX) && !n.startsWith('.'));
  } catch (error) {
    throw new FleetError(`The heartbeat folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
  const at = now.getTime();
  const stations: StationRow[] = names.map((file) => {
    const named = file.slice(0, -HEARTBEAT_SUFFIX.length);
    const bytes = readBounded(path.join(dir, file));
    const check = typeof bytes === 'string' ? { trusted: false as const, problem: bytes, signer: null } : checkHeartbeat(bytes, anchors, now);
    const untrustedRow = (why: string, signer: Signer | null): StationRow => ({
      station: named,
      file,
      state: 'untrusted',
      why,
      signer,
      heartbeat: null,
      heartbeatAgeSeconds: null,
      dataAgeSeconds: null,
      expiresInSeconds: null,
    });
    if (!check.trusted) return untrustedRow(`Not verified: ${check.problem}.`, check.signer);
    const hb = check.heartbeat;
    if (hb.station !== named) return untrustedRow(`Not verified: it is signed for station ${hb.station} but lies in the file of ${named} (copied or replayed).`, check.signer);
    const ahead = Math.floor((Date.parse(hb.at) - at) / 1000);
    if (ahead > CLOCK_AHEAD_SECONDS) {
      return untrustedRow(`Not verified: it is dated ${formatDuration(ahead)} ahead of this computer's clock (check the station's clock); a heartbeat from the future would never fall silent.`, check.signer);
    }
    const { state, why } = classifyStation(hb, now);
    return {
      station: hb.station,
      file,
      state,
      why: `${why.charAt(0).toUpperCase()}${why.slice(1).replace(/\.$/, '')}.`,
      signer: check.signer,
      heartbeat: hb,
      heartbeatAgeSeconds: Math.floor((at - Date.parse(hb.at)) / 1000),
      dataAgeSeconds: hb.snapshot ? Math.floor((at - Date.parse(hb.snapshot.asOf)) / 1000) : null,
      expiresInSeconds: hb.snapshot ? Math.floor((Date.parse(hb.snapshot.expiresAt) - at) / 1000) : null,
    };
  });
  // Each station signs with its own certificate: one certificate speaking for two stations
  // means one of them writes the other's file (a live station covering for a dead one).
  const bySigner = new Map<string, string[]>();
  for (const row of stations) if (row.heartbeat && row.signer) bySigner.set(row.signer.fingerprint, [...(bySigner.get(row.signer.fingerprint) ?? []), row.station]);
  for (const [i, row] of stations.entries()) {
    const shared = row.heartbeat && row.signer ? bySigner.get(row.signer.fingerprint)! : [];
    if (shared.length > 1) {
      stations[i] = {
        ...row,
        state: 'untrusted',
        why: `Not verified: certificate "${row.signer!.subject}" signs the heartbeats of ${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ` and ${shared.length - 5} more` : ''}; each station must sign with its own.`,
        heartbeat: null,
        heartbeatAgeSeconds: null,
        dataAgeSeconds: null,
        expiresInSeconds: null,
      };
    }
  }
  const rank = (s: StationRow) => STATION_STATES.indexOf(s.state);
  stations.sort((a, b) => rank(a) - rank(b) || (b.dataAgeSeconds ?? Infinity) - (a.dataAgeSeconds ?? Infinity) || (a.station < b.station ? -1 : a.station > b.station ? 1 : 0));
  const counts = Object.fromEntries(STATION_STATES.map((s) => [s, stations.filter((r) => r.state === s).length])) as Record<StationState, number>;
  return { at: now.toISOString(), dir, stations, counts };
}

/** The exit code for a report (FLEET_EXIT). */
export function fleetExitCode(report: FleetReport): number {
  const { counts } = report;
  if (counts.untrusted + counts.silent + counts.expired + counts.stale > 0) return FLEET_EXIT.ATTENTION;
  return counts.rejecting > 0 ? FLEET_EXIT.REJECTING : FLEET_EXIT.FRESH;
}

/** The units of a station as the grid and the metrics list them: ids once each; none means the whole facility. */
export function stationUnits(row: StationRow): Array<{ id: string; name?: string }> {
  const seen = new Set<string>();
  return (row.heartbeat?.units ?? []).filter((u) => !seen.has(u.id) && seen.add(u.id));
}
