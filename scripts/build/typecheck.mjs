// Type-check every layer with its own tsconfig: the renderer and shared layers without
// Node types, electron/main against Electron's own typings.
import { spawnSync } from 'node:child_process';

const LAYERS = [
  'electron/shared',
  'electron/core',
  'electron/main',
  'electron/preload',
  'renderer',
  'scripts',
  'test',
];

let failed = false;
for (const layer of LAYERS) {
  const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${layer}/tsconfig.json`], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`typecheck: ${layer} has type errors`);
    failed = true;
  }
}
if (!failed) console.log(`typecheck: ${LAYERS.length} layers clean`);
process.exit(failed ? 1 : 0);
