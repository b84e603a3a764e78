import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Policy, PolicyError, readPolicy, readRegistryPolicy } from '../../electron/core/home/policy';
import { closestKey, parsePolicyJson, policyProblems } from '../../electron/core/home/policy-fields';
import { mergePolicyLayers, parseRegQuery } from '../../electron/core/home/policy-registry';
import { REPO_ROOT } from '../support/fixtures';
import { runCli } from '../support/cli';

const TEMPLATE = path.join(REPO_ROOT, 'native/policy/lantern-policy.template.jsonc');
/** `reg query HKLM\Software\Policies\Lantern /s` as reg.exe prints it (CRLF, four-space columns, \0 between list items). */
const REG_OUTPUT = readFileSync(path.join(REPO_ROOT, 'test/unit/fixtures/reg-query-lantern.txt'), 'utf8');

const WRONG = {
  hme: 'D:\\Lantern',
  staleAfterMinutes: 2,
  expiredCharts: 'hide',
  allowEnvironmentOverrides: 'yes',
  updates: { enabled: true, url: 'http://updates.example.org', rng: 'pilot', pilotUnits: ['4-west', ''] },
  zzzzzzzz: 1,
};

describe('the policy check names every wrong key in one sentence', () => {
  it('lists all of them, not just the first, with "did you mean" for typos', () => {
    const problems = policyProblems(Policy, WRONG);
    expect(Object.fromEntries(problems.map((p) => [p.key, p.message]))).toEqual({
      hme: 'hme is not a Lantern policy key; did you mean home?',
      staleAfterMinutes: 'staleAfterMinutes must be a whole number from 5 to 10080 (it is 2).',
      expiredCharts: 'expiredCharts must be one of "acknowledge", "block" (it is "hide").',
      allowEnvironmentOverrides: 'allowEnvironmentOverrides must be true or false (it is "yes").',
      'updates.url': 'updates.url must be an https:// address (it is "http://updates.example.org").',
      'updates.rng': 'updates.rng is not a Lantern policy key; did you mean updates.ring?',
      'updates.pilotUnits[1]': 'updates.pilotUnits[1] must be a text that is not empty (it is "").',
      'updates.publisherName': 'updates.publisherName is required when updates.enabled is true.',
      zzzzzzzz: expect.stringMatching(/^zzzzzzzz is not a Lantern policy key \(the keys at the top level are home, inbox, .*updates\)\.$/),
    });
    for (const { message } of problems) expect(message.match(/[.?](\s|$)/g), message).toHaveLength(1);
  });

  it('suggests the key a typo or a wrong case meant, and nothing for a word far from every key', () => {
    const keys = ['home', 'inbox', 'staleAfterMinutes', 'expiredCharts'];
    expect(closestKey('StaleAfterMinutes', keys)).toBe('staleAfterMinutes');
    expect(closestKey('staleAfterMinute', keys)).toBe('staleAfterMinutes');
    expect(closestKey('expiredChart', keys)).toBe('expiredCharts');
    expect(closestKey('inbx', keys)).toBe('inbox');
    expect(closestKey('printer', keys)).toBeUndefined();
  });

  it('says a group that is not an object, and a policy that is not an object, in a sentence', () => {
    expect(policyProblems(Policy, { updates: true })).toEqual([{ key: 'updates', message: 'updates must be a group of keys, like { ... } (it is true).' }]);
    expect(policyProblems(Policy, ['home'])[0]!.message).toMatch(/^The policy must be a JSON object/);
    expect(policyProblems(Policy, {})).toEqual([]);
  });

  it('readPolicy refuses with the same sentences, all of them, naming the file', () => {
    const text = JSON.stringify(WRONG);
    expect(() => readPolicy('C:\\ProgramData\\Lantern\\policy.json', () => text)).toThrow(PolicyError);
    try {
      readPolicy('C:\\ProgramData\\Lantern\\policy.json', () => text);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^The Lantern policy file C:\\ProgramData\\Lantern\\policy\.json is not valid: /);
      for (const problem of policyProblems(Policy, WRONG)) expect(message).toContain(problem.message);
    }
  });

  it('lantern policy check FILE prints every sentence and exits 1; a valid file exits 0; --json lists them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-policy-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(WRONG));
    const text = await runCli(['policy', 'check', bad]);
    expect(text.code).toBe(1);
    const lines = text.out.split('\n');
    expect(lines[0]).toBe(`${bad}: 9 wrong keys.`);
    expect(lines.slice(1).map((l) => l.trim())).toEqual(policyProblems(Policy, WRONG).map((p) => p.message));

    const json = await runCli(['policy', 'check', bad, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ file: bad, valid: false, problems: policyProblems(Policy, WRONG) });

    const good = await runCli(['policy', 'check', TEMPLATE]);
    expect(good).toMatchObject({ code: 0, out: `${TEMPLATE}: a valid Lantern policy.` });

    writeFileSync(bad, '{"home": ');
    const broken = await runCli(['policy', 'check', bad]);
    expect(broken.code).toBe(1);
    expect(broken.err).toBe(`lantern policy check: The Lantern policy file ${bad} is not valid JSON.`);
    const missing = await runCli(['policy', 'check', path.join(dir, 'none.json')]);
    expect(missing.err).toMatch(/none\.json could not be read\.$/);
  });
});

