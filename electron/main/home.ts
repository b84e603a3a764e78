import { existsSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';
import type { ApiContext } from '../core/api/handlers';
import { ensureDemoHome } from '../core/demo/home';
import { keyFileProtector } from '../core/home/key-file-protector';
import type { KeyProtector } from '../core/home/key-protector';
import { homePath } from '../core/home/layout';
import { resolveHome, type HomeLocation } from '../core/home/locate';
import { policyPath, readPolicy } from '../core/home/policy';
import { resealHome } from '../core/home/reseal';
import { useSqliteBinding } from '../core/store/database';
import { useIngestWorker } from '../core/store/parallel';
import { startInboxAgent, type InboxAgent } from '../core/sync/inbox';
import { openWorkstation } from '../core/workstation';
import { safeStorageProtector } from './safe-storage';
import { chartModel } from '../core/chart';

export interface DesktopHome {
  location: HomeLocation;
  context: ReturnType<typeof openWorkstation>;
  agent: InboxAgent | null;
  close(): Promise<void>;
}

/** The SQLite module built for Electron's ABI: packaged beside the app, or named by `npm start`. */
function sqliteBindingPath(): string | null {
  if (app.isPackaged) return path.join(process.resourcesPath, 'native', 'better_sqlite3.node');
  return process.env['LANTERN_SQLITE_BINDING'] ?? null;
}

/** The bundled ingest worker beside this file (unpacked from the ASAR archive when packaged). */
function ingestWorkerPath(): string | null {
  const file = path.join(__dirname, 'ingest-worker.cjs');
  const unpacked = file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  if (existsSync(unpacked)) return unpacked;
  return existsSync(file) ? file : null;
}

/**
 * The OS key store seals the home's keys. Without one, a real home is refused (its keys
 * must not lie in a file); the demo home, synthetic data only, falls back to a key file.
 */
function chooseProtector(location: HomeLocation): KeyProtector {
  try {
    return safeStorageProtector();
  } catch (error) {
    if (location.demo) return keyFileProtector(location.dir, { create: true });
    throw error;
  }
}

/** Which home the desktop app opens: the managed policy's, an override it allows, or the demo home. */
export function locateDesktopHome(): HomeLocation {
  const policy = readPolicy(policyPath(process.platform, process.env));
  return resolveHome({ env: process.env, policy, userDataDir: app.getPath('userData'), isPackaged: app.isPackaged });
}

/**
 * Everything the desktop app opens at start-up in the home `location` names (the demo
 * hospital when none is configured): the key store, the home, and the inbox agent when the
 * policy names an inbox.
 */
export async function openDesktopHome(location: HomeLocation, print: ApiContext['print']): Promise<DesktopHome> {
  useSqliteBinding(sqliteBindingPath());
  const worker = ingestWorkerPath();
  useIngestWorker(worker ? { module: worker } : null);
  const protector = chooseProtector(location);
  // A home enrolled from the command line moves into the OS key store on first open.
  if (existsSync(homePath(location.dir, 'config')) && protector.kind !== 'key-file') {
    resealHome(location.dir, keyFileProtector(location.dir), protector);
  }
  if (location.demo) await ensureDemoHome(location.dir, { protector, roster: true });

  let agent: InboxAgent | null = null;
  const context = openWorkstation({
    model: chartModel,
    shell: 'desktop',
    version: app.getVersion(),
    homeDir: location.dir,
    demo: location.demo,
    staleAfterMinutes: location.staleAfterMinutes ?? undefined,
    expiredCharts: location.expiredCharts ?? undefined,
    signIn: location.signIn,
    protector,
    print,
    // What the inbox agent met even when the home's state could not be written (disk full).
    localFailure: () => agent?.lastFailure() ?? null,
  });
  agent = location.inbox
    ? startInboxAgent({ model: chartModel, homeDir: location.dir, inbox: location.inbox, protector, log: (line) => console.log(line) })
    : null;
  return {
    location,
    context,
    agent,
    close: async () => {
      await agent?.close();
      context.home?.close();
    },
  };
}
