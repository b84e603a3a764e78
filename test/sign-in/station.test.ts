import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../electron/core/api/handlers';
import { dispatch } from '../../electron/core/api/dispatch';
import { installRoster, readInstalledRoster } from '../../electron/core/home/roster';
import { startInboxAgent, type InboxAgent } from '../../electron/core/sync/inbox';
import { openWorkstation } from '../../electron/core/workstation';
import type { SignInEvent } from '../../electron/core/home/sign-in';
import { AS_OF, buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport, type TestPki } from '../support/snapshots';
import { NURSE, writeTestRoster } from '../support/rosters';
import { ingestSnapshot } from '../../electron/core/home/ingest';
import { openAuditLog } from '../../electron/core/home/audit';
import { auditActorOf } from '../../electron/core/home/sign-in';
import { chartModel } from '../../electron/core/chart';

const NOW = new Date(AS_OF.getTime() + 3_600_000);
const clock = () => NOW;
let work: string;
let pki: TestPki;
let home: string;
let agent: InboxAgent | null = null;

beforeAll(async () => {
  work = tempDir('lantern-station-');
  pki = makeTestPki({ dir: path.join(work, 'pki') });
  home = path.join(work, 'home');
  enrollTestHome(home, pki, { now: AS_OF });
  const { fhir, protocols } = writeTinyExport(path.join(work, 'export'));
  const snapshot = path.join(work, 's.lantern');
  await buildSnapshot({ pki, out: snapshot, fhirDir: fhir, protocolsDir: protocols, sequence: 1, units: ['4W'], now: AS_OF });
  await ingestSnapshot(home, snapshot, { model: chartModel, clock });
});
afterAll(async () => {
  await agent?.close();
});

describe('a roster through the inbox', () => {
  it('takes a roster dropped in the inbox, refuses a forged one into rejected/ with its reason, and keeps the one in use', async () => {
    const inbox = path.join(work, 'inbox');
    agent = startInboxAgent({ homeDir: home, inbox, model: chartModel, clock, stabilityMs: 100 });
    await agent.ready;
    await writeTestRoster(path.join(inbox, 'roster-3.json'), pki, { sequence: 3, now: NOW });
    await new Promise((r) => setTimeout(r, 400));
    await agent.idle();
    expect(existsSync(path.join(inbox, 'processed', 'roster-3.json'))).toBe(true);
    expect(readInstalledRoster(home, NOW)?.roster.sequence).toBe(3);

    const forged = await writeTestRoster(path.join(work, 'forged.json'), pki, { sequence: 4, now: NOW });
    const env = JSON.parse(readFileSync(forged, 'utf8'));
    env.signature = Buffer.from('not a signature').toString('base64');
    writeFileSync(path.join(inbox, 'roster-4.json'), JSON.stringify(env));
    await new Promise((r) => setTimeout(r, 400));
    await agent.idle();
    expect(readFileSync(path.join(inbox, 'rejected', 'roster-4.json.reason.txt'), 'utf8')).toMatch(/^Roster refused \(ROSTER_BAD_SIGNATURE\)/);
    expect(readInstalledRoster(home, NOW)?.roster.sequence).toBe(3);
    await agent.close();
    agent = null;
  });
});

