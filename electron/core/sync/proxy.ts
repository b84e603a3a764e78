/**
 * Which proxy a request to a URL goes through: a proxy URL (http://host:port), or null for a
 * direct connection. The HTTPS source takes a resolver, so each surface gives its own: the
 * desktop app the system's (Electron's session.resolveProxy, PAC and WPAD included), the CLI
 * HTTPS_PROXY and NO_PROXY, and the managed policy may name one or say "direct".
 */
export type ProxyResolver = (url: string) => Promise<string | null>;

export const directConnection: ProxyResolver = async () => null;

/**
 * The first usable entry of a PAC answer ("PROXY host:port; DIRECT", as Chromium's
 * resolveProxy gives it): PROXY and HTTP as http://, HTTPS as https://; DIRECT or nothing
 * usable as null. SOCKS entries are passed over (not supported by this client).
 */
export function proxyFromPac(answer: string): string | null {
  for (const part of answer.split(';')) {
    const [kind, host] = part.trim().split(/\s+/, 2);
    const k = kind?.toUpperCase();
    if (k === 'DIRECT') return null;
    if ((k === 'PROXY' || k === 'HTTP') && host) return `http://${host}`;
    if (k === 'HTTPS' && host) return `https://${host}`;
  }
  return null;
}

/** Does NO_PROXY (comma or space separated hosts, domains, `*`, optional :port) exempt this URL? */
export function exemptFromProxy(url: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, ''))!;
      const name = (m[1] ?? '').replace(/^\*?\./, '');
      if (m[2] && m[2] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/** HTTPS_PROXY (or https_proxy, then ALL_PROXY) unless NO_PROXY exempts the host: what command-line tools honour. */
export function environmentProxy(env: Record<string, string | undefined>): ProxyResolver {
  const proxy = env['HTTPS_PROXY'] || env['https_proxy'] || env['ALL_PROXY'] || env['all_proxy'] || '';
  const noProxy = env['NO_PROXY'] ?? env['no_proxy'];
  return async (url) => (proxy && !exemptFromProxy(url, noProxy) ? proxy : null);
}

/** The policy's `source.proxy` over the surface's own resolver: "system" (or nothing) uses it, "direct" none, a URL that proxy. */
export function proxyFromSetting(setting: string | undefined, system: ProxyResolver): ProxyResolver {
  if (!setting || setting === 'system') return system;
  if (setting === 'direct') return directConnection;
  return async () => setting;
}
