import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Policy } from '../../electron/core/home/policy';
import { keyName, policyFields } from '../../electron/core/home/policy-fields';
import { parseRegQuery, REGISTRY_KEY } from '../../electron/core/home/policy-registry';
import { admx, adml, policyDoc, policyFiles, policyTemplate } from '../../scripts/policy/templates';
import { REPO_ROOT } from '../support/fixtures';

type Element = ReturnType<DOMParser['parseFromString']>['documentElement'] & object;
const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';

/** A wider schema than today's policy: groups in groups, choices, lists, negative and fractional numbers, a list of objects. */
const Wide = z
  .object({
    flag: z.boolean().optional().describe('A flag.'),
    source: z
      .object({
        kind: z.enum(['share', 'https']).optional().meta({ default: 'share' }).describe('Where from.'),
        retry: z.object({ seconds: z.number().int().min(1).max(600).optional().describe('Seconds between tries.') }).strict().optional().describe('Retrying.'),
        mirrors: z.array(z.string().min(1)).optional().describe('Mirrors.'),
        offset: z.number().int().min(-10).max(10).optional().describe('An offset.'),
        ratio: z.number().min(0).max(1).optional().describe('A ratio.'),
        rules: z.array(z.object({ unit: z.string(), hours: z.number() }).strict()).optional().describe('Rules per unit.'),
      })
      .strict()
      .optional()
      .describe('The source.'),
  })
  .strict();
const WIDE_VALUE = {
  flag: true,
  source: { kind: 'https', retry: { seconds: 30 }, mirrors: ['a', 'b c'], offset: -3, ratio: 0.25, rules: [{ unit: '4-west', hours: 2 }] },
};

function parseXml(text: string): Element {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: (m) => errors.push(m), error: (m) => errors.push(m), fatalError: (m) => errors.push(m) } }).parseFromString(text, 'text/xml');
  expect(errors, 'well-formed XML').toEqual([]);
  return doc.documentElement!;
}

const children = (el: Element, name?: string): Element[] =>
  Array.from(el.childNodes as unknown as ArrayLike<Element>).filter((n) => n.nodeType === 1 && (!name || n.localName === name));
const child = (el: Element, name: string): Element => {
  const found = children(el, name);
  expect(found, `<${el.localName}> has one <${name}>`).toHaveLength(1);
  return found[0]!;
};
const ref = (value: string | null, kind: 'string' | 'presentation') => {
  const match = new RegExp(`^\\$\\(${kind}\\.([A-Za-z0-9_]+)\\)$`).exec(value ?? '');
  expect(match, `${value} is a $(${kind}.id) reference`).not.toBeNull();
  return match![1]!;
};

/** Which presentation control may show each element kind (the ADMX/ADML schemas' pairs). */
const CONTROL: Record<string, string[]> = {
  decimal: ['decimalTextBox', 'textBox'],
  text: ['textBox', 'comboBox'],
  enum: ['dropdownList'],
  multiText: ['multiTextBox'],
  boolean: ['checkBox'],
  list: ['listBox'],
};

/**
 * The structure the ADMX schema requires, checked: the root and its sections in order, a
 * target namespace, resources, categories with parents, Machine policies with a key, category,
 * supportedOn and either a value of their own or elements, each element shown by a matching
 * control of the policy's ADML presentation, and every string referenced defined (and used).
 */
