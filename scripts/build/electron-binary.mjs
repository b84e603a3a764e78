// Finding (and, where the network allows, fetching) the Electron binary, without ever
// letting a download failure surface as a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function electronPackageDir() {
  return path.dirname(require.resolve('electron/package.json'));
}

export function electronVersion() {
  return JSON.parse(readFileSync(path.join(electronPackageDir(), 'package.json'), 'utf8')).version;
}

/** The installed Electron executable, or null. */
export function findElectronBinary() {
  const dir = electronPackageDir();
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Try Electron's own installer once (it downloads the binary); quiet either way. */
export function tryInstallElectron() {
  const run = spawnSync(process.execPath, [path.join(electronPackageDir(), 'install.js')], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  return run.status === 0 ? findElectronBinary() : null;
}
