import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHome } from '../../electron/core/home/open';
import { startInboxAgent, type InboxAgent } from '../../electron/core/sync/inbox';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';
import { chartModel } from '../../electron/core/chart';

const clock = () => new Date(AS_OF.getTime() + 60_000);
let pki: TestPki;
let work: string;
let home: string;
let inbox: string;
let fhir: string;
let agent: InboxAgent | null = null;
const logs: string[] = [];

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log: ${logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const sequence = () => {
  const opened = openHome(home, { model: chartModel, clock });
  try {
    return opened.status().snapshot?.sequence ?? null;
  } finally {
    opened.close();
  }
};

beforeAll(async () => {
  pki = makeTestPki();
  work = tempDir();
  home = path.join(work, 'home');
  inbox = path.join(work, 'inbox');
  enrollTestHome(home, pki);
  ({ fhir } = writeTinyExport(path.join(work, 'export')));
  for (const seq of [1, 2, 3]) await buildSnapshot({ pki, out: path.join(work, `s${seq}.lantern`), fhirDir: fhir, sequence: seq });
  await buildSnapshot({ pki, out: path.join(work, 'other.lantern'), fhirDir: fhir, sequence: 9, facility: 'OTHER' });
});

afterAll(async () => {
  await agent?.close();
});

describe('the inbox agent', () => {
  it('ingests what is waiting in sequence order, rejects bad files with a reason, and keeps going', async () => {
    // Already waiting before the agent starts: out of order, plus two files that must be rejected.
    mkdirSync(inbox, { recursive: true });
    for (const [from, to] of [['s2.lantern', 'b-second.lantern'], ['s1.lantern', 'c-first.lantern'], ['other.lantern', 'a-other.lantern']]) {
      copyFileSync(path.join(work, from!), path.join(inbox, to!));
    }
    writeFileSync(path.join(inbox, 'notes.txt'), 'hello\n');
    agent = startInboxAgent({ homeDir: home, inbox, model: chartModel, clock, stabilityMs: 300, log: (l) => logs.push(l) });
    await agent.ready;
    await waitFor(() => list(path.join(inbox, 'processed')).length === 2 && list(path.join(inbox, 'rejected')).length === 4, 'the first batch');
    expect(list(path.join(inbox, 'processed'))).toEqual(['b-second.lantern', 'c-first.lantern']);
    expect(sequence()).toBe(2);
    expect(list(path.join(inbox, 'rejected'))).toEqual(['a-other.lantern', 'a-other.lantern.reason.txt', 'notes.txt', 'notes.txt.reason.txt']);
    expect(readFileSync(path.join(inbox, 'rejected', 'a-other.lantern.reason.txt'), 'utf8')).toMatch(/WRONG_FACILITY/);
    expect(readFileSync(path.join(inbox, 'rejected', 'notes.txt.reason.txt'), 'utf8')).toMatch(/NOT_A_SNAPSHOT/);
    expect(list(inbox).filter((n) => n !== 'processed' && n !== 'rejected')).toEqual([]);
  });

  it('waits until a file is completely written, ignores partial files, and picks up new snapshots', async () => {
    const bytes = readFileSync(path.join(work, 's3.lantern'));
    const target = path.join(inbox, 'd-third.lantern');
    writeFileSync(path.join(inbox, '.d-third.lantern.partial'), bytes);
    writeFileSync(target, bytes.subarray(0, 500));
    await new Promise((r) => setTimeout(r, 120));
    appendFileSync(target, bytes.subarray(500));
    await waitFor(() => list(path.join(inbox, 'processed')).includes('d-third.lantern'), 'the third snapshot');
    expect(sequence()).toBe(3);
    expect(list(path.join(inbox, 'rejected'))).toHaveLength(4);
    expect(existsSync(path.join(inbox, '.d-third.lantern.partial'))).toBe(true);
    // A replay of an ingested snapshot is rejected, and the agent is still running.
    copyFileSync(path.join(work, 's1.lantern'), path.join(inbox, 'e-replay.lantern'));
    await waitFor(() => list(path.join(inbox, 'rejected')).includes('e-replay.lantern.reason.txt'), 'the replay rejection');
    expect(readFileSync(path.join(inbox, 'rejected', 'e-replay.lantern.reason.txt'), 'utf8')).toMatch(/ROLLBACK/);
    const opened = openHome(home, { model: chartModel, clock });
    expect(opened.status().lastRejection?.file).toBe('e-replay.lantern');
    expect(opened.status().snapshot?.sequence).toBe(3);
    opened.close();
  });
});