describe('the API of a station with a roster', () => {
  it('answers no query and no print until someone signs in, then answers; a lock closes it again', async () => {
    const events: SignInEvent[] = [];
    const ctx = openWorkstation({ shell: 'preview', version: 't', homeDir: home, demo: false, model: chartModel, clock, onSignInEvent: (e) => events.push(e) });
    const handlers = createHandlers(ctx);
    const call = (channel: string, input: unknown = {}) => dispatch(handlers, channel, input);
    expect(await call('session')).toMatchObject({ ok: true, value: { required: true, person: null, roster: { sequence: 3, emergency: false } } });
    expect(await call('search', { text: 'Zzyzxowski' })).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await call('census', {})).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await call('print', { mode: 'pdf', title: 'MAR' })).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await call('signIn', { user: 'jdoe', passphrase: 'wrong passphrase here' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/do not match/) } });
    expect(await call('signIn', { user: 'jdoe', passphrase: NURSE.passphrase })).toMatchObject({ ok: true, value: { person: { name: 'Jane Doe' } } });
    expect(await call('search', { text: 'Zzyzxowski' })).toMatchObject({ ok: true });
    expect(await call('lock', { why: 'switch-user' })).toMatchObject({ ok: true, value: { person: null, locked: { id: 'jdoe', why: 'switch-user' } } });
    expect(await call('search', { text: 'Zzyzxowski' })).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(events.map((e) => e.kind)).toEqual(['sign-in-failed', 'sign-in', 'lock']);
    const log = readFileSync(path.join(home, 'lantern.log'), 'utf8');
    expect(log).toContain('"event":"sign-in","kind":"sign-in","user":"jdoe","how":"roster"');
    expect(log).not.toContain(NURSE.passphrase);
    ctx.home?.close();
  });

  it('a home with no roster and no policy asking for sign-in answers as before', async () => {
    const bare = path.join(work, 'bare');
    enrollTestHome(bare, pki, { now: AS_OF });
    const ctx = openWorkstation({ shell: 'preview', version: 't', homeDir: bare, demo: false, model: chartModel, clock });
    const handlers = createHandlers(ctx);
    expect(await dispatch(handlers, 'session', {})).toMatchObject({ ok: true, value: { required: false } });
    const asked = openWorkstation({ shell: 'preview', version: 't', homeDir: bare, demo: false, model: chartModel, clock, signIn: { required: true } });
    expect(await dispatch(createHandlers(asked), 'session', {})).toMatchObject({ ok: true, value: { required: true, problem: expect.stringMatching(/No roster/) } });
  });
});

