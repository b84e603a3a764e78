import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Heartbeat } from '../../electron/core/home/heartbeat';
import { HOME_FILES } from '../../electron/core/home/layout';
import { Policy, policyPath } from '../../electron/core/home/policy';
import { DEFAULT_HEARTBEAT_MINUTES, DEFAULT_STALE_AFTER_MINUTES, SILENT_AFTER_INTERVALS } from '../../electron/shared/defaults';
import { REPO_ROOT } from '../support/fixtures';

/**
 * PowerShell is not on this machine, so the detection script cannot run here. What can break
 * it silently is checked instead: its thresholds against Lantern's defaults, the file and
 * policy places it reads, and every heartbeat field it reads against the heartbeat's schema
 * (a renamed field would make it judge every station wrongly). Its decisions are those of
 * classifyStation (core/home/fleet.ts), tested in fleet.test.ts.
 */

const SCRIPT = readFileSync(path.join(REPO_ROOT, 'native/windows/Detect-LanternStale.ps1'), 'utf8');
const constant = (name: string): string => {
  const m = new RegExp(`^\\$${name} = (.+)$`, 'm').exec(SCRIPT);
  if (!m) throw new Error(`no $${name} in the script`);
  return m[1]!.trim();
};

/** The object schema under optional/nullable wrappers, or null when it is not an object. */
function objectOf(schema: z.ZodType): z.ZodObject | null {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? s : null;
}

function hasPath(schema: z.ZodType, dotted: string): boolean {
  let s: z.ZodType = schema;
  for (const key of dotted.split('.')) {
    const object = objectOf(s);
    const next = object?.shape[key] as z.ZodType | undefined;
    if (!next) return false;
    s = next;
  }
  return true;
}

describe('the PowerShell detection script', () => {
  it("uses Lantern's own thresholds", () => {
    expect(Number(constant('DefaultStaleAfterMinutes'))).toBe(DEFAULT_STALE_AFTER_MINUTES);
    expect(Number(constant('DefaultIntervalMinutes'))).toBe(DEFAULT_HEARTBEAT_MINUTES);
    expect(Number(constant('SilentAfterIntervals'))).toBe(SILENT_AFTER_INTERVALS);
  });

  it('reads the heartbeat the home keeps, from the policy file the app reads', () => {
    expect(constant('HeartbeatFile')).toBe(`'${HOME_FILES.heartbeat}'`);
    const defaultPolicy = /\[string\]\$PolicyFile = \(Join-Path \$env:ProgramData '([^']+)'\)/.exec(SCRIPT)?.[1];
    expect(`C:\\ProgramData\\${defaultPolicy}`).toBe(policyPath('win32', { ProgramData: 'C:\\ProgramData' }));
    expect(SCRIPT).toContain("$RegistryKey = 'HKLM:\\Software\\Policies\\Lantern'");
  });

  it('reads only fields the heartbeat and the policy have', () => {
    const fields = (variable: string) => [...new Set([...SCRIPT.matchAll(new RegExp(`\\$${variable}\\.([A-Za-z][A-Za-z.]*[A-Za-z])`, 'g'))].map((m) => m[1]!))];
    const heartbeatFields = [...fields('hb'), ...fields('snap').map((f) => `snapshot.${f}`)];
    expect(heartbeatFields.sort()).toEqual(
      ['at', 'intervalMinutes', 'lastRefusal', 'lastRefusal.at', 'lastRefusal.code', 'snapshot', 'snapshot.asOf', 'snapshot.expiresAt', 'snapshot.ingestedAt', 'snapshot.sequence', 'staleAfterMinutes'].sort(),
    );
    for (const field of heartbeatFields) expect(hasPath(Heartbeat, field), field).toBe(true);
    for (const field of fields('policy')) expect(hasPath(Policy, field), field).toBe(true);
    expect(fields('policy')).toContain('heartbeat.intervalMinutes');
    // The file's wrapper: the heartbeat sits under "heartbeat" in the signed file.
    expect(SCRIPT).toContain('ConvertFrom-Json).heartbeat');
  });

  it('exits 1 for silent, expired and stale, and 0 only for a fresh copy', () => {
    const exits = [...SCRIPT.matchAll(/Write-Verdict \(?["']Lantern ([A-Z]+)[^\n]*? (\d)(?: \})?$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(exits).toEqual(['EXPIRED 1', 'SILENT 1', 'SILENT 1', 'SILENT 1', 'SILENT 1', 'EXPIRED 1', 'EXPIRED 1', 'STALE 1', 'FRESH 0']);
    // Every verdict is one of these lines: none exits without saying why.
    expect(SCRIPT.match(/Write-Verdict /g)).toHaveLength(exits.length);
    expect(SCRIPT.match(/\bexit\b/g)).toHaveLength(1);
  });
});
