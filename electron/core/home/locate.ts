import path from 'node:path';
import type { ExpiredCharts } from '../../shared/contract';
import type { Policy } from './policy';

export interface HomeLocation {
  dir: string;
  /** True when no home is configured and the synthetic demo hospital is used instead. */
  demo: boolean;
  inbox: string | null;
  staleAfterMinutes: number | null;
  /** What an expired copy's charts do, as the policy says (null: the default, an acknowledgement). */
  expiredCharts: ExpiredCharts | null;
  /** The policy's sync block: start at sign-in, keep running when closed. */
  sync: NonNullable<Policy['sync']>;
  /** The HTTPS source the policy names (null: none). */
  source: NonNullable<Policy['source']> | null;
  /** Where and how often the station writes its heartbeat (null: it does not). */
  heartbeat: NonNullable<Policy['heartbeat']> | null;
  /** Minutes between signed audit checkpoints, as the policy says (null: the default). */
  auditCheckpointMinutes: number | null;
  /** The policy's updates group (null: not set, updates off). */
  updates: NonNullable<Policy['updates']> | null;
  /** The policy's sign-in rules (null: the defaults). */
  signIn: Policy['signIn'] | null;
}

/**
 * Whether LANTERN_HOME / LANTERN_INBOX may override the managed policy. In an installed
 * (packaged) app the policy IT deploys wins, so a user's environment cannot point the app at
 * another home or inbox; development runs, and machines whose policy allows it, take them.
 */
export const environmentOverridesAllowed = (input: { isPackaged: boolean; policy: Policy }): boolean =>
  !input.isPackaged || input.policy.allowEnvironmentOverrides === true;

/**
 * Which home the app opens: LANTERN_HOME when environment overrides are allowed and it is
 * set, else the managed policy's home, else the demo home in the user's data folder. The
 * inbox follows the same rule with LANTERN_INBOX.
 */
export function resolveHome(input: {
  env: Record<string, string | undefined>;
  policy: Policy;
  userDataDir: string;
  isPackaged: boolean;
}): HomeLocation {
  const env = environmentOverridesAllowed(input) ? input.env : {};
  const configured = env['LANTERN_HOME']?.trim() || input.policy.home;
  const common = {
    inbox: env['LANTERN_INBOX']?.trim() || input.policy.inbox || null,
    staleAfterMinutes: input.policy.staleAfterMinutes ?? null,
    expiredCharts: input.policy.expiredCharts ?? null,
    sync: input.policy.sync ?? {},
    source: input.policy.source ?? null,
    heartbeat: input.policy.heartbeat ?? null,
    auditCheckpointMinutes: input.policy.audit?.checkpointMinutes ?? null,
    updates: input.policy.updates ?? null,
    signIn: input.policy.signIn ?? null,
  };
  if (configured) return { dir: path.resolve(configured), demo: false, ...common };
  return { dir: path.join(input.userDataDir, 'demo-home'), demo: true, ...common };
}
