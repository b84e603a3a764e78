import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures';

const require = createRequire(import.meta.url);
const config = require(path.join(REPO_ROOT, 'electron-builder.config.cjs')) as { files: string[] } & Record<string, unknown>;

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (c: unknown, log: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsis: { perMachine: 'yes' } }, new DebugLogger(false))).rejects.toThrow();
  });

  it('targets NSIS per-machine, deb + AppImage and dmg, with native/ as build resources', () => {
    expect(config).toMatchObject({
      directories: { buildResources: 'native' },
      win: { target: [{ target: 'nsis' }] },
      nsis: { perMachine: true, oneClick: false },
      linux: { target: ['deb', 'AppImage'] },
      mac: { target: ['dmg'], hardenedRuntime: true },
      npmRebuild: false,
    });
    for (const file of ['native/installer.nsh', 'native/entitlements.mac.plist', 'native/linux/after-install.sh']) {
      expect(existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
    }
  });

  it('sets the fuses that close Node and debugging back doors', () => {
    expect(config).toMatchObject({
      electronFuses: {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        grantFileProtocolExtraPrivileges: false,
      },
    });
  });

  it('packages the built app only: no preview server, scripts or tests', () => {
    const files = config.files;
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['dist/electron/**', 'dist/renderer/**', 'package.json']);
  });
});

describe('npm start without an Electron binary', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const electronDir = path.dirname(require.resolve('electron/package.json'));
  const hasElectron = existsSync(path.join(electronDir, 'path.txt'));

  it.skipIf(hasElectron)('fails with one sentence naming npm run preview, no stack trace', () => {
    const [cmd, ...args] = pkg.scripts['start']!.split(' ');
    expect(cmd).toBe('node');
    const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 150_000 });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Electron binary is not installed.*npm run preview/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
