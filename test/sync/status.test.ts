import { describe, expect, it } from 'vitest';
import { agentGroup, type SyncAgent, type SyncStatus } from '../../electron/core/sync/status';

const agent = (status: SyncStatus, closed: string[], name: string): SyncAgent => ({
  status: () => status,
  close: async () => void closed.push(name),
});

describe('an inbox and an HTTPS source on one home, seen as one agent', () => {
  it('shows the snapshot in use, the soonest next check and the latest problem, and closes both', async () => {
    const closed: string[] = [];
    const inUse = { dataAsOf: '2026-12-02T04:00:00Z', sequence: 41 };
    const group = agentGroup([
      agent({ ...inUse, nextCheckAt: null, lastProblem: { at: '2026-12-02T04:10:00Z', message: 'Inbox share away.' } }, closed, 'inbox'),
      agent({ ...inUse, nextCheckAt: '2026-12-02T04:21:00Z', lastProblem: { at: '2026-12-02T04:20:00Z', message: 'Server answered 503.' } }, closed, 'https'),
    ]);
    expect(group.status()).toEqual({ ...inUse, nextCheckAt: '2026-12-02T04:21:00Z', lastProblem: { at: '2026-12-02T04:20:00Z', message: 'Server answered 503.' } });
    await group.close();
    expect(closed.sort()).toEqual(['https', 'inbox']);
  });

  it('has no problem and no next check when neither agent has one', () => {
    const quiet = { dataAsOf: null, sequence: null, nextCheckAt: null, lastProblem: null };
    expect(agentGroup([agent(quiet, [], 'a'), agent(quiet, [], 'b')]).status()).toEqual(quiet);
  });
});
