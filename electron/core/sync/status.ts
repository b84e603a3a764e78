import type { SyncStatus } from '../../shared/sync-status';
import { readState } from '../home/layout';

export type { SyncStatus };

/** Any long-running agent that keeps a home in sync. */
export interface SyncAgent {
  status(): SyncStatus;
  close(): Promise<void>;
}

/**
 * The snapshot in use as the home's state says (whoever took it: this agent, `lantern
 * ingest`, a rollback); `fallback` when the state cannot be read right now.
 */
export function snapshotInUse(homeDir: string, fallback: Pick<SyncStatus, 'dataAsOf' | 'sequence'>): Pick<SyncStatus, 'dataAsOf' | 'sequence'> {
  try {
    const current = readState(homeDir).current;
    return { dataAsOf: current?.status.asOf ?? null, sequence: current?.status.sequence ?? null };
  } catch {
    return fallback;
  }
}

/**
 * Several agents on one home (an inbox and an HTTPS source) seen as one: the snapshot in use
 * is the home's, the next check the soonest, the last problem the latest.
 */
export function combinedStatus(agents: readonly SyncAgent[]): SyncStatus {
  const all = agents.map((a) => a.status());
  const first = all[0] ?? { dataAsOf: null, sequence: null, nextCheckAt: null, lastProblem: null };
  const soonest = all.map((s) => s.nextCheckAt).filter((t): t is string => t !== null).sort()[0] ?? null;
  const latest = all.map((s) => s.lastProblem).filter((p) => p !== null).sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
  return { dataAsOf: first.dataAsOf, sequence: first.sequence, nextCheckAt: soonest, lastProblem: latest };
}

/** The agents a home runs, closed together. */
export function agentGroup(agents: readonly SyncAgent[]): SyncAgent {
  return { status: () => combinedStatus(agents), close: async () => void (await Promise.all(agents.map((a) => a.close()))) };
}
