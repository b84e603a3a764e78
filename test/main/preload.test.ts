import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../electron/shared/contract';

describe('preload bridge', () => {
  it('exposes exactly one frozen object with one function per contract channel, over ipcRenderer.invoke', async () => {
    const exposed = new Map<string, unknown>();
    const invoke = vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } }));
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: { invoke },
    }));
    await import('../../electron/preload/index');

    expect([...exposed.keys()]).toEqual(['lantern']);
    const api = exposed.get('lantern') as Record<string, (req?: unknown) => Promise<unknown>>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(await api['search']!({ text: 'smith' })).toEqual({
      ok: true,
      value: { channel: 'lantern:search', request: { text: 'smith' } },
    });
    await api['status']!();
    expect(invoke).toHaveBeenLastCalledWith('lantern:status', {});
    vi.doUnmock('electron');
  });
});
