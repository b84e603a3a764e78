import { readFileSync, copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditOfHomeEvent, chainHash, openAuditDatabase, openAuditLog, pruneAuditLog, verifyAuditLog, type AuditActor, type AuditLog } from '../../electron/core/home/audit';
import { createExpiryGate } from '../../electron/core/home/expiry';
import { homePath } from '../../electron/core/home/layout';
import { readPolicy } from '../../electron/core/home/policy';
import type { SnapshotStatus } from '../../electron/shared/contract';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { AS_OF, enrollTestHome, makeTestPki, tempDir, type TestPki } from '../support/snapshots';

const NURSE: AuditActor = { id: 'u-1001', name: 'Ana Ruiz', role: 'RN', how: 'roster' };

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});

/** A home with five entries and a checkpoint after the third; the clock moves a minute per call. */
function homeWithLog(options: { signAfter?: number } = {}): { dir: string; log: AuditLog; tick: (minutes: number) => void } {
  const dir = tempDir('lantern-audit-');
  enrollTestHome(dir, pki);
  let now = AS_OF.getTime();
  const log = openAuditLog(dir, { clock: () => new Date(now), actor: () => NURSE, checkpointMinutes: 60 });
  const tick = (minutes: number) => {
    now += minutes * 60_000;
  };
  for (let i = 1; i <= 5; i++) {
    tick(1);
    log.record({ kind: 'chart-opened', patient: `p${i}`, foundVia: i % 2 ? 'census' : 'search' });
    if (i === (options.signAfter ?? 3)) log.checkpoint('interval');
  }
  return { dir, log, tick };
}

/** Change rows of the encrypted database directly, as someone holding the home's key could. */
function tamper(dir: string, sql: (db: ReturnType<typeof openAuditDatabase>) => void): void {
  const db = openAuditDatabase(dir);
  try {
    sql(db);
  } finally {
    db.close();
  }
}

const rows = (dir: string) => {
  const db = openAuditDatabase(dir);
  try {
    return db.prepare('SELECT seq, body, hash FROM audit_entry ORDER BY seq').all() as Array<{ seq: number; body: string; hash: string }>;
  } finally {
    db.close();
  }
};

describe('the audit log', () => {
  it('records each entry with its time, station, actor, kind and patient, chained by hash, and verifies', () => {
    const { dir, log } = homeWithLog();
    const entries = log.entries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[1]).toMatchObject({ kind: 'chart-opened', patient: 'p2', foundVia: 'search', actor: NURSE, station: 'Lantern Test Workstation 1', at: '2026-03-01T12:02:00.000Z' });
    // The chain: each stored hash follows from the one before and the entry's bytes.
    const stored = rows(dir);
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.hash).toBe(chainHash(stored[i - 1]!.hash, stored[i]!.body));
    log.close();
    const verdict = verifyAuditLog(dir);
    expect(verdict).toMatchObject({ ok: true, entries: 5, first: 1, last: 5, unsigned: 0, problem: null });
  });

  it('records "not signed in" as a null actor until a sign-in provider is handed in', () => {
    const dir = tempDir('lantern-audit-');
    enrollTestHome(dir, pki);
    const log = openAuditLog(dir, { clock: () => AS_OF });
    expect(log.record({ kind: 'lock', cause: 'inactivity' })?.actor).toBeNull();
    log.close();
  });

  it('is encrypted at rest: no patient id, name or kind in the file', () => {
    const { dir, log } = homeWithLog();
    log.close();
    expect(existsSync(`${homePath(dir, 'audit')}-wal`)).toBe(false);
    const bytes = readFileSync(homePath(dir, 'audit'));
    for (const text of ['Ana Ruiz', 'chart-opened', 'foundVia', 'SQLite format']) expect(bytes.includes(Buffer.from(text)), text).toBe(false);
  });

  it('signs at once at a print and at emergency access, and every few minutes otherwise', () => {
    const dir = tempDir('lantern-audit-');
    enrollTestHome(dir, pki);
    let now = AS_OF.getTime();
    const log = openAuditLog(dir, { clock: () => new Date(now), checkpointMinutes: 5 });
    const count = () => (log.db.prepare('SELECT count(*) AS n FROM audit_checkpoint').get() as { n: number }).n;
    expect(count()).toBe(1); // the log's creation
    log.record({ kind: 'section-viewed', patient: 'p1', section: 'labs' });
    expect(count()).toBe(1);
    log.record({ kind: 'print', what: 'summary', patients: ['p1'], pages: 2, mode: 'pdf', printed: true });
    expect(count()).toBe(2);
    log.record({ kind: 'emergency-access', name: 'Sam Lee', role: 'agency RN', reason: 'forgot passphrase', minutes: 60 });
    expect(count()).toBe(3);
    log.record({ kind: 'section-viewed', patient: 'p1', section: 'mar' });
    now += 4 * 60_000;
    log.record({ kind: 'section-viewed', patient: 'p1', section: 'vitals' });
    expect(count()).toBe(3);
    now += 2 * 60_000; // the oldest unsigned entry is now 6 minutes old
    log.record({ kind: 'section-viewed', patient: 'p1', section: 'notes' });
    expect(count()).toBe(4);
    log.close();
    expect(verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 6, unsigned: 0 });
  });
});

