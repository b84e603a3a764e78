import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
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
});