describe('the policy file may carry comments (the template does)', () => {
  it('reads // and /* */ comments outside strings and keeps // inside strings (URLs, UNC paths)', () => {
    expect(parsePolicyJson('// head\n{ /* a */ "url": "https://x//y", // tail\n "inbox": "\\\\\\\\srv\\\\share" }')).toEqual({ url: 'https://x//y', inbox: '\\\\srv\\share' });
    expect(() => parsePolicyJson('{ "a": 1 /* never closed')).toThrow();
  });

  it('the generated template is itself a valid policy with the documented examples', () => {
    const policy = readPolicy(TEMPLATE);
    expect(policy.updates?.url).toBe('https://lantern-updates.example.org/stable');
    expect(policy.updates?.enabled).toBe(false);
    expect(policy.updates?.ring).toBeUndefined();
  });
});

describe('Group Policy values from the registry', () => {
  it('parses reg query output: subkeys as groups, DWORD 1/0 as true/false, MULTI_SZ as a list, names in any case', () => {
    expect(parseRegQuery(REG_OUTPUT, Policy)).toEqual({
      home: "D:\\Lantern\\Maison d'hôpital",
      staleAfterMinutes: 240,
      allowEnvironmentOverrides: false,
      updates: {
        enabled: true,
        url: 'https://updates.example.org/lantern',
        publisherName: 'CN=Example Hospital IT, O=Example Hospital, C=US',
        pilotUnits: ['4-west', '5-east'],
        broadDelayHours: 48,
      },
    });
  });

  it('ignores keys outside Software\\Policies\\Lantern and keeps unknown value names for the check to name', () => {
    const text = 'HKEY_LOCAL_MACHINE\\Software\\Policies\\LanternOther\r\n    home    REG_SZ    X\r\n\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Lantern\r\n    stale    REG_DWORD    0x10\r\n    inbox    REG_SZ    \r\n';
    const values = parseRegQuery(text, Policy);
    expect(values).toEqual({ stale: 16, inbox: '' });
    expect(policyProblems(Policy, values).map((p) => p.key)).toEqual(['inbox', 'stale']);
  });

  it('merges key by key: the registry wins, groups merge, lists are replaced, then the whole is checked', () => {
    const file = { home: 'C:\\file-home', inbox: 'C:\\inbox', updates: { pilotUnits: ['icu'], checkEveryHours: 12 } };
    const { merged, origin } = mergePolicyLayers(file, parseRegQuery(REG_OUTPUT, Policy));
    expect(Policy.parse(merged)).toEqual({
      home: "D:\\Lantern\\Maison d'hôpital",
      inbox: 'C:\\inbox',
      staleAfterMinutes: 240,
      allowEnvironmentOverrides: false,
      updates: {
        enabled: true,
        url: 'https://updates.example.org/lantern',
        publisherName: 'CN=Example Hospital IT, O=Example Hospital, C=US',
        pilotUnits: ['4-west', '5-east'],
        broadDelayHours: 48,
        checkEveryHours: 12,
      },
    });
    expect(origin(['home'])).toBe('registry');
    expect(origin(['inbox'])).toBe('file');
    expect(origin(['updates', 'checkEveryHours'])).toBe('file');
    expect(origin(['updates', 'pilotUnits', '1'])).toBe('registry');
  });

  it('readPolicy takes the registry over the file, and names a wrong registry value as set in the registry', () => {
    const file = JSON.stringify({ home: 'C:\\file-home', expiredCharts: 'block' });
    const policy = readPolicy('policy.json', { read: () => file, registry: () => parseRegQuery(REG_OUTPUT, Policy) });
    expect(policy).toMatchObject({ home: "D:\\Lantern\\Maison d'hôpital", expiredCharts: 'block', updates: { enabled: true } });
    // A registry policy alone (no file) is a policy.
    const noFile = () => {
      throw Object.assign(new Error('absent'), { code: 'ENOENT' });
    };
    expect(readPolicy('policy.json', { read: noFile, registry: () => ({ staleAfterMinutes: 60 }) })).toEqual({ staleAfterMinutes: 60 });
    const wrong = () => readPolicy('policy.json', { read: () => file, registry: () => parseRegQuery('HKEY_LOCAL_MACHINE\\Software\\Policies\\Lantern\r\n    staleAfterMinutes    REG_DWORD    0x1\r\n', Policy) });
    expect(wrong).toThrow(
      'The Lantern policy (file policy.json and the registry under HKLM\\Software\\Policies\\Lantern) is not valid: staleAfterMinutes must be a whole number from 5 to 10080 (it is 1) (set in the registry under HKLM\\Software\\Policies\\Lantern).',
    );
  });

  it('reads the registry through reg.exe: no key is no registry policy; reg that cannot run is an error', () => {
    expect(readRegistryPolicy(() => ({ status: 0, stdout: REG_OUTPUT }))).toMatchObject({ staleAfterMinutes: 240 });
    expect(readRegistryPolicy(() => ({ status: 1, stdout: '' }))).toBeNull();
    expect(() => readRegistryPolicy(() => ({ status: null, stdout: '', error: new Error('spawn cmd.exe ENOENT') }))).toThrow(/could not be read: reg\.exe did not run/);
    expect(() => readRegistryPolicy(() => ({ status: 5, stdout: 'partial' }))).toThrow(PolicyError);
  });
});
