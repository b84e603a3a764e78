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
