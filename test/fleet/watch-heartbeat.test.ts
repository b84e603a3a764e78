import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkHeartbeat } from '../../electron/core/home/heartbeat';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import { runCli } from '../support/cli';
import { enrollTestHome, makeTestPki, tempDir } from '../support/snapshots';

describe('lantern watch with a heartbeat in the policy', () => {
  it('writes the signed heartbeat to the share at start, and stops with the watch', async () => {
    const work = tempDir('lantern-watch-beat-');
    const pki = makeTestPki({ workstations: 1, now: new Date(), dir: path.join(work, 'pki') });
    const home = path.join(work, 'home');
    enrollTestHome(home, pki, { now: new Date() });
    const [inbox, share] = [path.join(work, 'inbox'), path.join(work, 'share')];
    mkdirSync(inbox);
    mkdirSync(share);
    const policy = path.join(work, 'policy.json');
    writeFileSync(policy, JSON.stringify({ heartbeat: { dir: share, stationId: 'ws-watch', intervalMinutes: 30 }, staleAfterMinutes: 45 }));
    const running = runCli(['watch', '--home', home, '--inbox', inbox, '--policy', policy]);
    const file = path.join(share, 'ws-watch.heartbeat.json');
    await vi.waitFor(() => readFileSync(file), { timeout: 15_000, interval: 25 });
    process.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(0);
    const check = checkHeartbeat(readFileSync(file), certificatesFromPem(pki.ca.certPem), new Date());
    expect(check.trusted && [check.heartbeat.station, check.heartbeat.intervalMinutes, check.heartbeat.staleAfterMinutes, check.heartbeat.units]).toEqual(['ws-watch', 30, 45, [{ id: '4W' }]]);
  });

  it('names the wrong key of a policy file it cannot use', async () => {
    const work = tempDir('lantern-watch-policy-');
    const policy = path.join(work, 'policy.json');
    writeFileSync(policy, JSON.stringify({ heartbeat: { url: 'http://example.org/beats' } }));
    const result = await runCli(['watch', '--home', work, '--inbox', work, '--policy', policy]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`lantern watch: The Lantern policy file ${policy} is not valid: heartbeat.url must be an https:// URL.`);
  });
});
