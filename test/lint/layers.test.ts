import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../scripts/lint/layers-rule.js';
import { REPO_ROOT } from '../support/fixtures';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The layer-rule messages for `code` as if it were the file at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'lantern/layers').map((m) => m.message);
}

describe('lint rule lantern/layers', () => {
  it.each([
    ['renderer/src/x.ts', "import fs from 'node:fs'; export const a = fs;", /Node built-in/],
    ['renderer/src/x.ts', "import path from 'path'; export const a = path;", /Node built-in/],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'; export const a = ipcRenderer;", /package "electron"/],
    ['renderer/src/x.ts', "import { openHome } from '../../electron/core/home/open'; export const a = openHome;", /electron\/core/],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3-multiple-ciphers'; export const a = Database;", /package/],
    ['electron/shared/x.ts', "import path from 'node:path'; export const a = path;", /Node built-in/],
    ['electron/shared/x.ts', "import React from 'react'; export const a = React;", /package "react"/],
    ['electron/shared/x.ts', "export * from '../core/workstation';", /electron\/core/],
    ['electron/core/x.ts', "import { app } from 'electron'; export const a = app;", /package "electron"/],
    ['electron/core/x.ts', "import { startLantern } from '../main/app'; export const a = startLantern;", /electron\/main/],
    ['electron/main/x.ts', "import { main } from '../../scripts/cli/main'; export const a = main;", /scripts/],
    ['electron/preload/x.ts', "import { shell } from 'electron'; export const a = shell;", /only contextBridge, ipcRenderer/],
    ['electron/preload/x.ts', "import fs from 'node:fs'; export const a = fs;", /Node built-in/],
    ['electron/core/x.ts', "export const load = () => import('../../renderer/src/App');", /renderer/],
    // Each layer may use only the npm packages LAYERS lists for it.
    ['electron/core/x.ts', "import { useState } from 'react'; export const a = useState;", /electron\/core may not use package "react"/],
    ['electron/core/x.ts', "import { build } from 'esbuild'; export const a = build;", /electron\/core may not use package "esbuild"/],
    ['electron/core/x.ts', "import { autoUpdater } from 'electron-updater'; export const a = autoUpdater;", /package "electron-updater"/],
    ['electron/core/x.ts', "import type { Plugin } from 'vite'; export type P = Plugin;", /package "vite"/],
    ['electron/shared/x.ts', "import { request } from 'undici'; export const a = request;", /electron\/shared may not use package "undici"/],
    ['electron/main/x.ts', "import Database from 'better-sqlite3-multiple-ciphers'; export const a = Database;", /electron\/main may not use package "better-sqlite3-multiple-ciphers"/],
    ['electron/main/x.ts', "import { z } from 'zod'; export const a = z;", /electron\/main may not use package "zod"/],
    ['electron/preload/x.ts', "import { z } from 'zod'; export const a = z;", /electron\/preload may not use package "zod"/],
    ['renderer/src/x.ts', "import { request } from 'undici'; export const a = request;", /renderer may not use package "undici"/],
    ['renderer/src/x.ts', "import { z } from 'zod'; export const a = z;", /renderer may not use package "zod"/],
    // Inside core, a part may use only its own rank and the ranks below (CORE_RANKS).
    ['electron/core/store/x.ts', "import { openHome } from '../home/open'; export const a = openHome;", /core\/store may not import from electron\/core\/home: it stands above it/],
    ['electron/core/snapshot/x.ts', "import { chartModel } from '../chart'; export const a = chartModel;", /it stands above it/],
    ['electron/core/chart/x.ts', "import type { ApiContext } from '../api/handlers'; export type A = ApiContext;", /core\/chart may not import from electron\/core\/api/],
    ['electron/core/snapshot/pki/x.ts', "import { openHome } from '../../home/open'; export const a = openHome;", /core\/snapshot\/pki may not import from electron\/core\/home/],
    // Every folder of a path is read: nested parts have their own rank (the longest name).
    ['electron/core/chart/facts/x.ts', "import { createQueries } from '../queries'; export const a = createQueries;", /core\/chart\/facts may not import from electron\/core\/chart\/queries: it stands above it/],
    ['electron/core/chart/facts/x.ts', "import { S } from '../codes'; export const a = S;", /core\/chart\/facts may not import from electron\/core\/chart: it stands above it/],
    ['electron/core/chart/x.ts', "import { createQueries } from './queries'; export const a = createQueries;", /core\/chart may not import from electron\/core\/chart\/queries/],
    ['electron/core/chart/queries/x.ts', "import { chartModel } from '..'; export const a = chartModel;", /core\/chart\/queries may not import from electron\/core\/chart\/index/],
    ['electron/core/chart/queries/context.ts', "import { SECTION_BY_CODE } from '../sections'; export const a = SECTION_BY_CODE;", /core\/chart\/queries\/context may not import from electron\/core\/chart\/sections/],
    ['electron/core/chart/sections.ts', "import { censusQuery } from './queries/census'; export const a = censusQuery;", /core\/chart\/sections may not import from electron\/core\/chart\/queries/],
    ['electron/core/snapshot/pki/x.ts', "import { verifySnapshot } from '../verify'; export const a = verifySnapshot;", /core\/snapshot\/pki may not import from electron\/core\/snapshot: it stands above it/],
    ['electron/core/snapshot/refusal.ts', "import { fingerprint } from './pki/certs'; export const a = fingerprint;", /core\/snapshot\/refusal may not import from electron\/core\/snapshot\/pki/],
    ['electron/core/store/x.ts', "import { isUnitParent } from '../chart/facts/placement'; export const a = isUnitParent;", /core\/store may not import from electron\/core\/chart\/facts/],
    ['electron/core/publisher/pull/x.ts', "import { runCycle } from '../service'; export const a = runCycle;", /core\/publisher\/pull may not import from electron\/core\/publisher: it stands above it/],
    ['electron/core/chart/rows/x.ts', "import { S } from '../codes'; export const a = S;", /core\/chart\/rows has no place in the order/],
    // The publisher side is used by nothing on the workstation side.
    ['electron/core/api/x.ts', "import { publishSnapshot } from '../publisher/publish'; export const a = publishSnapshot;", /it stands above it/],
    ['electron/core/workstation.ts', "import { publishSnapshot } from './publisher/publish'; export const a = publishSnapshot;", /only publisher, demo may use it/],
    ['electron/core/workstation.ts', "import { pullIntoState } from './publisher/pull/state'; export const a = pullIntoState;", /only publisher, demo may use it/],
    ['electron/core/newfolder/x.ts', "import { ok } from '../fhir/util'; export const a = ok;", /core\/newfolder has no place in the order/],
  ])('refuses in %s: %s', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['electron/core/x.ts', "import { z } from 'zod'; import fs from 'node:fs'; import { ok } from '../shared/result'; export const a = [z, fs, ok];"],
    ['electron/core/x.ts', "import { Tokenizer } from 'htmlparser2'; export const a = Tokenizer;"],
    ['electron/core/x.ts', "import { request } from 'undici'; import forge from 'node-forge'; import { watch } from 'chokidar'; import { argon2id } from 'hash-wasm'; import type { Database } from 'better-sqlite3-multiple-ciphers'; export const a = [request, forge, watch, argon2id]; export type D = Database;"],
    ['electron/shared/x.ts', "import { z } from 'zod'; export const a = z;"],
    ['electron/main/x.ts', "import { autoUpdater } from 'electron-updater'; import path from 'node:path'; export const a = [autoUpdater, path];"],
    ['renderer/src/x.ts', "import { useVirtualizer } from '@tanstack/react-virtual'; import DOMPurify from 'dompurify'; import { marked } from 'marked'; import { createRoot } from 'react-dom/client'; import { getDocument } from 'pdfjs-dist'; export const a = [useVirtualizer, DOMPurify, marked, createRoot, getDocument];"],
    ['scripts/x.ts', "import { build } from 'esbuild'; export const a = build;"],
    ['electron/main/x.ts', "import { app } from 'electron'; import { openWorkstation } from '../core/workstation'; export const a = [app, openWorkstation];"],
    ['electron/preload/x.ts', "import { contextBridge, ipcRenderer } from 'electron'; import { CHANNEL_NAMES } from '../shared/contract/names'; export const a = [contextBridge, ipcRenderer, CHANNEL_NAMES];"],
    ['renderer/src/x.ts', "import { useState } from 'react'; import type { Chart } from '../../electron/shared/contract'; export const a = useState; export type C = Chart;"],
    ['scripts/x.ts', "import { openHome } from '../electron/core/home/open'; export const a = openHome;"],
    ['electron/core/home/x.ts', "import { chartModel } from '../chart'; import { refuse } from '../snapshot/refusal'; export const a = [chartModel, refuse];"],
    ['electron/core/demo/x.ts', "import { publishSnapshot } from '../publisher/publish'; export const a = publishSnapshot;"],
    ['electron/core/snapshot/x.ts', "import { fingerprint } from './pki/certs'; export const a = fingerprint;"],
    ['electron/core/snapshot/pki/x.ts', "import { refuse } from '../refusal'; export const a = refuse;"],
    ['electron/core/home/x.ts', "import { fingerprint } from '../snapshot/pki/certs'; export const a = fingerprint;"],
    ['electron/core/chart/x.ts', "import { isNoKnownAllergy } from './facts/allergies'; export const a = isNoKnownAllergy;"],
    ['electron/core/chart/queries/x.ts', "import { S } from '../codes'; import { summarizeAllergies } from '../facts/allergies'; import { SECTION_BY_CODE } from '../sections'; import { bedTable } from './context'; export const a = [S, summarizeAllergies, SECTION_BY_CODE, bedTable];"],
    ['electron/core/chart/sections.ts', "import { bedsideEntry } from './queries/context'; export const a = bedsideEntry;"],
    ['electron/core/chart/index.ts', "import { createQueries } from './queries'; import { createChartStore } from './store'; export const a = [createQueries, createChartStore];"],
    ['electron/core/publisher/pull/x.ts', "import { FileSink } from '../mapped-files'; import { layoutOf } from '../../home/layout'; export const a = [FileSink, layoutOf];"],
    ['electron/core/publisher/x.ts', "import { pullIntoState } from './pull/state'; import { isUnitParent } from '../chart/facts/placement'; export const a = [pullIntoState, isUnitParent];"],
  ])('allows in %s what its layer may use', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });

  describe('the packages each layer may use', () => {
    const architecture = readFileSync(path.join(REPO_ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;

    /** The last cell of the layer table's row for `dir`. */
    const mayImport = (dir: string): string => {
      const row = architecture.split('\n').find((line) => line.startsWith(`| \`${dir}/\` |`));
      if (!row) throw new Error(`no row for ${dir}/ in the layer table`);
      return row.split(' | ').at(-1)!.replace(/ \|$/, '');
    };

    it.each(LAYERS.map((l) => [l.dir, l.packages] as const))('ARCHITECTURE.md names the packages of %s as the rule does', (dir, packages) => {
      const cell = mayImport(dir);
      if (packages === null) {
        expect(cell).toMatch(/^anything/);
        return;
      }
      const named = [...(cell.split('packages:')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(named.sort()).toEqual([...packages].sort());
    });

    it('lists only packages the project depends on', () => {
      const known = new Set([...Object.keys(pkg['dependencies']!), ...Object.keys(pkg['devDependencies']!)]);
      for (const layer of LAYERS) for (const name of layer.packages ?? []) expect(known, `${layer.dir}: ${name}`).toContain(name);
    });
  });
});
