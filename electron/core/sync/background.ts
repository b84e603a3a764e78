import { freshnessOf } from '../../shared/freshness';
import { formatStamp } from '../../shared/time-text';
import { redact } from '../home/log';
import type { Policy } from '../home/policy';
import type { SyncStatus } from './status';

/**
 * The desktop app's decisions about running with no window (electron/main/tray.ts only
 * carries them out): whether it keeps syncing in the tray, whether it starts at sign-in and
 * hidden, and what the tray says. Plain functions, tested without Electron.
 */

/** The argument the sign-in entry starts the app with (Windows; macOS says wasOpenedAtLogin). */
export const SIGN_IN_ARG = '--started-at-sign-in';

export interface BackgroundPlan {
  /** A tray icon, and the window's closing does not quit: the app keeps syncing. */
  tray: boolean;
  /** No window until the tray is clicked (a start at sign-in). */
  startHidden: boolean;
  /** What to register with the OS as a login item; null: leave the OS alone (development, Linux). */
  loginItem: { openAtLogin: boolean; args: string[] } | null;
}

export function backgroundPlan(input: {
  sync: Policy['sync'];
  /** A sync agent runs in this app (an inbox is configured and the home's sync lock was free). */
  agentRunning: boolean;
  platform: NodeJS.Platform;
  isPackaged: boolean;
  argv: readonly string[];
  /** macOS: app.getLoginItemSettings().wasOpenedAtLogin. */
  wasOpenedAtLogin: boolean;
}): BackgroundPlan {
  // With nothing to sync there is no reason to stay: closing the window quits, as before.
  const tray = input.agentRunning && input.sync?.keepRunningWhenClosed !== false;
  const atSignIn = input.argv.includes(SIGN_IN_ARG) || input.wasOpenedAtLogin;
  // A development run must not register the bare Electron binary; Linux has no login-item
  // API (IT deploys an autostart entry, docs/DEPLOYMENT.md).
  const manages = input.isPackaged && (input.platform === 'win32' || input.platform === 'darwin');
  return {
    tray,
    startHidden: tray && atSignIn,
    // Registered when the policy asks, removed when it no longer does.
    loginItem: manages ? { openAtLogin: input.sync?.startAtSignIn === true, args: [SIGN_IN_ARG] } : null,
  };
}

/** Closing the last window: quit, or keep syncing in the tray. */
export const quitWhenWindowsClosed = (plan: BackgroundPlan | null): boolean => !plan?.tray;

export type TrayItem = { kind: 'info'; label: string } | { kind: 'separator' } | { kind: 'action'; label: string; action: 'open' | 'quit' };

export interface TrayView {
  /** Short: Windows shows at most 127 characters. */
  tooltip: string;
  items: TrayItem[];
}

/** Windows truncates a tray tooltip at 127 characters (NOTIFYICONDATA szTip). */
export const TOOLTIP_MAX = 127;
const LABEL_MAX = 160;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Whole hours or minutes, as the header says a copy's age. */
const age = (minutes: number) => (minutes >= 120 ? `${Math.floor(minutes / 60)} h` : `${Math.max(0, Math.floor(minutes))} min`);

/**
 * What the tray shows for an agent's status: the data-as-of time (with its year, and STALE
 * past the threshold), the next check, the last problem. Only Lantern's own words, times and
 * a sequence number: no file name, and problem sentences pass through redact() too, so no
 * patient detail can reach the taskbar.
 */
export function trayView(status: SyncStatus, options: { now: Date; staleAfterMinutes: number; timeZone?: string }): TrayView {
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  let data = 'No snapshot yet';
  if (status.dataAsOf) {
    // The agent's status knows no expiry: the tray says STALE for an expired copy too.
    const freshness = freshnessOf({ asOf: status.dataAsOf, expiresAt: null, now: options.now, staleAfterMinutes: options.staleAfterMinutes });
    const stale = freshness.stale ? ` — STALE, ${age(freshness.ageMs / 60_000)} old` : '';
    data = `Data as of ${formatStamp(status.dataAsOf, zone)}${status.sequence !== null ? ` (sequence ${status.sequence})` : ''}${stale}`;
  }
  const next = status.nextCheckAt ? `Next check ${formatStamp(status.nextCheckAt, zone)}` : 'Next check: as soon as a snapshot arrives';
  const problemText = status.lastProblem ? redact(status.lastProblem.message, LABEL_MAX) : null;
  const problem = status.lastProblem && problemText ? `Last problem (${formatStamp(status.lastProblem.at, zone)}): ${problemText}` : 'No problem since the last snapshot';
  return {
    tooltip: cut(`Lantern — ${data}\n${problemText ? `Problem: ${problemText}` : next}`, TOOLTIP_MAX),
    items: [
      { kind: 'info', label: cut(data, LABEL_MAX) },
      { kind: 'info', label: cut(next, LABEL_MAX) },
      { kind: 'info', label: cut(problem, LABEL_MAX + 40) },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Lantern', action: 'open' },
      { kind: 'action', label: 'Quit Lantern (stops syncing)', action: 'quit' },
    ],
  };
}