describe('lantern audit verify finds each kind of tampering and names the first bad entry', () => {
  it('an edited entry', () => {
    const { dir, log } = homeWithLog();
    log.close();
    tamper(dir, (db) => {
      const row = db.prepare('SELECT body FROM audit_entry WHERE seq = 2').get() as { body: string };
      db.prepare('UPDATE audit_entry SET body = ? WHERE seq = 2').run(row.body.replace('"p2"', '"p9"'));
    });
    const verdict = verifyAuditLog(dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toEqual({ seq: 2, message: expect.stringMatching(/^Entry 2 \(2026-03-01T12:02:00.000Z\) was changed after it was written/) });
  });

  it('an edited entry whose chain was rewritten after it (caught by the signed checkpoint)', () => {
    const { dir, log } = homeWithLog({ signAfter: 3 });
    log.close();
    tamper(dir, (db) => {
      const all = db.prepare('SELECT seq, body FROM audit_entry ORDER BY seq').all() as Array<{ seq: number; body: string }>;
      let prev = (db.prepare('SELECT body FROM audit_checkpoint WHERE number = 1').get() as { body: string }).body;
      prev = JSON.parse(prev).hash as string;
      for (const row of all) {
        const body = row.seq === 2 ? row.body.replace('"p2"', '"p9"') : row.body;
        const hash = chainHash(prev, body);
        db.prepare('UPDATE audit_entry SET body = ?, hash = ? WHERE seq = ?').run(body, hash, row.seq);
        prev = hash;
      }
    });
    const verdict = verifyAuditLog(dir);
    expect(verdict.problem?.seq).toBe(1);
    expect(verdict.problem?.message).toMatch(/^Entries 1-3 do not match checkpoint 2 signed at 2026-03-01T12:03:00.000Z/);
  });

  it('a deleted entry', () => {
    const { dir, log } = homeWithLog();
    log.close();
    tamper(dir, (db) => db.prepare('DELETE FROM audit_entry WHERE seq = 4').run());
    expect(verifyAuditLog(dir).problem).toEqual({ seq: 4, message: 'Entry 4 is missing: it was deleted.' });
  });

  it('reordered entries', () => {
    const { dir, log } = homeWithLog();
    log.close();
    tamper(dir, (db) => {
      const a = db.prepare('SELECT body, hash FROM audit_entry WHERE seq = 2').get() as { body: string; hash: string };
      const b = db.prepare('SELECT body, hash FROM audit_entry WHERE seq = 3').get() as { body: string; hash: string };
      db.prepare('UPDATE audit_entry SET body = ?, hash = ? WHERE seq = 2').run(b.body, b.hash);
      db.prepare('UPDATE audit_entry SET body = ?, hash = ? WHERE seq = 3').run(a.body, a.hash);
    });
    expect(verifyAuditLog(dir).problem).toEqual({ seq: 2, message: 'Entry 2 holds entry 3: the log was reordered.' });
  });

  it('a truncated log (the last entries removed)', () => {
    const { dir, log } = homeWithLog();
    log.close(); // signs through entry 5
    tamper(dir, (db) => db.prepare('DELETE FROM audit_entry WHERE seq >= 4').run());
    const verdict = verifyAuditLog(dir);
    expect(verdict.problem?.seq).toBe(4);
    expect(verdict.problem?.message).toMatch(/^The log ends at entry 3 but checkpoint 3 \(.+\) covers entries up to 5: entries 4-5 were removed/);
  });

  it('a replaced log: another workstation\'s log with this home\'s key, or one rebuilt from scratch', () => {
    const { dir, log } = homeWithLog();
    log.close();
    // The other station's log, carried over: its checkpoints are not this station's.
    const other = tempDir('lantern-audit-');
    enrollTestHome(other, pki, { workstation: 1 });
    const foreign = openAuditLog(other, { clock: () => AS_OF });
    foreign.record({ kind: 'chart-opened', patient: 'p1', foundVia: 'census' });
    foreign.close();
    copyFileSync(homePath(other, 'audit'), homePath(dir, 'audit'));
    expect(() => verifyAuditLog(dir)).toThrow(/cannot be opened with this home's key: it was replaced/);

    // Rebuilt with this home's key but without its signing key: entries and checkpoints are consistent, the signature is not.
    const { dir: dir2, log: log2 } = homeWithLog();
    log2.close();
    tamper(dir2, (db) => {
      const cps = db.prepare('SELECT number, signature FROM audit_checkpoint').all() as Array<{ number: number; signature: string }>;
      const foreignSig = Buffer.from(cps[0]!.signature, 'base64');
      foreignSig[10] = foreignSig[10]! ^ 1;
      db.prepare('UPDATE audit_checkpoint SET signature = ? WHERE number = 1').run(foreignSig.toString('base64'));
    });
    expect(verifyAuditLog(dir2).problem).toEqual({ seq: 1, message: expect.stringMatching(/^Checkpoint 1 \(.+\) does not carry a valid signature/) });

    // Signed, but by the other station (its key, its certificate).
    const { dir: dir3, log: log3 } = homeWithLog();
    log3.close();
    copyFileSync(homePath(other, 'audit'), path.join(dir3, 'other-audit.db'));
    const otherLog = openAuditLog(other, { clock: () => AS_OF });
    const theirs = otherLog.db.prepare('SELECT body, signature, certificate FROM audit_checkpoint ORDER BY number').all() as Array<{ body: string; signature: string; certificate: string }>;
    otherLog.close();
    tamper(dir3, (db) => {
      db.prepare('DELETE FROM audit_checkpoint').run();
      theirs.forEach((c, i) => db.prepare('INSERT INTO audit_checkpoint (number, body, signature, certificate) VALUES (?, ?, ?, ?)').run(i + 1, c.body, c.signature, c.certificate));
    });
    expect(verifyAuditLog(dir3).problem?.message).toMatch(/belongs to another audit log \(Lantern Test Workstation 2\): the log was replaced/);
  });

  it('a forged checkpoint: signed by a key that is not this station\'s, or edited after signing', () => {
    const { dir, log } = homeWithLog();
    log.close();
    tamper(dir, (db) => {
      const row = db.prepare('SELECT body FROM audit_checkpoint WHERE number = 2').get() as { body: string };
      db.prepare('UPDATE audit_checkpoint SET body = ? WHERE number = 2').run(row.body.replace('"through":3', '"through":2'));
    });
    expect(verifyAuditLog(dir).problem).toEqual({ seq: 1, message: expect.stringMatching(/^Checkpoint 2 \(.+\) does not carry a valid signature: it was forged or edited/) });

    // A checkpoint removed from the middle of the list.
    const { dir: dir2, log: log2 } = homeWithLog();
    log2.close();
    tamper(dir2, (db) => db.prepare('DELETE FROM audit_checkpoint WHERE number = 2').run());
    expect(verifyAuditLog(dir2).problem?.message).toBe('Checkpoint 3 does not follow checkpoint 1: checkpoints were removed or replaced.');
  });

  it('says which entries are chained but not signed yet, without failing', () => {
    const { dir, log } = homeWithLog({ signAfter: 3 });
    // Not closed: entries 4 and 5 wait for the next checkpoint.
    const verdict = verifyAuditLog(dir);
    expect(verdict).toMatchObject({ ok: true, unsigned: 2 });
    log.close();
  });
});

describe('pruning', () => {
  const exportAll = (log: AuditLog) => {
    const entries = log.entries();
    log.record({ kind: 'audit-exported', format: 'fhir', since: null, from: entries[0]!.seq, through: entries.at(-1)!.seq, entries: entries.length });
  };

  it('removes only entries confirmed received, exported and older than the retention, and verify stays green', () => {
    const { dir, log, tick } = homeWithLog();
    exportAll(log); // entry 6 records the export of 1-5
    tick(60 * 24 * 10);
    log.record({ kind: 'sign-out', user: 'u-1001' });
    // Too young: every entry is 10 days old, the retention is 30.
    expect(() => pruneAuditLog(log, { confirmed: { seq: 5 }, retentionDays: 30, now: new Date(AS_OF.getTime() + 10 * 86_400_000) })).toThrow(
      'Nothing was pruned: entry 1 (2026-03-01T12:01:00.000Z) is younger than the retention of 30 days.',
    );
    // Not confirmed.
    expect(() => pruneAuditLog(log, { confirmed: { seq: 0 }, retentionDays: 5, now: new Date(AS_OF.getTime() + 10 * 86_400_000) })).toThrow(
      'Nothing was pruned: entry 1 is not among those confirmed received.',
    );
    const result = pruneAuditLog(log, { confirmed: { seq: 3 }, retentionDays: 5, now: new Date(AS_OF.getTime() + 10 * 86_400_000) });
    expect(result).toEqual({ through: 3, entries: 3 });
    expect(log.entries().map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(log.entries().at(-1)).toMatchObject({ kind: 'audit-pruned', through: 3, entries: 3 });
    log.record({ kind: 'unlock', user: 'u-1001' });
    log.close();
    expect(verifyAuditLog(dir)).toMatchObject({ ok: true, first: 4, last: 9, problem: null });
    // Deleting more entries at the front than the prune signed is caught.
    tamper(dir, (db) => db.prepare('DELETE FROM audit_entry WHERE seq = 4').run());
    expect(verifyAuditLog(dir).problem).toEqual({ seq: 4, message: 'Entry 4 is missing: it was deleted.' });
  });

  it('refuses entries never exported, and entries whose confirmation time is before them', () => {
    const { log } = homeWithLog();
    const later = new Date(AS_OF.getTime() + 100 * 86_400_000);
    expect(() => pruneAuditLog(log, { confirmed: { seq: 5 }, retentionDays: 1, now: later })).toThrow('Nothing was pruned: entry 1 was never exported (lantern audit export).');
    exportAll(log);
    expect(pruneAuditLog(log, { confirmed: { time: '2026-03-01T12:02:30.000Z' }, retentionDays: 1, now: later })).toEqual({ through: 2, entries: 2 });
    log.close();
  });

  it('refuses to prune a log that does not verify', () => {
    const { dir, log } = homeWithLog();
    exportAll(log);
    tamper(dir, (db) => db.prepare('DELETE FROM audit_entry WHERE seq = 2').run());
    expect(() => pruneAuditLog(log, { confirmed: { seq: 5 }, retentionDays: 1, now: new Date(AS_OF.getTime() + 100 * 86_400_000) })).toThrow(
      /^The audit log does not verify \(Entry 2 is missing: it was deleted\.\), so nothing is pruned/,
    );
    expect(existsSync(homePath(dir, 'audit'))).toBe(true);
    log.close();
  });
});

it('opens with the key-file protector by default (the CLI on a home enrolled from the command line)', () => {
  const dir = tempDir('lantern-audit-');
  enrollTestHome(dir, pki);
  expect(() => openAuditDatabase(dir, keyFileProtector(dir)).close()).not.toThrow();
});

describe('where entries come from', () => {
  it('two writers on one home (the app and lantern ingest) interleave into one chain that verifies', () => {
    const dir = tempDir('lantern-audit-');
    enrollTestHome(dir, pki);
    const app = openAuditLog(dir, { clock: () => AS_OF, actor: () => NURSE });
    const cli = openAuditLog(dir, { clock: () => AS_OF });
    app.record({ kind: 'chart-opened', patient: 'p1', foundVia: 'census' });
    cli.record({ kind: 'snapshot-taken', file: 's2.lantern', facility: 'GH', sequence: 2, by: 'command' });
    app.record({ kind: 'section-viewed', patient: 'p1', section: 'mar' });
    cli.close();
    app.close();
    expect(verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 3, first: 1, last: 3 });
  });

  it('takes snapshots taken and refused from the events the home log gets, and nothing else', () => {
    expect(auditOfHomeEvent({ event: 'ingested', file: 's1.lantern', facility: 'GH', sequence: 1, resources: 10, by: 'inbox' })).toEqual({
      kind: 'snapshot-taken',
      file: 's1.lantern',
      facility: 'GH',
      sequence: 1,
      by: 'inbox',
    });
    expect(auditOfHomeEvent({ event: 'refused', file: 'x.lantern', code: 'BAD_SIGNATURE', message: 'The snapshot signature does not verify.' })).toEqual({
      kind: 'snapshot-refused',
      file: 'x.lantern',
      code: 'BAD_SIGNATURE',
    });
    expect(auditOfHomeEvent({ event: 'failed', code: 'ENOSPC', message: 'The disk is full.' })).toBeNull();
  });

  it('records an expired copy\'s acknowledgement with the age confirmed', () => {
    const recorded: unknown[] = [];
    const gate = createExpiryGate({ audit: { record: (e) => (recorded.push(e), null) } });
    const snapshot = { facility: { id: 'GH', name: 'General Hospital' }, sequence: 4, asOf: AS_OF.toISOString(), expiresAt: new Date(AS_OF.getTime() + 7 * 86_400_000).toISOString() } as SnapshotStatus;
    const now = new Date(AS_OF.getTime() + 9 * 86_400_000);
    gate.acknowledge(snapshot, { sequence: 4, ageDays: 9 }, now);
    expect(recorded).toEqual([{ kind: 'expired-acknowledged', facility: 'GH', sequence: 4, asOf: AS_OF.toISOString(), ageDays: 9 }]);
  });

  it('takes its retention and checkpoint interval from the managed policy, within bounds', () => {
    expect(readPolicy('p.json', () => '{"audit":{"retentionDays":365,"checkpointMinutes":2}}').audit).toEqual({ retentionDays: 365, checkpointMinutes: 2 });
    expect(() => readPolicy('p.json', () => '{"audit":{"retentionDays":0}}')).toThrow(/audit\.retentionDays/);
    expect(() => readPolicy('p.json', () => '{"audit":{"keepForever":true}}')).toThrow(/audit/);
  });
});

it('signs on its own every checkpointMinutes while entries wait (the desktop app\'s timer)', () => {
  vi.useFakeTimers();
  try {
    const dir = tempDir('lantern-audit-');
    enrollTestHome(dir, pki);
    let now = AS_OF.getTime();
    const log = openAuditLog(dir, { clock: () => new Date(now), checkpointMinutes: 2, timer: true });
    const count = () => (log.db.prepare('SELECT count(*) AS n FROM audit_checkpoint').get() as { n: number }).n;
    log.record({ kind: 'section-viewed', patient: 'p1', section: 'labs' });
    now += 60_000;
    vi.advanceTimersByTime(60_000);
    expect(count()).toBe(1);
    now += 60_000;
    vi.advanceTimersByTime(60_000);
    expect(count()).toBe(2);
    // Nothing new: no checkpoint however long it waits.
    now += 10 * 60_000;
    vi.advanceTimersByTime(10 * 60_000);
    expect(count()).toBe(2);
    log.close();
    expect(verifyAuditLog(dir)).toMatchObject({ ok: true, unsigned: 0 });
  } finally {
    vi.useRealTimers();
  }
});

describe('the audit backlog the heartbeat reports', () => {
  it('counts the entries no export holds yet: all before the first export, then only those after it', async () => {
    const { exportAuditLog } = await import('../../electron/core/home/audit-export');
    const { dir, log } = homeWithLog();
    try {
      const before = log.backlog();
      log.record({ kind: 'chart-opened', patient: 'p1', foundVia: 'census' });
      log.record({ kind: 'section-viewed', patient: 'p1', section: 'mar' });
      expect(log.backlog()).toBe(before + 2);
      exportAuditLog(log, { format: 'syslog', out: path.join(dir, 'audit.log') });
      expect(log.backlog()).toBe(0);
      log.record({ kind: 'lock', cause: 'inactivity' });
      expect(log.backlog()).toBe(1);
    } finally {
      log.close();
    }
  });
});
