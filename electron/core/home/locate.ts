import path from 'node:path';
import type { Policy } from './policy';

export interface HomeLocation {
  dir: string;
  /** True when no home is configured and the synthetic demo hospital is used instead. */
  demo: boolean;
  inbox: string | null;
  staleAfterMinutes: number | null;
}

/**
 * Which home the app opens: LANTERN_HOME when set (IT testing, the CLI), else the managed
 * policy's home, else the demo home in the user's data folder.
 */
export function resolveHome(input: {
  env: Record<string, string | undefined>;
  policy: Policy;
  userDataDir: string;
}): HomeLocation {
  const configured = input.env['LANTERN_HOME']?.trim() || input.policy.home;
  const common = {
    inbox: input.env['LANTERN_INBOX']?.trim() || input.policy.inbox || null,
    staleAfterMinutes: input.policy.staleAfterMinutes ?? null,
  };
  if (configured) return { dir: path.resolve(configured), demo: false, ...common };
  return { dir: path.join(input.userDataDir, 'demo-home'), demo: true, ...common };
}
