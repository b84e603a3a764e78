import type { ApiContext, HomeQueries } from './api/handlers';
import type { AppStatus } from '../shared/contract';

export interface WorkstationOptions {
  shell: ApiContext['shell'];
  version: string;
  /** The home folder in use; null runs the shell with no data (empty state). */
  homeDir: string | null;
  demo: boolean;
  staleAfterMinutes?: number;
  clock?: () => Date;
  print?: ApiContext['print'];
}

export const DEFAULT_STALE_AFTER_MINUTES = 120;

/**
 * The running workstation as the API sees it: which home is open, its status and queries.
 * Both shells (desktop main process, preview server) build their handler table from this.
 */
export function openWorkstation(options: WorkstationOptions): ApiContext {
  const clock = options.clock ?? (() => new Date());
  const baseStatus: Omit<AppStatus, 'now'> = {
    demo: options.demo,
    staleAfterMinutes: options.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
    snapshot: null,
    lastRejection: null,
  };
  const queries: HomeQueries | null = null;
  return {
    shell: options.shell,
    version: options.version,
    clock,
    status: () => baseStatus,
    queries: () => queries,
    ...(options.print ? { print: options.print } : {}),
  };
}
