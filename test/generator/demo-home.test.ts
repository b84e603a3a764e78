import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FACILITY, ensureDemoHome } from '../../electron/core/demo/home';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { openHome } from '../../electron/core/home/open';
import { chartModel } from '../../electron/core/chart';

describe('demo home', () => {
  it('is built through the real snapshot path, marked DEMO, answers queries, and is refreshed when old', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-demo-home-')), 'home');
    let now = new Date('2026-11-21T08:00:00Z');
    const clock = () => now;
    const protector = keyFileProtector(dir, { create: true });

    const first = await ensureDemoHome(dir, { protector, clock, beds: 12, units: 2 });
    expect(first).toEqual({ built: true, sequence: 1 });
    const home = openHome(dir, { model: chartModel, protector, clock });
    const status = home.status();
    expect(status.demo).toBe(true);
    expect(status.snapshot).toMatchObject({ facility: DEMO_FACILITY, sequence: 1, asOf: now.toISOString() });
    expect(status.snapshot!.units).toHaveLength(2);
    const census = home.queries()!.census({});
    expect(census.beds.filter((b) => b.patient).length).toBeGreaterThan(0);
    home.close();

    // Encrypted at rest like any home: no generated name in clear in any file.
    const name = census.beds.find((b) => b.patient)!.patient!.name.split(/[ ,]+/)[0]!;
    for (const f of readdirSync(path.join(dir, 'snapshots'))) {
      expect(readFileSync(path.join(dir, 'snapshots', f)).includes(Buffer.from(name))).toBe(false);
    }

    // A fresh demo is kept; an old one is replaced by the next sequence.
    now = new Date(now.getTime() + 30 * 60_000);
    expect(await ensureDemoHome(dir, { protector, clock, beds: 12, units: 2 })).toEqual({ built: false, sequence: 1 });
    now = new Date(now.getTime() + 2 * 60 * 60_000);
    expect(await ensureDemoHome(dir, { protector, clock, beds: 12, units: 2 })).toEqual({ built: true, sequence: 2 });
    const again = openHome(dir, { model: chartModel, protector, clock });
    expect(again.status().snapshot).toMatchObject({ sequence: 2, asOf: now.toISOString() });
    again.close();
    expect(existsSync(path.join(dir, 'protector.key'))).toBe(true);
  });
});
