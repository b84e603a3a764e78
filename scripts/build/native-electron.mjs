// Build better-sqlite3-multiple-ciphers for Electron's ABI into native/electron-abi/, from a
// copy of its sources, so the Node build in node_modules (CLI, tests, preview) is untouched.
// Needs Electron's headers, which node-gyp fetches from the network the first time.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion } from './electron-binary.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the Electron-ABI module for this platform lives (also packaged from there). */
export function electronSqliteBinding(platform = process.platform, arch = process.arch) {
  return path.join(ROOT, 'native', 'electron-abi', `${platform}-${arch}`, 'better_sqlite3.node');
}

/** Build it when missing; returns its path, or throws an Error with one clear sentence. */
export function ensureElectronSqlite({ quiet = true } = {}) {
  const target = electronSqliteBinding();
  if (existsSync(target)) return target;
  const source = path.dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-native-'));
  try {
    cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
    const gyp = require.resolve('node-gyp/bin/node-gyp.js');
    const run = spawnSync(
      process.execPath,
      [gyp, 'rebuild', '--release', `--target=${electronVersion()}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
      { cwd: work, stdio: quiet ? 'ignore' : 'inherit', timeout: 15 * 60_000 },
    );
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (run.status !== 0 || !existsSync(built)) {
      throw new Error(
        `Could not build the SQLite module for Electron ${electronVersion()} (node-gyp needs Electron's headers from the network).`,
      );
    }
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(built, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(`SQLite module for Electron: ${ensureElectronSqlite({ quiet: false })}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
