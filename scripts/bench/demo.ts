// `lantern bench --demo`: the demo hospital as `npm start` and the preview build it (same
// generator, seed and size), each unit's MAR printed to PDF as a nurse prints it, with the
// pages each patient takes: the paper a downtime on the demo's units would use.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoHome } from '../../electron/core/demo/home';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { openWorkstation } from '../../electron/core/workstation';
import { chartModel } from '../../electron/core/chart';
import { printUnitMar, type UnitMarPrint } from './print';
import { printLine } from './run';

export interface DemoBenchReport {
  /** Each unit of the demo, its MAR printed (or why not). */
  units: Array<{ id: string; name: string; print: UnitMarPrint | { skipped: string } }>;
}

export async function runDemoBench(options: { log: (line: string) => void }): Promise<DemoBenchReport> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-demo-'));
  try {
    const homeDir = path.join(work, 'home');
    options.log('building the demo home…');
    // No roster: the print view opens without a sign-in, as on a home enrolled without one.
    await ensureDemoHome(homeDir, { protector: keyFileProtector(homeDir, { create: true }) });
    const context = openWorkstation({ model: chartModel, shell: 'preview', version: 'bench', homeDir, demo: true });
    const units = context.queries()!.census({}).units;
    context.home?.close();
    const report: DemoBenchReport = { units: [] };
    for (const unit of units) {
      options.log(`printing the MAR of ${unit.name}…`);
      const print = await printUnitMar(homeDir, unit.id, options.log, { demo: true }).catch((error: Error) => ({
        skipped: `failed: ${error.message.split('\n')[0]}`,
      }));
      report.units.push({ id: unit.id, name: unit.name, print });
    }
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatDemoBench(r: DemoBenchReport): string {
  return ['Lantern bench — the demo hospital (DEMO), each unit\'s MAR printed', '', ...r.units.map((u) => printLine(u.print))].join('\n');
}
