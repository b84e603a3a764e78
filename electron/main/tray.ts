import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { trayView, type TrayItem } from '../core/sync/background';
import type { SyncAgent } from '../core/sync/status';

/** A lantern, 32×32 (a PNG small enough to live in the code, so no file has to be packaged). */
const ICON = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAYUlEQVR42mNgGAVDDdjY2PzHh0cdMHwcQMgiUvGoAyhywNd53GTh4e2A/9eiUDDdHIBuMT6HUN0BhCxHd8TwcgCxliM7YtQBw8sBo7lgUBREg6IoHpm14WiLaEAcMAroBQA6uS51avRpXgAAAABJRU5ErkJggg==';

export interface LanternTray {
  /** Read the agent's status again and show it. */
  refresh(): void;
  destroy(): void;
}

/** How often the tray reads the agent's status (its times are minutes apart; a glance is enough). */
const REFRESH_MS = 15_000;

/**
 * The tray icon of an app that keeps syncing with no window: what it says is decided by
 * trayView (core/sync/background.ts); this only hands it to Electron. Any agent with the
 * shared status (the inbox, HTTPS) will do.
 */
export function showTray(
  agent: Pick<SyncAgent, 'status'>,
  options: { staleAfterMinutes: number; onOpen: () => void; onQuit: () => void; clock?: () => Date },
): LanternTray {
  const tray = new Tray(nativeImage.createFromDataURL(ICON));
  const clock = options.clock ?? (() => new Date());
  const toMenu = (item: TrayItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'info':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, click: item.action === 'open' ? options.onOpen : options.onQuit };
    }
  };
  const refresh = () => {
    const view = trayView(agent.status(), { now: clock(), staleAfterMinutes: options.staleAfterMinutes });
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(view.items.map(toMenu)));
  };
  tray.on('click', options.onOpen);
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return {
    refresh,
    destroy: () => {
      clearInterval(timer);
      tray.destroy();
    },
  };
}
