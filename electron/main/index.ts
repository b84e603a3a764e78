import path from 'node:path';
import { startLantern } from './app';

// Bundled to dist/electron/main.cjs; the build output's root is one folder up.
startLantern({ distDir: path.resolve(__dirname, '..') });
