import { describe, expect, it } from 'vitest';
import { environmentProxy, exemptFromProxy, proxyFromPac, proxyFromSetting } from '../../electron/core/sync/proxy';

describe('which proxy the HTTPS source goes through', () => {
  it('reads the system’s PAC-style answer: the first usable entry, DIRECT as none, SOCKS passed over', () => {
    expect(proxyFromPac('PROXY proxy.example.org:8080; DIRECT')).toBe('http://proxy.example.org:8080');
    expect(proxyFromPac('HTTPS secure-proxy:443')).toBe('https://secure-proxy:443');
    expect(proxyFromPac('SOCKS5 socks:1080; PROXY p:3128')).toBe('http://p:3128');
    expect(proxyFromPac('DIRECT')).toBeNull();
    expect(proxyFromPac('')).toBeNull();
  });

  it('honours NO_PROXY by host, domain suffix, port and *', () => {
    const url = 'https://lantern.ward.example.org/4w/p.json';
    expect(exemptFromProxy(url, 'example.org')).toBe(true);
    expect(exemptFromProxy(url, '.example.org')).toBe(true);
    expect(exemptFromProxy(url, 'ward.example.org:443')).toBe(true);
    expect(exemptFromProxy(url, 'ward.example.org:8443')).toBe(false);
    expect(exemptFromProxy(url, 'other.org, 10.0.0.1')).toBe(false);
    expect(exemptFromProxy(url, 'ample.org')).toBe(false);
    expect(exemptFromProxy(url, '*')).toBe(true);
  });

  it('takes HTTPS_PROXY from the environment, and the policy’s setting over the system’s', async () => {
    const env = environmentProxy({ https_proxy: 'http://p:3128', NO_PROXY: 'local.example' });
    expect(await env('https://lantern.example.org/p.json')).toBe('http://p:3128');
    expect(await env('https://lantern.local.example/p.json')).toBeNull();
    expect(await environmentProxy({})('https://x.example/p')).toBeNull();
    const system = async () => 'http://system:8080';
    expect(await proxyFromSetting(undefined, system)('https://x')).toBe('http://system:8080');
    expect(await proxyFromSetting('system', system)('https://x')).toBe('http://system:8080');
    expect(await proxyFromSetting('direct', system)('https://x')).toBeNull();
    expect(await proxyFromSetting('http://policy:3128', system)('https://x')).toBe('http://policy:3128');
  });
});
