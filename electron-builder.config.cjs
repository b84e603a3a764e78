// Installers for IT: Windows NSIS per-machine, Linux deb + AppImage, macOS dmg.
// Build resources (icons, installer includes, entitlements, policy templates) live in native/.
/** @type {import('electron-builder').Configuration} */
module.exports = {
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
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  win: { target: [{ target: 'nsis', arch: ['x64'] }] },
  nsis: {
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: false,
    include: 'native/installer.nsh',
  },
  linux: {
    target: ['deb', 'AppImage'],
    category: 'MedicalSoftware',
    maintainer: 'Hospital IT <it@example.org>',
  },
  deb: { afterInstall: 'native/linux/after-install.sh' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.medical',
    hardenedRuntime: true,
    entitlements: 'native/entitlements.mac.plist',
    entitlementsInherit: 'native/entitlements.mac.plist',
  },
  dmg: { sign: false },
};