function checkAdmx(admxText: string, admlText: string) {
  const root = parseXml(admxText);
  expect([root.localName, root.namespaceURI, root.getAttribute('revision'), root.getAttribute('schemaVersion')]).toEqual(['policyDefinitions', NS, '1.0', '1.0']);
  expect(children(root).map((c) => c.localName)).toEqual(['policyNamespaces', 'resources', 'supportedOn', 'categories', 'policies']);
  const target = child(child(root, 'policyNamespaces'), 'target');
  expect(target.getAttribute('prefix')).toMatch(/^\w+$/);
  expect(target.getAttribute('namespace')).toMatch(/^[\w.]+$/);
  expect(child(root, 'resources').getAttribute('minRequiredRevision')).toBe('1.0');

  const resources = parseXml(admlText);
  expect([resources.localName, resources.namespaceURI]).toEqual(['policyDefinitionResources', NS]);
  expect(children(resources).map((c) => c.localName)).toEqual(['displayName', 'description', 'resources']);
  const tables = child(resources, 'resources');
  const strings = new Map(children(child(tables, 'stringTable'), 'string').map((s) => [s.getAttribute('id')!, s.textContent ?? '']));
  const presentations = new Map(children(child(tables, 'presentationTable'), 'presentation').map((p) => [p.getAttribute('id')!, p]));
  const used = new Set<string>();
  const text = (value: string | null) => {
    const id = ref(value, 'string');
    expect(strings.get(id), `string ${id}`).toBeTruthy();
    used.add(id);
  };

  const supported = children(child(child(root, 'supportedOn'), 'definitions'), 'definition').map((d) => {
    text(d.getAttribute('displayName'));
    return d.getAttribute('name')!;
  });
  const categories = children(child(root, 'categories'), 'category');
  const categoryNames = categories.map((c) => c.getAttribute('name')!);
  expect(new Set(categoryNames).size).toBe(categoryNames.length);
  for (const category of categories) {
    text(category.getAttribute('displayName'));
    text(category.getAttribute('explainText'));
    for (const parent of children(category, 'parentCategory')) expect(categoryNames).toContain(parent.getAttribute('ref'));
  }

  const written: { key: string; valueName: string; kind: string; element: Element | null }[] = [];
  const policies = children(child(root, 'policies'), 'policy');
  expect(new Set(policies.map((p) => p.getAttribute('name'))).size).toBe(policies.length);
  for (const policy of policies) {
    const name = policy.getAttribute('name')!;
    expect(policy.getAttribute('class'), name).toBe('Machine');
    const key = policy.getAttribute('key')!;
    expect(key === REGISTRY_KEY || key.startsWith(`${REGISTRY_KEY}\\`), key).toBe(true);
    text(policy.getAttribute('displayName'));
    text(policy.getAttribute('explainText'));
    const order = children(policy).map((c) => c.localName);
    expect(order.slice(0, 2), name).toEqual(['parentCategory', 'supportedOn']);
    expect(categoryNames).toContain(child(policy, 'parentCategory').getAttribute('ref'));
    expect(supported).toContain(child(policy, 'supportedOn').getAttribute('ref'));
    const elements = children(policy, 'elements');
    if (elements.length === 0) {
      expect(order.slice(2), name).toEqual(['enabledValue', 'disabledValue']);
      expect(policy.getAttribute('valueName'), name).toBeTruthy();
      expect(policy.hasAttribute('presentation')).toBe(false);
      written.push({ key, valueName: policy.getAttribute('valueName')!, kind: 'enabledValue', element: null });
      continue;
    }
    expect(order.slice(2), name).toEqual(['elements']);
    const presentation = presentations.get(ref(policy.getAttribute('presentation'), 'presentation'));
    expect(presentation, `presentation of ${name}`).toBeDefined();
    for (const element of children(elements[0]!)) {
      expect(Object.keys(CONTROL)).toContain(element.localName);
      const id = element.getAttribute('id')!;
      const controls = children(presentation!).filter((c) => c.getAttribute('refId') === id);
      expect(controls, `control for ${id}`).toHaveLength(1);
      expect(CONTROL[element.localName!]).toContain(controls[0]!.localName);
      for (const item of children(element, 'item')) text(item.getAttribute('displayName'));
      written.push({ key: element.hasAttribute('key') ? element.getAttribute('key')! : key, valueName: element.getAttribute('valueName')!, kind: element.localName!, element });
    }
  }
  expect([...strings.keys()].filter((id) => !used.has(id)), 'strings nothing refers to').toEqual([]);
  const places = written.map((w) => `${w.key}\\${w.valueName}`.toLowerCase());
  expect(new Set(places).size, 'each registry value set by one policy').toBe(places.length);
  return written;
}

/**
 * What Group Policy writes for `value` through these ADMX policies, printed as `reg query /s`
 * prints it: the simulated round trip from the administrator's dialog to the app's reader.
 */
