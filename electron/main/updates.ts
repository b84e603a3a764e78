import path from 'node:path';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { HomeLocation } from '../core/home/locate';
import { planUpdates, runUpdates, type Updates, type UpdaterLike } from '../core/home/updates';

/** The folder an update replaces: the install folder on Windows, the one holding Lantern.app on macOS. */
function installDir(): string {
  const exe = process.execPath;
  return process.platform === 'darwin' ? path.resolve(exe, '../../../..') : path.dirname(exe);
}

/** Start the policy's updates: core/home/updates.ts decides, electron-updater downloads and installs. */
export function startDesktopUpdates(location: HomeLocation, units: readonly string[], log: (line: string) => void): Updates {
  const plan = planUpdates({ policy: { updates: location.updates ?? undefined }, platform: process.platform, isPackaged: app.isPackaged, units });
  return runUpdates(() => autoUpdater as unknown as UpdaterLike, { plan, platform: process.platform, currentVersion: app.getVersion(), installDir: installDir(), log, onQuit: (run) => app.on('will-quit', run) });
}
