// `npm start`: build, then launch the desktop app (on the demo hospital unless a home is set).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, tryInstallElectron } from './build/electron-binary.mjs';
import { ensureElectronSqlite } from './build/native-electron.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function stop(sentence) {
  console.error(sentence);
  process.exit(1);
}

const electron = findElectronBinary() ?? tryInstallElectron();
if (!electron) {
  stop(
    'Lantern cannot open its desktop window here because the Electron binary is not installed and could not be downloaded; run `npm run preview` to use Lantern in your browser instead.',
  );
}

const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build/build.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) stop('Lantern could not be built; see the errors above.');

let binding;
try {
  binding = ensureElectronSqlite();
} catch (error) {
  stop(`Lantern cannot open its desktop window: ${error.message} Run \`npm run preview\` to use Lantern in your browser instead.`);
}

const child = spawn(electron, [ROOT], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, LANTERN_SQLITE_BINDING: binding },
});
child.on('exit', (code) => process.exit(code ?? 0));
