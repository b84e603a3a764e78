import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { SENTINEL } from '@electron/fuses/dist/constants';
import { describe, expect, it, vi } from 'vitest';
import { checkFuses, expectedFuses, main as checkPackagedFuses } from '../../scripts/build/check-fuses';
import { REPO_ROOT } from '../support/fixtures';

const require = createRequire(import.meta.url);
type Config = { files: string[] } & Record<string, unknown>;
const { builderConfig } = require(path.join(REPO_ROOT, 'scripts/build/builder-config.cjs')) as {
  builderConfig: (input: { env: Record<string, string>; platform: NodeJS.Platform; warn: (line: string) => void }) => Config & {
    win: Record<string, unknown>;
    mac: Record<string, unknown>;
  };
};
const config = builderConfig({ env: {}, platform: 'linux', warn: () => {} });
const validate = async (c: unknown) => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (c: unknown, log: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(c, new DebugLogger(false));
};
const build = (env: Record<string, string>, platform: NodeJS.Platform = 'win32') => {
  const warnings: string[] = [];
  return { config: builderConfig({ env, platform, warn: (line) => warnings.push(line) }), warnings };
};
const CSC = { CSC_LINK: 'C:\\build\\lantern.pfx', CSC_KEY_PASSWORD: 'secret', LANTERN_PUBLISHER_NAME: 'Example Hospital IT' };
const AZURE = {
  AZURE_TENANT_ID: 't',
  AZURE_CLIENT_ID: 'c',
  AZURE_CLIENT_SECRET: 's',
  AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
  AZURE_TRUSTED_SIGNING_ACCOUNT: 'lantern',
  AZURE_TRUSTED_SIGNING_PROFILE: 'lantern-public',
  LANTERN_PUBLISHER_NAME: 'Example Hospital IT',
};
const NOTARY = { APPLE_API_KEY: '/keys/AuthKey.p8', APPLE_API_KEY_ID: 'ABC123', APPLE_API_ISSUER: 'issuer-uuid' };

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation, unsigned and with each way of signing", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate(require(path.join(REPO_ROOT, 'electron-builder.config.cjs')))).resolves.toBeUndefined();
    for (const env of [CSC, AZURE, { ...NOTARY, CSC_NAME: 'Developer ID Application: Example Hospital (TEAM123)' }]) {
      await expect(validate(build(env).config), Object.keys(env).join()).resolves.toBeUndefined();
    }
    await expect(validate({ ...config, nsis: { perMachine: 'yes' } })).rejects.toThrow();
  });

  it('targets NSIS and MSI per-machine, deb + AppImage and dmg, with native/ as build resources', () => {
    expect(config).toMatchObject({
      directories: { buildResources: 'native' },
      win: { target: [{ target: 'nsis' }, { target: 'msi' }], verifyUpdateCodeSignature: true },
      nsis: { perMachine: true, oneClick: false },
      msi: { perMachine: true, upgradeCode: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      linux: { target: ['deb', 'AppImage'] },
      mac: { target: ['dmg', 'zip'], hardenedRuntime: true },
      publish: [{ provider: 'generic' }],
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

describe('signing follows the environment', () => {
  it('unsigned where no certificate is set: a warning for the platform being built, nothing forced', () => {
    const windows = build({}, 'win32');
    expect(windows.config.win).toMatchObject({ forceCodeSigning: false });
    expect(windows.config.win).not.toHaveProperty('signtoolOptions');
    expect(windows.config.win).not.toHaveProperty('azureSignOptions');
    expect(windows.warnings).toEqual([expect.stringMatching(/^Windows: no signing .*CSC_LINK.*Azure.*unsigned/)]);
    const mac = build({}, 'darwin');
    expect(mac.config.mac).toMatchObject({ notarize: false, identity: null });
    expect(mac.warnings).toEqual([expect.stringMatching(/^macOS: no Developer ID identity/)]);
    expect(build({ CSC_NAME: 'Developer ID Application: X' }, 'darwin').warnings).toEqual([expect.stringMatching(/^macOS: no notarization credentials/)]);
    expect(build({}, 'linux').warnings).toEqual([expect.stringMatching(/^Linux: .*signed apt repository/)]);
  });

  it('signtool with CSC_LINK: sha256, timestamped, the publisher name, and a build that fails rather than ship unsigned', () => {
    const { config: signed, warnings } = build(CSC);
    expect(warnings).toEqual([]);
    expect(signed.win).toMatchObject({
      forceCodeSigning: true,
      signtoolOptions: { publisherName: 'Example Hospital IT', signingHashAlgorithms: ['sha256'], rfc3161TimeStampServer: expect.stringMatching(/^http/) },
    });
    expect(build({ ...CSC, LANTERN_TIMESTAMP_URL: 'http://tsa.example.org' }).config.win).toMatchObject({ signtoolOptions: { rfc3161TimeStampServer: 'http://tsa.example.org' } });
  });

  it('Azure Trusted Signing when its variables are set', () => {
    expect(build(AZURE).config.win).toMatchObject({
      forceCodeSigning: true,
      azureSignOptions: { publisherName: 'Example Hospital IT', endpoint: AZURE.AZURE_TRUSTED_SIGNING_ENDPOINT, codeSigningAccountName: 'lantern', certificateProfileName: 'lantern-public' },
    });
    expect(build(AZURE).config.win).not.toHaveProperty('signtoolOptions');
  });

  it('macOS: notarized with a Developer ID identity and a complete set of Apple credentials', () => {
    const { config: mac, warnings } = build({ ...NOTARY, CSC_LINK: '/keys/developer-id.p12' }, 'darwin');
    expect(warnings).toEqual([]);
    expect(mac.mac).toMatchObject({ notarize: true, hardenedRuntime: true });
    expect(mac.mac).not.toHaveProperty('identity');
    expect(build({ APPLE_ID: 'it@example.org', APPLE_APP_SPECIFIC_PASSWORD: 'x', APPLE_TEAM_ID: 'T', CSC_NAME: 'n' }, 'darwin').config.mac).toMatchObject({ notarize: true });
  });

  it('refuses a half-configured or contradictory environment in one sentence instead of building something else', () => {
    const { AZURE_CLIENT_SECRET: _, ...halfAzure } = AZURE;
    expect(() => build(halfAzure)).toThrow('Azure Trusted Signing is half configured: set AZURE_CLIENT_SECRET too, or none of its variables.');
    expect(() => build({ ...AZURE, CSC_LINK: 'x.pfx' })).toThrow(/one way only/);
    expect(() => build({ CSC_LINK: 'x.pfx' })).toThrow(/LANTERN_PUBLISHER_NAME must be set/);
    expect(() => build({ APPLE_API_KEY: 'k' }, 'darwin')).toThrow('macOS notarization is half configured: set APPLE_API_KEY_ID, APPLE_API_ISSUER too.');
    expect(() => build(NOTARY, 'darwin')).toThrow(/needs a Developer ID identity/);
  });
});

/** A stand-in Electron binary: bytes around the fuse sentinel, then wire version 1, 8 fuses in the given states. */
function fakeElectron(dir: string, states: string): string {
  const file = path.join(dir, 'Lantern.exe');
  writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, states.length]), Buffer.from(states), Buffer.alloc(512, 9)]));
  return file;
}
// Electron's own defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, ASAR integrity off, ASAR only off, V8 snapshot off, file:// privileges on.
const ELECTRON_DEFAULTS = '10110001';