function groupPolicyWrites(written: ReturnType<typeof checkAdmx>, value: unknown): string {
  const byKey = new Map<string, string[]>();
  for (const { key, valueName, kind, element } of written) {
    const pathOf = [...key.slice(REGISTRY_KEY.length).split('\\').filter(Boolean), valueName];
    let v: unknown = value;
    for (const part of pathOf) v = (v as Record<string, unknown> | undefined)?.[part];
    if (v === undefined) continue;
    let line: string;
    if (kind === 'enabledValue') line = `REG_DWORD    0x${v ? 1 : 0}`;
    else if (kind === 'decimal') line = `REG_DWORD    0x${(v as number).toString(16)}`;
    else if (kind === 'multiText') line = `REG_MULTI_SZ    ${(v as string[]).join('\\0')}`;
    else if (kind === 'enum') {
      const items = children(element!, 'item').map((i) => i.getElementsByTagName('string')[0]!.textContent);
      expect(items).toContain(v);
      line = `REG_SZ    ${v as string}`;
    } else line = `REG_SZ    ${typeof v === 'string' ? v : JSON.stringify(v)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), `    ${valueName}    ${line}`]);
  }
  return ['', ...[...byKey].flatMap(([key, lines]) => [`HKEY_LOCAL_MACHINE\\${key}`, ...lines, ''])].join('\r\n');
}

describe('the generated policy files', () => {
  it('are up to date with the schema in the repository (run npm run policy:generate)', () => {
    for (const [file, text] of Object.entries(policyFiles(Policy))) {
      expect(readFileSync(path.join(REPO_ROOT, file), 'utf8'), `${file} is out of date: run npm run policy:generate`).toBe(text);
    }
  });

  it('document every key: the docs name its type, default, example and registry value; the template explains it', () => {
    const doc = policyDoc(Policy);
    const template = policyTemplate(Policy);
    for (const field of policyFields(Policy)) {
      expect(field.description, `${keyName(field.path)} has .describe()`).toMatch(/\w.*\.$/);
      const section = doc.split(`### ${keyName(field.path)}\n`)[1]?.split('\n### ')[0] ?? '';
      expect(section, keyName(field.path)).toContain(field.description);
      expect(section).toMatch(/- Type: .+\n- Default: .+\n- Example: `.+`\n- Registry: `HKLM\\Software\\Policies\\Lantern.*`, value `\w+`, REG_(DWORD|SZ|MULTI_SZ)/);
      expect(template).toContain(`"${field.path[field.path.length - 1]}": `);
    }
  });

  it('the ADMX and ADML are well-formed and have the structure Group Policy requires', () => {
    const written = checkAdmx(admx(Policy), adml(Policy));
    expect(written.map((w) => `${w.key}\\${w.valueName}`)).toEqual(policyFields(Policy).map((f) => [REGISTRY_KEY, ...f.path].join('\\')));
    // A broken file is caught: a presentation that names another element, a string that is missing.
    expect(() => checkAdmx(admx(Policy), adml(Policy).replace('refId="staleAfterMinutes"', 'refId="staleAfter"'))).toThrow(/control for staleAfterMinutes/);
    expect(() => checkAdmx(admx(Policy), adml(Policy).replace('<string id="home">', '<string id="hom">'))).toThrow(/string home/);
    expect(() => checkAdmx(admx(Policy).replace('</policies>', ''), adml(Policy))).toThrow(/well-formed/);
  });

  it('what Group Policy writes through the ADMX is what the app reads back, for the template policy', () => {
    const template = readFileSync(path.join(REPO_ROOT, 'native/policy/lantern-policy.template.jsonc'), 'utf8');
    const value = Policy.parse(JSON.parse(template.replace(/^\s*\/\/.*$/gm, '')));
    expect(parseRegQuery(groupPolicyWrites(checkAdmx(admx(Policy), adml(Policy)), value), Policy)).toEqual(value);
  });

  it('handle any schema: groups in groups, choices, lists, negative and fractional numbers, lists of objects', () => {
    const written = checkAdmx(admx(Wide), adml(Wide));
    expect(written.map((w) => `${w.key.slice(REGISTRY_KEY.length)}\\${w.valueName}:${w.kind}`)).toEqual([
      '\\flag:enabledValue',
      '\\source\\kind:enum',
      '\\source\\mirrors:multiText',
      '\\source\\offset:text',
      '\\source\\ratio:text',
      '\\source\\rules:text',
      '\\source\\retry\\seconds:decimal',
    ]);
    const back = parseRegQuery(groupPolicyWrites(written, WIDE_VALUE), Wide);
    expect(Wide.parse(back)).toEqual(WIDE_VALUE);
    expect(Wide.parse(JSON.parse(policyTemplate(Wide).replace(/^\s*\/\/.*$/gm, '')))).toEqual({ source: { kind: 'share' } });
    expect(policyDoc(Wide)).toContain('### source.retry.seconds');
  });
});
