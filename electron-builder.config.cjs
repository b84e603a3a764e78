// Installers for IT: Windows NSIS and MSI per-machine, Linux deb + AppImage, macOS dmg (+ zip for
// updates). Build resources (icons, installer includes, entitlements, policy templates) live in
// native/. The configuration follows the signing variables of the environment: see
// scripts/build/builder-config.cjs and docs/DEPLOYMENT.md.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads this file as CommonJS
const { builderConfig } = require('./scripts/build/builder-config.cjs');

module.exports = builderConfig({ env: process.env, platform: process.platform, warn: (line) => console.warn(`lantern build: ${line}`) });
