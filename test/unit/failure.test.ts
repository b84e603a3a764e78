import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { describeFailure, errorCode } from '../../electron/core/failure';
import { HomeError } from '../../electron/core/home/layout';
import { appendHomeLog, redact } from '../../electron/core/home/log';
import { SnapshotRefusal } from '../../electron/core/snapshot/refusal';
import { HomeBusyError } from '../../electron/core/store/ingest';
import { tempDir } from '../support/snapshots';

const sys = (code: string, message = `${code}: something at /home/x/Doe_Jane.lantern`) => Object.assign(new Error(message), { code });

describe('one sentence for each local failure', () => {
  it.each([
    ['ENOSPC', /disk is full/],
    ['SQLITE_FULL', /disk is full/],
    ['EACCES', /Permission denied/],
    ['EPERM', /Permission denied/],
    ['EROFS', /read-only/],
    ['SQLITE_READONLY', /read-only/],
    ['EIO', /I\/O error/],
    ['SQLITE_IOERR_WRITE', /I\/O error/],
    ['SQLITE_BUSY', /locked by another program/],
    ['SQLITE_LOCKED', /locked by another program/],
    ['SQLITE_CORRUPT', /damaged/],
    ['SQLITE_NOTADB', /damaged/],
    ['ENOENT', /missing/],
    ['EMFILE', /open files/],
    ['ENOMEM', /memory/],
    ['ETIMEDOUT', /network share/],
  ])('%s', (code, sentence) => {
    const failure = describeFailure(sys(code));
    expect(failure).toMatchObject({ code, known: true });
    expect(failure.message).toMatch(sentence);
    // Our words, never the third-party message (it can quote a path or data).
    expect(failure.message).not.toMatch(/Doe|something/);
    expect(failure.message).not.toMatch(/unexpected|report this/i);
  });

  it('knows a real SQLite error by its code, also when wrapped', () => {
    const db = new Database(':memory:');
    let thrown: unknown;
    try {
      db.exec('SELEC 1');
    } catch (error) {
      thrown = error;
    }
    db.close();
    expect(errorCode(thrown)).toBe('SQLITE_ERROR');
    expect(errorCode(new Error('wrapper', { cause: sys('ENOSPC') }))).toBe('ENOSPC');
    expect(describeFailure(new Error('wrapper', { cause: sys('ENOSPC') })).message).toMatch(/disk is full/);
  });

  it('keeps our own messages (home, busy, refusal) and names anything else without its message', () => {
    expect(describeFailure(new HomeBusyError('Another ingest (process 12) is running in /h; try again when it has finished.'))).toMatchObject({
      code: 'HOME_BUSY',
      message: expect.stringMatching(/Another ingest/),
    });
    expect(describeFailure(new HomeError('/h is not an enrolled Lantern home.'))).toMatchObject({ code: 'HOME', known: true });
    expect(describeFailure(new SnapshotRefusal('TRUNCATED'))).toMatchObject({ code: 'TRUNCATED' });
    const odd = describeFailure(new TypeError('Cannot read properties of undefined (reading "Doe")'));
    expect(odd).toMatchObject({ code: 'TypeError', known: false });
    expect(odd.message).not.toContain('Doe');
    expect(odd.message).toMatch(/lantern\.log/);
  });
});

describe('the home log', () => {
  it('writes JSON lines with the time, masks numbers and dates in free text, and never throws', () => {
    const dir = tempDir();
    appendHomeLog(dir, { event: 'failed', file: 'a.lantern', code: 'ENOSPC', message: 'MRN 00482913 born 1961-04-02, as of 2026-03-01T12:00:00.000Z\nforged' }, { clock: () => new Date('2026-03-01T12:00:00Z') });
    const lines = readFileSync(path.join(dir, 'lantern.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      at: '2026-03-01T12:00:00.000Z',
      event: 'failed',
      file: 'a.lantern',
      code: 'ENOSPC',
      message: 'MRN [number] born [date], as of 2026-03-01T12:00:00.000Z forged',
    });
    expect(redact('x'.repeat(1000)).length).toBeLessThanOrEqual(600);
    expect(() => appendHomeLog(path.join(dir, 'no', 'such', 'folder'), { event: 'watching', inbox: '/i' })).not.toThrow();
  });

  it('rotates at its size cap, keeping one older file', () => {
    const dir = tempDir();
    for (let i = 0; i < 50; i++) appendHomeLog(dir, { event: 'waiting', file: `f${i}.lantern`, bytes: i, expectedBytes: null }, { maxBytes: 1000 });
    expect(readdirSync(dir).sort()).toEqual(['lantern.log', 'lantern.log.1']);
    for (const name of ['lantern.log', 'lantern.log.1']) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
      for (const line of text.trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ event: 'waiting' });
    }
    expect(readFileSync(path.join(dir, 'lantern.log'), 'utf8')).toContain('f49.lantern');
  });
});
