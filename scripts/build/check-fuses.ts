// After packaging: read the fuses back from every packaged app in out/ and fail the build on any
// that is not what electron-builder.config.cjs asks for (run by `npm run dist`; tsx
// scripts/build/check-fuses.ts [OUT]). electron-builder flips them right before signing, so this
// reads the binary as shipped.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { FuseState } from '@electron/fuses/dist/constants';

const require = createRequire(import.meta.url);
const { ELECTRON_FUSES } = require('./builder-config.cjs') as { ELECTRON_FUSES: Record<string, boolean> };

export type ReadFuses = typeof getCurrentFuseWire;

/** The fuses the configuration sets, by their index in the fuse wire ("runAsNode" is RunAsNode). */
export function expectedFuses(config: Record<string, boolean> = ELECTRON_FUSES): Map<number, { name: string; enabled: boolean }> {
  const out = new Map<number, { name: string; enabled: boolean }>();
  for (const [key, enabled] of Object.entries(config)) {
    const name = key.charAt(0).toUpperCase() + key.slice(1);
    const index = (FuseV1Options as unknown as Record<string, number | undefined>)[name];
    if (index === undefined) throw new Error(`The fuse ${key} in electron-builder.config.cjs is unknown to @electron/fuses; update it.`);
    out.set(index, { name, enabled });
  }
  return out;
}

/** Every fuse of `binary` that differs from `expected`, one sentence each; empty: all as configured. */
export async function checkFuses(binary: string, expected = expectedFuses(), read: ReadFuses = getCurrentFuseWire): Promise<string[]> {
  let wire: Awaited<ReturnType<ReadFuses>>;
  try {
    wire = await read(binary);
  } catch (error) {
    return [`${binary}: the fuses could not be read (${(error as Error).message}).`];
  }
  if (wire.version !== FuseVersion.V1) return [`${binary}: fuse wire version ${wire.version} is unknown to @electron/fuses; update it.`];
  const states = wire as unknown as Record<number, FuseState | undefined>;
  const problems: string[] = [];
  for (const [index, { name, enabled }] of expected) {
    const state = states[index];
    const want = enabled ? FuseState.ENABLE : FuseState.DISABLE;
    if (state === want) continue;
    const found = state === undefined ? 'absent from this Electron' : state === FuseState.ENABLE ? 'enabled' : state === FuseState.DISABLE ? 'disabled' : state === FuseState.REMOVED ? 'removed' : `in state ${state}`;
    problems.push(`${binary}: the fuse ${name} is ${found}; it must be ${enabled ? 'enabled' : 'disabled'}.`);
  }
  return problems;
}

/** The packaged apps electron-builder left in `outDir`: win-unpacked/Lantern.exe, linux-unpacked/lantern, mac/Lantern.app... */
export function packagedApps(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const apps: string[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(outDir, entry.name);
    for (const candidate of ['Lantern.exe', 'lantern', 'Lantern.app']) {
      if (existsSync(path.join(dir, candidate))) apps.push(path.join(dir, candidate));
    }
  }
  return apps.sort();
}

/** The build step: exit 1 when no packaged app is found or any fuse is wrong. */
export async function main(outDir: string, log: (line: string) => void = console.error, read?: ReadFuses): Promise<number> {
  const apps = packagedApps(outDir);
  if (apps.length === 0) {
    log(`lantern build: no packaged app in ${outDir} to check the fuses of.`);
    return 1;
  }
  let failed = false;
  for (const app of apps) {
    const problems = await checkFuses(app, expectedFuses(), read);
    for (const problem of problems) log(`lantern build: ${problem}`);
    if (problems.length === 0) log(`lantern build: ${app}: fuses as configured.`);
    failed ||= problems.length > 0;
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main(path.resolve(process.argv[2] ?? 'out')).then((code) => process.exit(code));
}
