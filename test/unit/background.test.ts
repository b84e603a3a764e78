import { describe, expect, it } from 'vitest';
import { SIGN_IN_ARG, TOOLTIP_MAX, backgroundPlan, quitWhenWindowsClosed, trayView } from '../../electron/core/sync/background';
import type { SyncStatus } from '../../electron/core/sync/status';
import { fakePatient } from '../support/patients';

const base = { sync: {}, agentRunning: true, platform: 'win32' as const, isPackaged: true, argv: ['lantern.exe'], wasOpenedAtLogin: false };

describe('running with no window: the plan', () => {
  it('keeps syncing in the tray when an agent runs, unless the policy says to quit with the window', () => {
    expect(backgroundPlan(base).tray).toBe(true);
    expect(backgroundPlan({ ...base, sync: { keepRunningWhenClosed: true } }).tray).toBe(true);
    expect(backgroundPlan({ ...base, sync: { keepRunningWhenClosed: false } }).tray).toBe(false);
    // Nothing to sync (no inbox, or another agent holds the home): the window's closing quits.
    expect(backgroundPlan({ ...base, agentRunning: false }).tray).toBe(false);
    expect(quitWhenWindowsClosed(backgroundPlan(base))).toBe(false);
    expect(quitWhenWindowsClosed(backgroundPlan({ ...base, agentRunning: false }))).toBe(true);
    // Start-up failed before a plan was made: quit.
    expect(quitWhenWindowsClosed(null)).toBe(true);
  });

  it('starts hidden only when started at sign-in and there is a tray to click', () => {
    expect(backgroundPlan(base).startHidden).toBe(false);
    expect(backgroundPlan({ ...base, argv: ['lantern.exe', SIGN_IN_ARG] }).startHidden).toBe(true);
    expect(backgroundPlan({ ...base, platform: 'darwin', wasOpenedAtLogin: true }).startHidden).toBe(true);
    expect(backgroundPlan({ ...base, argv: ['lantern.exe', SIGN_IN_ARG], agentRunning: false }).startHidden).toBe(false);
    expect(backgroundPlan({ ...base, argv: ['lantern.exe', SIGN_IN_ARG], sync: { keepRunningWhenClosed: false } }).startHidden).toBe(false);
  });

  it('registers the login item the policy asks for (and removes it when it no longer does), installed on Windows and macOS only', () => {
    expect(backgroundPlan({ ...base, sync: { startAtSignIn: true } }).loginItem).toEqual({ openAtLogin: true, args: [SIGN_IN_ARG] });
    expect(backgroundPlan({ ...base, platform: 'darwin', sync: { startAtSignIn: true } }).loginItem).toEqual({ openAtLogin: true, args: [SIGN_IN_ARG] });
    expect(backgroundPlan(base).loginItem).toEqual({ openAtLogin: false, args: [SIGN_IN_ARG] });
    expect(backgroundPlan({ ...base, isPackaged: false, sync: { startAtSignIn: true } }).loginItem).toBeNull();
    expect(backgroundPlan({ ...base, platform: 'linux', sync: { startAtSignIn: true } }).loginItem).toBeNull();
  });
});

describe('what the tray says', () => {
  const now = new Date(2026, 11, 2, 14, 30);
  const status: SyncStatus = { dataAsOf: new Date(2026, 11, 2, 14, 0).toISOString(), sequence: 42, nextCheckAt: new Date(2026, 11, 2, 14, 31).toISOString(), lastProblem: null };

  it('the data-as-of time with its year and the sequence, the next check, no problem', () => {
    const view = trayView(status, { now, staleAfterMinutes: 120 });
    expect(view.tooltip).toBe('Lantern — Data as of 02 Dec 2026 14:00 (sequence 42)\nNext check 02 Dec 2026 14:31');
    expect(view.items).toEqual([
      { kind: 'info', label: 'Data as of 02 Dec 2026 14:00 (sequence 42)' },
      { kind: 'info', label: 'Next check 02 Dec 2026 14:31' },
      { kind: 'info', label: 'No problem since the last snapshot' },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Lantern', action: 'open' },
      { kind: 'action', label: 'Quit Lantern (stops syncing)', action: 'quit' },
    ]);
  });

  it('before the first snapshot, waiting on an inbox, and past the stale threshold', () => {
    expect(trayView({ dataAsOf: null, sequence: null, nextCheckAt: null, lastProblem: null }, { now, staleAfterMinutes: 120 }).tooltip).toBe(
      'Lantern — No snapshot yet\nNext check: as soon as a snapshot arrives',
    );
    const old = trayView({ ...status, dataAsOf: new Date(2026, 11, 2, 9, 0).toISOString() }, { now, staleAfterMinutes: 120 });
    expect(old.items[0]).toEqual({ kind: 'info', label: 'Data as of 02 Dec 2026 09:00 (sequence 42) — STALE, 5 h old' });
  });

  it('shows the last problem in the tooltip, cut to what Windows shows, with no patient detail', () => {
    const patient = fakePatient();
    const message = `The disk is full: Lantern could not write to the home folder or the inbox (MRN ${patient.mrn}, born ${patient.birthDate}). Free space on that drive and try again; the snapshot in use is unchanged.`;
    const view = trayView({ ...status, lastProblem: { at: new Date(2026, 11, 2, 14, 20).toISOString(), message } }, { now, staleAfterMinutes: 120 });
    expect(view.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(view.tooltip).toMatch(/^Lantern — Data as of 02 Dec 2026 14:00 \(sequence 42\)\nProblem: The disk is full: .*…$/);
    const problem = view.items[2] as { label: string };
    expect(problem.label).toMatch(/^Last problem \(02 Dec 2026 14:20\): The disk is full/);
    for (const text of [view.tooltip, ...view.items.map((i) => ('label' in i ? i.label : ''))]) {
      expect(text).not.toContain(patient.mrn);
      expect(text).not.toContain(patient.birthDate);
    }
  });
});
