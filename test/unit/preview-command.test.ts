import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures';

describe('npm run preview', () => {
  it('prints exactly one stdout line with the tokenised 127.0.0.1 URL and serves the contract there until stopped', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lantern-preview-home-'));
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/preview/main.ts', '--home', home, '--port', '0'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`preview exited with ${code}`)));
      });
      const match = /^Preview: (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([\w-]+)$/.exec(firstLine);
      expect(match, firstLine).not.toBeNull();
      const [, base, , token] = match!;
      const status = await fetch(`${base}ipc/status`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
      expect(await status.json()).toMatchObject({ ok: true, value: { snapshot: null } });
      expect((await fetch(base!)).headers.get('content-security-policy')).toContain("default-src 'none'");
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  }, 180_000);
});
