import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { CHANNEL_NAMES, ipcChannel } from '../shared/contract';
import { SECURITY_HEADERS } from '../shared/csp';
import { FOR_IT } from '../shared/errors';
import { fail } from '../shared/result';
import { createHandlers, type Handlers } from '../core/api/handlers';
import { dispatch } from '../core/api/dispatch';
import { presentError } from '../core/home/errors';
import { backgroundPlan, quitWhenWindowsClosed, type BackgroundPlan } from '../core/sync/background';
import { DEFAULT_STALE_AFTER_MINUTES } from '../shared/defaults';
import { readAppFile } from '../core/files/static';
import { locateDesktopHome, openDesktopHome, type DesktopHome } from './home';
import { createPrinter } from './print';
import { showTray, type LanternTray } from './tray';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_SCHEME,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  secureWebPreferences,
} from './security';

export interface StartOptions {
  /** The build output folder: electron/ (main, preload) and renderer/ below it. */
  distDir: string;
}

// Must run before the app is ready: app:// behaves like https (secure, standard origin).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

/** Serve the built renderer over app://lantern/ with the security headers on every file. */
export function registerAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? await readAppFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS } });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { 'Content-Type': file.contentType, ...SECURITY_HEADERS },
    });
  });
}

/**
 * One ipcMain handler per contract channel: sender checked, input parsed, Result returned;
 * unexpected failures go to the lantern.log of `homeDir`.
 */
export function registerIpc(handlers: Handlers, homeDir: string | null): void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame)) {
        return fail('FORBIDDEN', 'This request did not come from Lantern’s own window.');
      }
      return dispatch(handlers, name, input, { homeDir });
    });
  }
}

export function createMainWindow(distDir: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Lantern — downtime chart',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(path.join(distDir, 'electron', 'preload.cjs'), !app.isPackaged),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** The desktop app's whole start-up; every decision in it is tested with a mocked electron. */
export function startLantern(options: StartOptions): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  let mainWindow: BrowserWindow | null = null;
  let home: DesktopHome | null = null;
  let plan: BackgroundPlan | null = null;
  let tray: LanternTray | null = null;
  /** A second launch while this one was still starting: show the window even on a hidden start. */
  let windowAsked = false;

  /** Show the window, making it again when it was closed (the tray, a second launch, the dock). */
  const openWindow = () => {
    if (!home) return; // still starting: the window comes when the home is open
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
      return;
    }
    mainWindow = createMainWindow(options.distDir);
    mainWindow.on('closed', () => {
      mainWindow = null;
      tray?.refresh();
    });
  };

  app.on('second-instance', () => {
    windowAsked = true;
    openWindow();
  });
  app.on('activate', openWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // With a sync agent running, closing the window leaves the app syncing in the tray.
  app.on('window-all-closed', () => {
    if (quitWhenWindowsClosed(plan)) app.quit();
  });
  app.on('will-quit', () => {
    tray?.destroy();
    tray = null;
    void home?.close();
  });

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    registerAppProtocol(path.join(options.distDir, 'renderer'));
    let homeDir: string | null = null;
    try {
      const location = locateDesktopHome();
      homeDir = location.dir;
      home = await openDesktopHome(location, createPrinter(() => mainWindow));
    } catch (error) {
      // A start-up failure (bad policy file, no key store, unreadable home) gets one clear
      // dialog, not a crash; a nurse may be the one reading it.
      const shown = presentError(error, { surface: 'app', homeDir, where: 'start-up' });
      dialog.showErrorBox('Lantern cannot start', shown.audience === 'it' ? `${shown.message}\n\n${FOR_IT}` : shown.message);
      app.quit();
      return;
    }
    registerIpc(createHandlers(home.context), home.location.dir);
    const opened = home;
    /** What running with no window means now; again when the agent starts late (the lock came free). */
    const applyPlan = () => {
      const { location, agent } = opened;
      plan = backgroundPlan({
        sync: location.sync,
        agentRunning: agent !== null,
        platform: process.platform,
        isPackaged: app.isPackaged,
        argv: process.argv,
        wasOpenedAtLogin: process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
      });
      if (plan.tray && agent && !tray) {
        tray = showTray(agent, {
          staleAfterMinutes: location.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES,
          onOpen: openWindow,
          onQuit: () => app.quit(),
        });
      }
      return plan;
    };
    const first = applyPlan();
    if (first.loginItem) app.setLoginItemSettings(first.loginItem);
    opened.onSyncStarted(applyPlan);
    if (!first.startHidden || windowAsked) openWindow();
  });
}
