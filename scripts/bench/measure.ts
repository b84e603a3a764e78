// Small measuring tools for `lantern bench`: child commands with their peak memory, and
// percentiles of repeated calls.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../build/build';

export interface CommandRun {
  seconds: number;
  /** Peak resident set size of the command's process, in MB. */
  peakRssMb: number;
  stdout: string;
}

/** Run `lantern ARGS` as its own process; fails with its stderr when it exits non-zero. */
export async function runLantern(args: string[]): Promise<CommandRun> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lantern-usage-'));
  const report = path.join(work, 'usage.json');
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'scripts/lantern.mjs'), ...args], {
          env: { ...process.env, LANTERN_USAGE_REPORT: report },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`lantern ${args[0]} failed (exit ${code}): ${stderr.trim().split('\n').pop()}`);
    const usage = JSON.parse(readFileSync(report, 'utf8')) as { maxRSS: number };
    return { seconds, peakRssMb: usage.maxRSS / 1024, stdout };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Percentiles {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Call `fn` once per input (after a short warm-up) and report p50/p99 in milliseconds. */
export function timeEach<T>(inputs: readonly T[], fn: (input: T) => unknown): Percentiles {
  for (const input of inputs.slice(0, Math.min(20, inputs.length))) fn(input);
  const times = inputs.map((input) => {
    const started = performance.now();
    fn(input);
    return performance.now() - started;
  });
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { n: times.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: times[times.length - 1] ?? 0 };
}