describe('the fuses read back after packaging', () => {
  it("flags every fuse of an unflipped Electron binary, each in a sentence, and passes it once flipped as configured", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-fuses-'));
    const binary = fakeElectron(dir, ELECTRON_DEFAULTS);
    const problems = await checkFuses(binary);
    expect(problems).toEqual([
      `${binary}: the fuse RunAsNode is enabled; it must be disabled.`,
      `${binary}: the fuse EnableCookieEncryption is disabled; it must be enabled.`,
      `${binary}: the fuse EnableNodeOptionsEnvironmentVariable is enabled; it must be disabled.`,
      `${binary}: the fuse EnableNodeCliInspectArguments is enabled; it must be disabled.`,
      `${binary}: the fuse EnableEmbeddedAsarIntegrityValidation is disabled; it must be enabled.`,
      `${binary}: the fuse OnlyLoadAppFromAsar is disabled; it must be enabled.`,
      `${binary}: the fuse GrantFileProtocolExtraPrivileges is enabled; it must be disabled.`,
    ]);
    // What electron-builder does with the configuration (its own conversion of electronFuses).
    const wire: Record<number, boolean> = {};
    for (const [index, { enabled }] of expectedFuses()) wire[index] = enabled;
    await flipFuses(binary, { version: FuseVersion.V1, ...wire });
    expect(await checkFuses(binary)).toEqual([]);
    expect((await getCurrentFuseWire(binary))[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe('0'.charCodeAt(0));
  });

  it('one fuse wrong, a fuse missing from an older Electron, an unreadable binary: each fails the check', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-fuses-'));
    expect(await checkFuses(fakeElectron(dir, '01011100'))).toEqual([expect.stringMatching(/EnableNodeCliInspectArguments is enabled; it must be disabled\.$/)]);
    expect(await checkFuses(fakeElectron(dir, '010011'))).toEqual([expect.stringMatching(/GrantFileProtocolExtraPrivileges is absent from this Electron; it must be disabled\.$/)]);
    writeFileSync(path.join(dir, 'Lantern.exe'), 'not electron');
    expect(await checkFuses(path.join(dir, 'Lantern.exe'))).toEqual([expect.stringMatching(/the fuses could not be read \(Could not find sentinel/)]);
    const read = vi.fn(async () => ({ version: '2' }) as unknown as Awaited<ReturnType<typeof getCurrentFuseWire>>);
    expect(await checkFuses('Lantern.exe', expectedFuses(), read)).toEqual(['Lantern.exe: fuse wire version 2 is unknown to @electron/fuses; update it.']);
  });

  it('the build step checks every packaged app in out/ and exits 1 on any wrong fuse or when there is none', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'lantern-out-'));
    const log: string[] = [];
    expect(await checkPackagedFuses(out, (l) => log.push(l))).toBe(1);
    expect(log).toEqual([`lantern build: no packaged app in ${out} to check the fuses of.`]);
    mkdirSync(path.join(out, 'win-unpacked'));
    mkdirSync(path.join(out, 'linux-unpacked'));
    fakeElectron(path.join(out, 'win-unpacked'), '01001000');
    writeFileSync(path.join(out, 'linux-unpacked', 'lantern'), readFileSync(path.join(out, 'win-unpacked', 'Lantern.exe')));
    const good: Record<number, boolean> = {};
    for (const [index, { enabled }] of expectedFuses()) good[index] = enabled;
    await flipFuses(path.join(out, 'linux-unpacked', 'lantern'), { version: FuseVersion.V1, ...good });
    log.length = 0;
    expect(await checkPackagedFuses(out, (l) => log.push(l))).toBe(1);
    expect(log).toEqual([
      `lantern build: ${path.join(out, 'linux-unpacked', 'lantern')}: fuses as configured.`,
      expect.stringMatching(/win-unpacked.Lantern\.exe: the fuse OnlyLoadAppFromAsar is disabled; it must be enabled\.$/),
    ]);
    await flipFuses(path.join(out, 'win-unpacked', 'Lantern.exe'), { version: FuseVersion.V1, ...good });
    expect(await checkPackagedFuses(out, () => {})).toBe(0);
  });

  it('npm run dist runs the check after electron-builder', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['dist']).toMatch(/electron-builder --config electron-builder\.config\.cjs && tsx scripts\/build\/check-fuses\.ts out$/);
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
