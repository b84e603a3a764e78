import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandlers, type ApiContext } from '../../electron/core/api/handlers';
import type { HomeQueries } from '../../electron/shared/contract';
import { dispatch } from '../../electron/core/api/dispatch';
import { homePath } from '../../electron/core/home/layout';
import { LanternError } from '../../electron/shared/errors';
import { SEARCH_LIMIT } from '../../electron/shared/defaults';
import { fakePatient } from '../support/patients';
import { enrollTestHome, makeTestPki, tempDir } from '../support/snapshots';

const fixedNow = new Date('2026-11-21T10:00:00Z');

function context(queries: Partial<HomeQueries> | null = null): ApiContext {
  return {
    shell: 'preview',
    version: '9.9.9',
    clock: () => fixedNow,
    status: () => ({ demo: true, staleAfterMinutes: 120, snapshot: null, lastRejection: null, lastFailure: null }),
    queries: () => queries as HomeQueries | null,
  };
}

describe('dispatch over the handler table', () => {
  it('answers appInfo and status as Results', async () => {
    const handlers = createHandlers(context());
    expect(await dispatch(handlers, 'appInfo', {})).toEqual({
      ok: true,
      value: { name: 'Lantern', version: '9.9.9', shell: 'preview' },
    });
    const status = await dispatch(handlers, 'status', {}, { checkResponses: true });
    expect(status).toMatchObject({ ok: true, value: { demo: true, snapshot: null, now: fixedNow.toISOString() } });
  });

  it('refuses an unknown channel and invalid input without calling a handler', async () => {
    let called = 0;
    const handlers = createHandlers(context({ search: () => (called++, []) }));
    expect(await dispatch(handlers, 'deleteEverything', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(handlers, 'search', { text: '' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(handlers, 'search', { text: 'ok', extra: 1 })).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'status', { sneaky: true })).toMatchObject({ ok: false });
    expect(called).toBe(0);
  });

  it('says there is no snapshot when the home has none', async () => {
    const result = await dispatch(createHandlers(context()), 'search', { text: 'smith' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_SNAPSHOT' } });
  });

  it('tells the preview to print through the browser', async () => {
    const result = await dispatch(createHandlers(context()), 'print', { mode: 'pdf', title: 'MAR' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('Ctrl+P') } });
  });

  it('passes parsed input (with defaults) to the home and returns its answer', async () => {
    const seen: unknown[] = [];
    const handlers = createHandlers(context({ search: (req) => (seen.push(req), []) }));
    expect(await dispatch(handlers, 'search', { text: '  smith ' })).toEqual({ ok: true, value: [] });
    expect(seen).toEqual([{ text: 'smith', limit: SEARCH_LIMIT }]);
  });

  it('turns thrown errors into Results: LanternError keeps its message, others are hidden', async () => {
    const handlers = createHandlers(
      context({
        chart: () => {
          throw new LanternError('NOT_FOUND', 'This patient is not in this unit’s snapshot.');
        },
        census: () => {
          throw new Error('SQLITE_ERROR near "Doe, Jane"');
        },
      }),
    );
    expect(await dispatch(handlers, 'chart', { patientId: 'p1' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'This patient is not in this unit’s snapshot.', audience: 'nurse' },
    });
    const hidden = await dispatch(handlers, 'census', {});
    expect(hidden).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Something went wrong inside Lantern (Error). Try again; if it happens again, report it to IT.', audience: 'nurse' },
    });
  });

  it('writes an unexpected failure in a handler to the home log: the channel, the class and the stack, never the message', async () => {
    const home = tempDir();
    enrollTestHome(home, makeTestPki());
    const patient = fakePatient();
    const handlers = createHandlers(
      context({
        chart: () => {
          throw new TypeError(`Cannot read properties of undefined (reading "${patient.name}", MRN ${patient.mrn}, born ${patient.birthDate})`);
        },
      }),
    );
    const result = await dispatch(handlers, 'chart', { patientId: 'p1' }, { homeDir: home, clock: () => fixedNow });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'Something went wrong inside Lantern (TypeError). Try again; if it happens again, report it to IT (the details are in lantern.log in the home folder).',
        audience: 'nurse',
      },
    });
    const text = readFileSync(homePath(home, 'log'), 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { at: fixedNow.toISOString(), event: 'unexpected', surface: 'app', where: 'chart', name: 'TypeError', code: 'TypeError', stack: expect.stringMatching(/^at Object\.chart \(dispatch\.test\.ts:\d+:\d+\) \| at handlers\.ts:\d+:\d+ \| at dispatch \(dispatch\.ts:\d+:\d+\)/) },
    ]);
    for (const value of [...patient.all, 'Cannot read']) {
      expect(text).not.toContain(value);
      expect(JSON.stringify(result)).not.toContain(value);
    }
  });

  it('logs an answer that breaks the contract as a bug of its channel', async () => {
    const home = tempDir();
    enrollTestHome(home, makeTestPki());
    const handlers = createHandlers(context({ search: () => [{ id: 'x' }] as never }));
    expect(await dispatch(handlers, 'search', { text: 'a' }, { checkResponses: true, homeDir: home })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringMatching(/^Something went wrong inside Lantern \(ResponseContractError\)/) },
    });
    expect(JSON.parse(readFileSync(homePath(home, 'log'), 'utf8'))).toMatchObject({ event: 'unexpected', where: 'search', name: 'ResponseContractError' });
  });

  it('says which local failure stopped a query (a locked database, a failing disk), in its own words', async () => {
    const handlers = createHandlers(
      context({
        census: () => {
          throw Object.assign(new Error('database is locked near "Doe, Jane"'), { code: 'SQLITE_BUSY' });
        },
        search: () => {
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        },
      }),
    );
    const locked = await dispatch(handlers, 'census', {});
    expect(locked).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', audience: 'it', message: expect.stringMatching(/locked by another program/) } });
    expect(JSON.stringify(locked)).not.toContain('Doe');
    expect(await dispatch(handlers, 'search', { text: 'a' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/I\/O error/) } });
  });

  it('catches an answer that breaks the contract when asked to check', async () => {
    const handlers = createHandlers(context({ search: () => [{ id: 'x' }] as never }));
    expect(await dispatch(handlers, 'search', { text: 'a' }, { checkResponses: true })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
