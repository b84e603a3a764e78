import { vi } from 'vitest';

/**
 * A stand-in for the `electron` module, recording what electron/main asks of it, so the
 * security settings and behaviours can be asserted without the Electron binary.
 */
type Listener = (...args: unknown[]) => unknown;

/** A PDF's skeleton as Chromium writes one: a page tree node and two pages. */
export const FAKE_PDF = '%PDF-1.7 fake\n1 0 obj\n<< /Type /Pages /Count 2 >>\n2 0 obj\n<< /Type /Page /Parent 1 0 R >>\n3 0 obj\n<</Type/Page/Parent 1 0 R>>\n';

export class FakeEmitter {
  listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}

export class FakeWebContents extends FakeEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  print = vi.fn((_options: unknown, callback: (success: boolean) => void) => callback(true));
  printToPDF = vi.fn(async (_options: unknown) => Buffer.from(FAKE_PDF));
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

/** A menu item as Menu.buildFromTemplate gets it. */
export interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

export function createFakeElectron(options: { singleInstance?: boolean; userData: string; keyStore?: boolean; openedAtLogin?: boolean }) {
  const app = Object.assign(new FakeEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: vi.fn(() => options.singleInstance ?? true),
    quit: vi.fn(),
    enableSandbox: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn(() => options.userData),
    getVersion: vi.fn(() => '0.1.0-test'),
    setLoginItemSettings: vi.fn((_settings: { openAtLogin?: boolean; args?: string[] }) => {}),
    getLoginItemSettings: vi.fn(() => ({ openAtLogin: false, wasOpenedAtLogin: options.openedAtLogin ?? false })),
  });
  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends FakeEmitter {
    loadedUrl: string | null = null;
    webContents = new FakeWebContents();
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show = vi.fn();
    isMinimized = vi.fn(() => false);
    restore = vi.fn();
    focus = vi.fn();
    /** What the user's closing does: 'closed', then 'window-all-closed' when it was the last. */
    close() {
      windows.splice(windows.indexOf(this), 1);
      this.emit('closed');
      if (windows.length === 0) app.emit('window-all-closed');
    }
  }
  const trays: FakeTray[] = [];
  class FakeTray extends FakeEmitter {
    tooltip = '';
    menu: FakeMenuItem[] = [];
    destroyed = false;
    constructor(readonly image: unknown) {
      super();
      trays.push(this);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: { items: FakeMenuItem[] }) {
      this.menu = menu.items;
    }
    destroy() {
      this.destroyed = true;
    }
    /** A menu item by its label's start. */
    item(start: string): FakeMenuItem {
      const found = this.menu.find((i) => i.label?.startsWith(start));
      if (!found) throw new Error(`no tray menu item "${start}" in ${JSON.stringify(this.menu.map((i) => i.label))}`);
      return found;
    }
  }
  const ipcHandlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const privileged: unknown[] = [];
  const sessionState = {
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheck: null as null | ((...args: unknown[]) => boolean),
    devicePermission: null as null | ((...args: unknown[]) => boolean),
    beforeRequest: null as null | ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  };
  const defaultSession = {
    setPermissionRequestHandler: (h: typeof sessionState.permissionRequest) => (sessionState.permissionRequest = h),
    setPermissionCheckHandler: (h: typeof sessionState.permissionCheck) => (sessionState.permissionCheck = h),
    setDevicePermissionHandler: (h: typeof sessionState.devicePermission) => (sessionState.devicePermission = h),
    webRequest: {
      onBeforeRequest: (h: typeof sessionState.beforeRequest) => (sessionState.beforeRequest = h),
    },
    /** The system's proxy for a URL, as Chromium answers (PAC style). */
    resolveProxy: vi.fn(async (_url: string) => 'DIRECT'),
  };
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: { buildFromTemplate: vi.fn((items: FakeMenuItem[]) => ({ items })) },
    nativeImage: { createFromDataURL: vi.fn((url: string) => ({ dataUrl: url })) },
    ipcMain: { handle: vi.fn((channel: string, fn: (e: unknown, i: unknown) => Promise<unknown>) => ipcHandlers.set(channel, fn)) },
    protocol: {
      registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => privileged.push(...schemes)),
      handle: vi.fn((scheme: string, fn: (r: Request) => Promise<Response>) => protocolHandlers.set(scheme, fn)),
    },
    session: { defaultSession },
    // Reversible stand-in for the OS key store (base64 of a marked string).
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => options.keyStore ?? true),
      getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
      encryptString: vi.fn((text: string) => Buffer.from(`sealed:${text}`)),
      decryptString: vi.fn((blob: Buffer) => {
        const text = blob.toString();
        if (!text.startsWith('sealed:')) throw new Error('not sealed by this key store');
        return text.slice('sealed:'.length);
      }),
    },
    dialog: {
      showErrorBox: vi.fn(),
      showSaveDialog: vi.fn(async (_w: unknown, o: { defaultPath: string }) => ({ canceled: false, filePath: o.defaultPath })),
    },
  };
  return { module, app, windows, trays, ipcHandlers, protocolHandlers, privileged, sessionState };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
