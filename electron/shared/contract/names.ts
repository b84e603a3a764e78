/**
 * The names of every request the renderer may make. Kept apart from the schemas so the
 * preload (which needs only the names) stays tiny; contract/index.ts checks at compile
 * time that this list and the schema table are the same set.
 */
export const CHANNEL_NAMES = [
  'appInfo',
  'status',
  'search',
  'census',
  'chart',
  'mar',
  'series',
  'record',
  'protocols',
  'protocolSearch',
  'protocolOpen',
  'print',
  'acknowledgeExpired',
  'sectionViewed',
  'session',
  'signIn',
  'signInEmergency',
  'lock',
  'touch',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** ipcMain/ipcRenderer channel for a request name. */
export const ipcChannel = (name: ChannelName): string => `lantern:${name}`;
