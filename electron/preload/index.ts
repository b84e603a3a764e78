import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, ipcChannel } from '../shared/contract/names';
import type { LanternApi } from '../shared/contract';

// The renderer's only door: one frozen object, one function per contract channel.
// Input is validated in the main process; nothing else of Electron or Node is exposed.
const api = Object.freeze(
  Object.fromEntries(
    CHANNEL_NAMES.map((name) => [
      name,
      (request: unknown) => ipcRenderer.invoke(ipcChannel(name), request ?? {}),
    ]),
  ),
) as LanternApi;

contextBridge.exposeInMainWorld('lantern', api);
