import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, session } from 'electron';
import type { ApiContext } from '../core/api/handlers';
import type { LastFailure } from '../shared/contract';
import { ensureDemoHome } from '../core/demo/home';
import { tryOpenAuditLog, type AuditLog } from '../core/home/audit';
import { auditActorOf } from '../core/home/sign-in';
import { keyFileProtector } from '../core/home/key-file-protector';
import type { KeyProtector } from '../core/home/key-protector';
import { startHeartbeat, type HeartbeatAgent } from '../core/home/heartbeat';
import { homePath, readConfig } from '../core/home/layout';
import { resolveHome, type HomeLocation } from '../core/home/locate';
import { readMachinePolicy } from '../core/home/policy';
import { resealHome } from '../core/home/reseal';
import { presentError } from '../core/home/errors';
import { takeSyncLockWhenFree, type SyncLock } from '../core/home/sync-lock';
import { useSqliteBinding } from '../core/store/database';
import { useIngestWorker } from '../core/store/parallel';
import { httpsSettingsFromPolicy, startHttpsAgent } from '../core/sync/https';
import { startInboxAgent, type InboxAgent } from '../core/sync/inbox';
import { proxyFromPac } from '../core/sync/proxy';
import { agentGroup, type SyncAgent } from '../core/sync/status';
import { openWorkstation } from '../core/workstation';
import { safeStorageProtector } from './safe-storage';
import { startDesktopUpdates } from './updates';
import { chartModel } from '../core/chart';

export interface DesktopHome {
  location: HomeLocation;
  context: ReturnType<typeof openWorkstation>;
  /** The home's sync agents (inbox and/or HTTPS source) as one, once running under the sync lock. */
  readonly agent: SyncAgent | null;
  /** Called when the agents start later (the sync lock was held by another agent at start-up). */
  onSyncStarted(listener: () => void): void;
  heartbeat: HeartbeatAgent | null;
  /** The home's audit log (null: no enrolled home to keep one in). */
  audit: AuditLog | null;
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
  return resolveHome({ env: process.env, policy: readMachinePolicy(), userDataDir: app.getPath('userData'), isPackaged: app.isPackaged });
}

/**
 * Everything the desktop app opens at start-up in the home `location` names (the demo
 * hospital when none is configured): the key store, the home, and its sync agents under the
 * home's sync lock: the inbox agent when the policy names an inbox, the HTTPS source's agent when
 * it names a URL (through the proxy the system's settings give, PAC included, unless the policy
 * names one). When another agent holds that lock (`lantern watch`), the app opens without
 * syncing, its header says who does, and it starts syncing once that agent has stopped.
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

  // Signed every few minutes by a timer, at each print and emergency access, and on closing.
  // It names whoever is signed in at the moment of each entry.
  const signedIn: { by?: ApiContext['signIn'] } = {};
  const audit = tryOpenAuditLog(location.dir, {
    protector,
    timer: true,
    checkpointMinutes: location.auditCheckpointMinutes ?? undefined,
    actor: () => auditActorOf(signedIn.by?.current() ?? null),
  });
  let inboxAgent: InboxAgent | null = null;
  let agent: SyncAgent | null = null;
  let lock: SyncLock | null = null;
  /** Why this app does not sync (another agent holds the home), for the header. */
  let notSyncing: LastFailure | null = null;
  const syncStarted: Array<() => void> = [];
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
    localFailure: () => inboxAgent?.lastFailure() ?? notSyncing,
    ...(audit ? { audit } : {}),
  });
  signedIn.by = context.signIn;
  const { inbox, source } = location;
  const systemProxy = async (url: string) => proxyFromPac(await session.defaultSession.resolveProxy(url));
  // Read before the lock: an unreadable CA bundle is the policy's error, shown at start-up.
  const sourceSettings = source ? httpsSettingsFromPolicy(source, systemProxy) : null;
  const waiting = inbox || source
    ? takeSyncLockWhenFree(location.dir, {
        agent: 'the Lantern app',
        onBusy: (error) => {
          const { code, message } = presentError(error, { surface: 'app', homeDir: location.dir, where: 'sync lock' });
          notSyncing = { at: new Date().toISOString(), code, message };
        },
        onTaken: (taken) => {
          lock = taken;
          notSyncing = null;
          const log = (line: string) => console.log(line);
          const recorder = audit ? { audit } : {};
          inboxAgent = inbox ? startInboxAgent({ model: chartModel, homeDir: location.dir, inbox, protector, log, ...recorder }) : null;
          const sourceAgent = sourceSettings ? startHttpsAgent({ model: chartModel, homeDir: location.dir, protector, ...sourceSettings, log, ...recorder }) : null;
          agent = agentGroup([inboxAgent, sourceAgent].filter((a) => a !== null));
          for (const listener of syncStarted) listener();
        },
      })
    : null;
  // The demo hospital is never reported to IT's fleet report.
  const heartbeat =
    location.heartbeat && !location.demo && context.home
      ? startHeartbeat({
          homeDir: location.dir,
          config: location.heartbeat,
          appVersion: app.getVersion(),
          protector,
          staleAfterMinutes: location.staleAfterMinutes ?? undefined,
          localFailure: () => inboxAgent?.lastFailure() ?? notSyncing,
          sync: () => agent?.status() ?? null,
          ...(audit ? { auditBacklog: () => audit.backlog() } : {}),
          log: (line) => console.log(line),
        })
      : null;
  // Off unless the policy turns them on; a home not yet enrolled, or the demo, has no units (the broad ring).
  const enrolled = !location.demo && existsSync(homePath(location.dir, 'config'));
  const updates = startDesktopUpdates(location, enrolled ? (readConfig(location.dir).units ?? []) : [], (line) => console.log(line));
  return {
    location,
    context,
    get agent() {
      return agent;
    },
    onSyncStarted: (listener) => syncStarted.push(listener),
    heartbeat,
    audit,
    close: async () => {
      updates.stop();
      heartbeat?.close();
      waiting?.stop();
      await agent?.close();
      lock?.release();
      context.home?.close();
      audit?.close();
    },
  };
}
