import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentOverridesAllowed, resolveHome } from '../../electron/core/home/locate';
import { readPolicy, type Policy } from '../../electron/core/home/policy';
import { REPO_ROOT } from '../support/fixtures';

const ENV = { LANTERN_HOME: '/tmp/env-home', LANTERN_INBOX: '/tmp/env-inbox' };
const POLICY: Policy = { home: '/var/lib/lantern/home', inbox: '/srv/lantern/inbox' };
const USER_DATA = '/home/nurse/.config/Lantern';
const DEMO = path.join(USER_DATA, 'demo-home');

describe('which home and inbox the app opens', () => {
  // isPackaged, policy, environment -> home, inbox
  const table: Array<[boolean, Policy, Record<string, string>, string, string | null]> = [
    // Development runs: the environment wins over the policy.
    [false, POLICY, ENV, '/tmp/env-home', '/tmp/env-inbox'],
    [false, POLICY, {}, POLICY.home!, POLICY.inbox!],
    [false, {}, ENV, '/tmp/env-home', '/tmp/env-inbox'],
    [false, {}, {}, DEMO, null],
    // Installed: the managed policy wins; the environment is ignored...
    [true, POLICY, ENV, POLICY.home!, POLICY.inbox!],
    [true, { ...POLICY, allowEnvironmentOverrides: false }, ENV, POLICY.home!, POLICY.inbox!],
    [true, {}, ENV, DEMO, null],
    [true, POLICY, { LANTERN_INBOX: '/tmp/env-inbox' }, POLICY.home!, POLICY.inbox!],
    // ...unless the policy allows it (a test workstation).
    [true, { ...POLICY, allowEnvironmentOverrides: true }, ENV, '/tmp/env-home', '/tmp/env-inbox'],
    [true, { ...POLICY, allowEnvironmentOverrides: true }, { LANTERN_INBOX: '/tmp/env-inbox' }, POLICY.home!, '/tmp/env-inbox'],
    [true, { allowEnvironmentOverrides: true }, {}, DEMO, null],
  ];
  it.each(table)('packaged %s, policy %j, environment %j: home %s, inbox %s', (isPackaged, policy, env, home, inbox) => {
    const location = resolveHome({ env, policy, userDataDir: USER_DATA, isPackaged });
    expect(location.dir).toBe(path.resolve(home));
    expect(location.demo).toBe(home === DEMO);
    expect(location.inbox).toBe(inbox);
    expect(environmentOverridesAllowed({ isPackaged, policy })).toBe(!isPackaged || policy.allowEnvironmentOverrides === true);
  });

  it('reads the policy template IT starts from, including allowEnvironmentOverrides', () => {
    const policy = readPolicy(path.join(REPO_ROOT, 'native/policy/lantern-policy.template.jsonc'));
    expect(policy.allowEnvironmentOverrides).toBe(false);
    expect(() => readPolicy('policy.json', () => '{"allowEnvironmentOverrides": "yes"}')).toThrow(/allowEnvironmentOverrides/);
  });

  it('carries from the policy what the charts of an expired copy do (default: behind an acknowledgement)', () => {
    const at = (policy: Policy) => resolveHome({ env: {}, policy, userDataDir: USER_DATA, isPackaged: true }).expiredCharts;
    expect(at({ ...POLICY, expiredCharts: 'block' })).toBe('block');
    expect(at({ ...POLICY, expiredCharts: 'acknowledge' })).toBe('acknowledge');
    expect(at(POLICY)).toBeNull();
    expect(at({ expiredCharts: 'block' })).toBe('block');
    expect(readPolicy(path.join(REPO_ROOT, 'native/policy/lantern-policy.template.jsonc')).expiredCharts).toBe('acknowledge');
    expect(() => readPolicy('policy.json', () => '{"expiredCharts": "hide"}')).toThrow(/expiredCharts/);
  });

  it('carries the policy’s sync block (start at sign-in, keep running when closed) and names a mistyped key in it', () => {
    const at = (policy: Policy) => resolveHome({ env: {}, policy, userDataDir: USER_DATA, isPackaged: true }).sync;
    expect(at(POLICY)).toEqual({});
    expect(at({ ...POLICY, sync: { startAtSignIn: true, keepRunningWhenClosed: false } })).toEqual({ startAtSignIn: true, keepRunningWhenClosed: false });
    expect(readPolicy('policy.json', () => '{"sync": {"startAtSignIn": true}}').sync).toEqual({ startAtSignIn: true });
    expect(() => readPolicy('policy.json', () => '{"sync": {"startAtSignon": true}}')).toThrow(/sync/);
    expect(() => readPolicy('policy.json', () => '{"sync": {"keepRunningWhenClosed": "yes"}}')).toThrow(/sync\.keepRunningWhenClosed/);
  });

  it('carries the HTTPS source from the policy, refusing one that is not https:// or names an unknown key', () => {
    const source = { url: 'https://lantern.example.org/4w/GH-4W-pointer.json', intervalSeconds: 30, caBundle: '/etc/lantern/web-ca.pem', proxy: 'direct' as const };
    expect(resolveHome({ env: {}, policy: { ...POLICY, source }, userDataDir: USER_DATA, isPackaged: true }).source).toEqual(source);
    expect(resolveHome({ env: {}, policy: POLICY, userDataDir: USER_DATA, isPackaged: true }).source).toBeNull();
    expect(readPolicy('policy.json', () => JSON.stringify({ source: { url: source.url, proxy: 'http://proxy.example.org:8080' } })).source?.proxy).toBe('http://proxy.example.org:8080');
    expect(() => readPolicy('policy.json', () => '{"source": {"url": "http://lantern.example.org/p.json"}}')).toThrow(/source\.url must be an https:\/\/ URL/);
    expect(() => readPolicy('policy.json', () => '{"source": {"url": "https://lantern.example.org/p.json", "intervalSeconds": 1}}')).toThrow(/source\.intervalSeconds/);
    expect(() => readPolicy('policy.json', () => '{"source": {"url": "https://lantern.example.org/p.json", "proxie": "direct"}}')).toThrow(/source/);
  });
});
