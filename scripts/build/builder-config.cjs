// The electron-builder configuration, built from the environment so signing runs where IT's
// build machine has the certificates and is skipped with a warning where it has none
// (docs/DEPLOYMENT.md). electron-builder.config.cjs calls it with process.env.

/** The fuses every packaged build must carry; scripts/build/check-fuses.ts reads them back. */
const ELECTRON_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** Azure Trusted Signing: the service principal electron-builder authenticates with, and our names for the account. */
const AZURE_AUTH = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'];
const AZURE_ACCOUNT = ['AZURE_TRUSTED_SIGNING_ENDPOINT', 'AZURE_TRUSTED_SIGNING_ACCOUNT', 'AZURE_TRUSTED_SIGNING_PROFILE'];
/** The three ways electron-builder's notarization authenticates (the first is Apple's recommendation). */
const APPLE_NOTARY = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
];

/** The MSI's upgrade code: the same for every version, so an MSI upgrade replaces the one installed. */
const MSI_UPGRADE_CODE = '6f1c7a5e-2b1d-4c8e-9a3f-5e0d4b7c2a91';

class BuildConfigError extends Error {
  name = 'BuildConfigError';
}

/**
 * @param {{ env: Record<string, string | undefined>, platform: NodeJS.Platform, warn: (line: string) => void }} input
 * @returns {import('electron-builder').Configuration}
 */
function builderConfig({ env, platform, warn }) {
  const has = (name) => Boolean(env[name] && env[name].trim());
  const someOf = (names) => names.some(has);
  const allOf = (names) => names.every(has);
  const missing = (names) => names.filter((n) => !has(n)).join(', ');
  const publisherName = has('LANTERN_PUBLISHER_NAME') ? env.LANTERN_PUBLISHER_NAME.trim() : undefined;

  // Windows: Azure Trusted Signing, or a certificate file for signtool (WIN_CSC_LINK, or CSC_LINK
  // outside a macOS build, where CSC_LINK is the Developer ID; electron-builder reads them itself).
  const azure = someOf([...AZURE_AUTH, ...AZURE_ACCOUNT]);
  const signtool = has('WIN_CSC_LINK') || (platform !== 'darwin' && has('CSC_LINK'));
  if (azure && !allOf([...AZURE_AUTH, ...AZURE_ACCOUNT])) {
    throw new BuildConfigError(`Azure Trusted Signing is half configured: set ${missing([...AZURE_AUTH, ...AZURE_ACCOUNT])} too, or none of its variables.`);
  }
  if (azure && signtool) throw new BuildConfigError('Both Azure Trusted Signing and CSC_LINK are set: sign Windows builds one way only.');
  if ((azure || signtool) && !publisherName) {
    throw new BuildConfigError("LANTERN_PUBLISHER_NAME must be set when Windows builds are signed: it is the certificate's subject name the installed app checks updates against.");
  }
  /** @type {import('electron-builder').WindowsConfiguration} */
  const win = {
    target: [
      { target: 'nsis', arch: ['x64'] },
      { target: 'msi', arch: ['x64'] },
    ],
    // A build that was meant to be signed fails rather than ship unsigned.
    forceCodeSigning: azure || signtool,
    verifyUpdateCodeSignature: true,
  };
  if (azure) {
    win.azureSignOptions = {
      publisherName,
      endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT,
      codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT,
      certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE,
    };
  } else if (signtool) {
    win.signtoolOptions = {
      publisherName,
      signingHashAlgorithms: ['sha256'],
      rfc3161TimeStampServer: env.LANTERN_TIMESTAMP_URL || 'http://timestamp.digicert.com',
    };
  } else if (platform === 'win32') {
    warn('Windows: no signing (set CSC_LINK and CSC_KEY_PASSWORD, or the Azure Trusted Signing variables): the installers are unsigned; do not deploy them.');
  }

  // macOS: a Developer ID identity (CSC_LINK or CSC_NAME), then notarization with one of Apple's credential sets.
  const macIdentity = has('CSC_LINK') || has('CSC_NAME');
  const notary = APPLE_NOTARY.find(allOf);
  const partialNotary = APPLE_NOTARY.find((set) => someOf(set) && !allOf(set));
  if (!notary && partialNotary) throw new BuildConfigError(`macOS notarization is half configured: set ${missing(partialNotary)} too.`);
  if (notary && !macIdentity) throw new BuildConfigError('macOS notarization needs a Developer ID identity: set CSC_LINK (and CSC_KEY_PASSWORD) or CSC_NAME.');
  if (platform === 'darwin') {
    if (!macIdentity) warn('macOS: no Developer ID identity (CSC_LINK or CSC_NAME): the app is not signed; Gatekeeper will refuse it.');
    else if (!notary) warn('macOS: no notarization credentials (APPLE_API_KEY, APPLE_API_KEY_ID, APPLE_API_ISSUER): the app is signed but not notarized.');
  }
  if (platform === 'linux') {
    warn('Linux: a .deb carries no signature of its own; publish it through the signed apt repository (docs/DEPLOYMENT.md).');
  }

  return {
    appId: 'org.lantern.downtime',
    productName: 'Lantern',
    copyright: 'Lantern contributors',
    directories: { buildResources: 'native', output: 'out' },
    // Only the built app and its runtime packages; never the preview server, tests or scripts.
    files: ['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
    extraResources: [
      // better-sqlite3 built for Electron's ABI (scripts/build/native-electron.mjs); the copy in
      // node_modules is built for Node and serves the CLI and tests.
      { from: 'native/electron-abi/${platform}-${arch}', to: 'native', filter: ['*.node'] },
      { from: 'native/policy', to: 'policy' },
    ],
    // Never rebuild native modules in place: the Electron copy is built separately.
    npmRebuild: false,
    asar: true,
    // Worker threads start from a real file.
    asarUnpack: ['dist/electron/ingest-worker.cjs'],
    electronFuses: { ...ELECTRON_FUSES },
    // latest.yml beside the installers, for stations whose policy turns updates on (the URL the
    // app uses is the policy's updates.url, not this one).
    publish: [{ provider: 'generic', url: env.LANTERN_UPDATE_URL || 'https://updates.invalid/lantern' }],
    win,
    nsis: {
      oneClick: false,
      perMachine: true,
      allowElevation: true,
      allowToChangeInstallationDirectory: false,
      include: 'native/installer.nsh',
    },
    // For Group Policy software installation, Intune or SCCM: per machine, silent, upgraded in place.
    msi: {
      perMachine: true,
      oneClick: true,
      upgradeCode: MSI_UPGRADE_CODE,
      runAfterFinish: false,
      createDesktopShortcut: true,
    },
    linux: {
      target: ['deb', 'AppImage'],
      category: 'MedicalSoftware',
      maintainer: 'Hospital IT <it@example.org>',
    },
    deb: { afterInstall: 'native/linux/after-install.sh' },
    mac: {
      target: ['dmg', 'zip'],
      category: 'public.app-category.medical',
      hardenedRuntime: true,
      entitlements: 'native/entitlements.mac.plist',
      entitlementsInherit: 'native/entitlements.mac.plist',
      notarize: Boolean(notary),
      ...(macIdentity ? {} : { identity: null }),
    },
    dmg: { sign: false },
  };
}

module.exports = { builderConfig, BuildConfigError, ELECTRON_FUSES };
