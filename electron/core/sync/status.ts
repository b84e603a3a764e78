import { readState } from '../home/layout';

/**
 * What a sync agent says about itself (the inbox agent, the HTTPS agent): the tray and the
 * heartbeat read it, whichever agent runs. ISO times; no PHI (messages are Lantern's own).
 */
export interface SyncStatus {
  /** The data-as-of time of the snapshot in use, null before the first one. */
  dataAsOf: string | null;
  sequence: number | null;
  /** When the agent looks again on its own; null when it waits for a file to arrive (a watched inbox). */
  nextCheckAt: string | null;
  /** The latest failure or refusal, cleared by the next snapshot taken. */
  lastProblem: { at: string; message: string } | null;
}

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