describe('a damaged roster in the home', () => {
  it('keeps the station closed (nobody signs in by it) instead of opening the charts', async () => {
    const dir = path.join(work, 'damaged');
    enrollTestHome(dir, pki, { now: AS_OF });
    installRoster(dir, await writeTestRoster(path.join(work, 'd1.json'), pki, { sequence: 1, now: NOW }), { clock });
    writeFileSync(path.join(dir, 'roster.json'), readFileSync(path.join(dir, 'roster.json'), 'utf8').replace('"body":"', '"body":"AAAA'));
    const ctx = openWorkstation({ shell: 'preview', version: 't', homeDir: dir, demo: false, model: chartModel, clock });
    const handlers = createHandlers(ctx);
    expect(await dispatch(handlers, 'session', {})).toMatchObject({ ok: true, value: { required: true, roster: null, problem: expect.stringMatching(/^The roster in use cannot be read: Roster refused \(ROSTER_/) } });
    expect(await dispatch(handlers, 'signIn', { user: 'jdoe', passphrase: NURSE.passphrase })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('the demo home', () => {
  it('gets the DEMO roster: the demo user signs in with the documented passphrase, and the DEMO codes open emergency access', async () => {
    const { ensureDemoHome, DEMO_USER, DEMO_SEED } = await import('../../electron/core/demo/home');
    const { keyFileProtector } = await import('../../electron/core/home/key-file-protector');
    const { emergencyCodes } = await import('../../electron/core/home/emergency');
    const { chartModel } = await import('../../electron/core/chart');
    const dir = path.join(work, 'demo');
    await ensureDemoHome(dir, { protector: keyFileProtector(dir, { create: true }), beds: 8, units: 1, roster: true });
    const ctx = openWorkstation({ shell: 'preview', version: 't', homeDir: dir, demo: true, model: chartModel });
    const handlers = createHandlers(ctx);
    expect(await dispatch(handlers, 'session', {})).toMatchObject({ ok: true, value: { required: true, roster: { facility: 'DEMO', emergency: true } } });
    expect(await dispatch(handlers, 'signIn', { user: DEMO_USER.id, passphrase: DEMO_USER.passphrase })).toMatchObject({ ok: true, value: { person: { name: 'Demo Nurse (DEMO)' } } });
    expect(await dispatch(handlers, 'lock', { why: 'switch-user' })).toMatchObject({ ok: true });
    const code = emergencyCodes(DEMO_SEED, 1, 1)[0]!.code;
    expect(await dispatch(handlers, 'signInEmergency', { code, name: 'Demo Visitor', role: 'RN', reason: 'Forgotten passphrase' })).toMatchObject({ ok: true, value: { person: { how: 'emergency' } } });
    ctx.home?.close();
  }, 120_000);
});

describe('sign-in and the audit log', () => {
  it('records each sign-in, failure and lock, and names the signed-in person on what they view', async () => {
    const signedIn: { by?: ReturnType<typeof openWorkstation>['signIn'] } = {};
    const audit = openAuditLog(home, { clock, actor: () => auditActorOf(signedIn.by?.current() ?? null) });
    const ctx = openWorkstation({ shell: 'preview', version: 't', homeDir: home, demo: false, model: chartModel, clock, audit });
    signedIn.by = ctx.signIn;
    const call = (channel: string, input: unknown = {}) => dispatch(createHandlers(ctx), channel, input);
    try {
      await call('signIn', { user: 'jdoe', passphrase: 'not the passphrase' });
      await call('signIn', { user: 'jdoe', passphrase: NURSE.passphrase });
      const [hit] = ((await call('search', { text: 'Zzyzxowski' })) as { ok: true; value: Array<{ id: string }> }).value;
      expect(await call('sectionViewed', { patientId: hit!.id, section: 'summary' })).toEqual({ ok: true, value: {} });
      await call('lock', { why: 'inactivity' });
      const entries = audit.entries().filter((e) => e.at === NOW.toISOString());
      const mine = entries.slice(entries.findIndex((e) => e.kind === 'sign-in-failed'));
      expect(mine.map((e) => [e.kind, e.actor?.id ?? null])).toEqual([
        ['sign-in-failed', null],
        ['sign-in', 'jdoe'],
        ['section-viewed', 'jdoe'],
        // The lock is the session's last act: still under its name.
        ['lock', 'jdoe'],
      ]);
      expect(mine[0]).toMatchObject({ user: 'jdoe', attempt: 1 });
      expect(mine[1]).toMatchObject({ user: 'jdoe', name: 'Jane Doe', role: NURSE.role });
      expect(mine[2]).toMatchObject({ patient: hit!.id, section: 'summary', actor: { name: 'Jane Doe', role: NURSE.role, how: 'roster' } });
      expect(mine[3]).toMatchObject({ cause: 'inactivity' });
      expect(JSON.stringify(mine)).not.toContain(NURSE.passphrase);
    } finally {
      audit.close();
      ctx.home?.close();
    }
  });
});

describe('rosters and the audit log', () => {
  it('records a roster taken and one refused, with its file, sequence and refusal code', async () => {
    const audit = openAuditLog(home, { clock });
    try {
      const good = await writeTestRoster(path.join(work, 'roster-7.json'), pki, { sequence: 7, now: NOW });
      installRoster(home, good, { clock, file: 'roster-7.json', audit });
      const forged = await writeTestRoster(path.join(work, 'roster-8.json'), pki, { sequence: 8, now: NOW });
      const env = JSON.parse(readFileSync(forged, 'utf8'));
      env.signature = Buffer.from('not a signature').toString('base64');
      writeFileSync(forged, JSON.stringify(env));
      expect(() => installRoster(home, forged, { clock, file: 'roster-8.json', audit })).toThrow(/ROSTER_BAD_SIGNATURE/);
      const rosters = audit.entries().filter((e) => e.kind === 'roster-taken' || e.kind === 'roster-refused');
      expect(rosters.slice(-2)).toMatchObject([
        { kind: 'roster-taken', file: 'roster-7.json', sequence: 7 },
        { kind: 'roster-refused', file: 'roster-8.json', code: 'ROSTER_BAD_SIGNATURE' },
      ]);
      expect(readInstalledRoster(home, NOW)?.roster.sequence).toBe(7);
    } finally {
      audit.close();
    }
  });
});
