import path from 'node:path';

export interface HomeLocation {
  dir: string;
  /** True when no home is configured and the synthetic demo hospital is used instead. */
  demo: boolean;
}

/**
 * Which home the app opens: LANTERN_HOME when IT has set one, else the demo home in the
 * user's data folder. (The managed policy file adds its own setting here.)
 */
export function resolveHome(input: {
  env: Record<string, string | undefined>;
  userDataDir: string;
}): HomeLocation {
  const configured = input.env['LANTERN_HOME']?.trim();
  if (configured) return { dir: path.resolve(configured), demo: false };
  return { dir: path.join(input.userDataDir, 'demo-home'), demo: true };
}
