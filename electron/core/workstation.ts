import { existsSync } from 'node:fs';
import type { HomeQueries } from '../shared/contract';
import type { ApiContext } from './api/handlers';
import type { AppStatus, ExpiredCharts, LastFailure } from '../shared/contract';
import type { AuditRecorder } from './home/audit';
import { createExpiryGate } from './home/expiry';
import type { KeyProtector } from './home/key-protector';
import { homePath, readConfig } from './home/layout';
import type { Policy } from './home/policy';
import { rosterSource } from './home/roster';
import { appendHomeLog } from './home/log';
import { auditOfSignInEvent, createSignIn, homeSignInStore, signInLogEvent, type SignInEvent } from './home/sign-in';
import { DEFAULT_STALE_AFTER_MINUTES } from '../shared/defaults';
import { openHome, type OpenedHome } from './home/open';
import type { ContentModel } from './store/content';

export interface WorkstationOptions {
  shell: ApiContext['shell'];
  version: string;
  /** The home folder in use; null runs the shell with no data (empty state). */
  homeDir: string | null;
  demo: boolean;
  staleAfterMinutes?: number;
  /** What an expired copy's charts do (the managed policy's `expiredCharts`; default: open after an acknowledgement). */
  expiredCharts?: ExpiredCharts;
  clock?: () => Date;
  print?: ApiContext['print'];
  /** How the home's secrets are unsealed (desktop: OS key store; default: the home's key file). */
  protector?: KeyProtector;
  /** The chart model, handed in by the desktop app and the preview server. */
  model: ContentModel;
  /**
   * The inbox agent's last failure as it knows it, for when the home's state could not be
   * written (a full disk): shown until a snapshot is taken after it.
   */
  localFailure?: () => LastFailure | null;
  /** The home's audit log, opened by the composition root (home/audit.ts openAuditLog). */
  audit?: AuditRecorder;
  /** The managed policy's sign-in rules (home/sign-in.ts has the defaults). */
  signIn?: Policy['signIn'] | null;
  /** Every sign-in, failure, lockout, emergency access and lock (the audit log gets them too). */
  onSignInEvent?: (event: SignInEvent) => void;
}

/** The newer of two failures, unless a snapshot was taken after it. */
export function currentFailure(a: LastFailure | null, b: LastFailure | null, ingestedAt: string | null): LastFailure | null {
  const newest = a && b ? (Date.parse(b.at) > Date.parse(a.at) ? b : a) : (a ?? b);
  if (!newest || (ingestedAt && Date.parse(newest.at) <= Date.parse(ingestedAt))) return null;
  return newest;
}


/**
 * The running workstation as the API sees it: which home is open, its status and queries.
 * Both shells (desktop main process, preview server) build their handler table from this.
 * A folder that is not an enrolled home (yet) gives the empty state; an enrolled home that
 * cannot be opened (wrong key store, damaged) throws, so the shell can say so at start-up.
 */
export function openWorkstation(options: WorkstationOptions): ApiContext & { home: OpenedHome | null } {
  const clock = options.clock ?? (() => new Date());
  const baseStatus: Omit<AppStatus, 'now'> = {
    demo: options.demo,
    staleAfterMinutes: options.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
    snapshot: null,
    lastRejection: null,
    lastFailure: null,
  };
  const enrolled = options.homeDir !== null && existsSync(homePath(options.homeDir, 'config'));
  const home = enrolled
    ? openHome(options.homeDir!, { clock, protector: options.protector, model: options.model })
    : null;
  // Sign-in needs a home to keep its counters in; the empty state shows no patient data anyway.
  const signIn = enrolled
    ? createSignIn({
        roster: rosterSource(options.homeDir!, clock),
        homeUnits: readConfig(options.homeDir!).units,
        rules: options.signIn ?? {},
        store: homeSignInStore(options.homeDir!),
        clock,
        onEvent: (event) => {
          appendHomeLog(options.homeDir!, signInLogEvent(event), { clock });
          options.audit?.record(auditOfSignInEvent(event, clock()));
          options.onSignInEvent?.(event);
        },
      })
    : null;
  return {
    shell: options.shell,
    version: options.version,
    clock,
    home,
    ...(signIn ? { signIn } : {}),
    expiry: createExpiryGate({ policy: options.expiredCharts, homeDir: home ? options.homeDir : null, ...(options.audit ? { audit: options.audit } : {}) }),
    ...(options.audit ? { audit: options.audit } : {}),
    status: () => {
      if (!home) return { ...baseStatus, lastFailure: currentFailure(null, options.localFailure?.() ?? null, null) };
      const status = home.status();
      return {
        ...status,
        lastFailure: currentFailure(status.lastFailure, options.localFailure?.() ?? null, status.snapshot?.ingestedAt ?? null),
        demo: options.demo || status.demo,
        staleAfterMinutes: options.staleAfterMinutes ?? status.staleAfterMinutes,
      };
    },
    queries: (): HomeQueries | null => (home ? home.queries() : null),
    ...(options.print ? { print: options.print } : {}),
  };
}
