// The preview's stand-in for the desktop preload: the same frozen `window.lantern` object,
// answered by the preview server over loopback with the per-run token from the URL.
import { CHANNEL_NAMES } from '../../electron/shared/contract/names';

const TOKEN_KEY = 'lantern-preview-token';
const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromUrl) {
  sessionStorage.setItem(TOKEN_KEY, fromUrl);
  history.replaceState(null, '', location.pathname + location.search);
}
const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';

const unavailable = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'The preview server is not answering. Is `npm run preview` still running?', audience: 'nurse' },
};

const api = Object.freeze(
  Object.fromEntries(
    CHANNEL_NAMES.map((name) => [
      name,
      async (request: unknown) => {
        try {
          const response = await fetch(`/ipc/${name}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify(request ?? {}),
          });
          return (await response.json()) as unknown;
        } catch {
          return unavailable;
        }
      },
    ]),
  ),
);

Object.defineProperty(window, 'lantern', { value: api, writable: false, configurable: false });
