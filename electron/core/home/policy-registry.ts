import type { z } from 'zod';
import { policyTree, type PolicyField, type PolicyGroup } from './policy-fields';

/**
 * Group Policy's side of the managed policy. The ADMX templates (native/policy/windows/) write
 * each key under HKLM\Software\Policies\Lantern: a nested object is a subkey (updates.enabled
 * is the value "enabled" of ...\Lantern\updates), true/false and whole numbers are REG_DWORD
 * (1/0 for true/false), texts and choices REG_SZ, lists of texts REG_MULTI_SZ, and anything
 * else (a list of objects) a REG_SZ holding its JSON.
 */
export const REGISTRY_ROOT = 'HKLM\\Software\\Policies\\Lantern';
export const REGISTRY_KEY = 'Software\\Policies\\Lantern';

/** The registry's values as a nested object shaped like the policy (not yet checked). */
export type RegistryPolicy = Record<string, unknown>;

type Raw = { type: string; data: string };

function decode({ type, data }: Raw): unknown {
  switch (type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      return Number.parseInt(data, 16);
    case 'REG_MULTI_SZ':
      return data === '' ? [] : data.split('\\0');
    default:
      // REG_SZ, REG_EXPAND_SZ; REG_BINARY as its hex text, which the check then names.
      return data;
  }
}

/** A value read as the key's kind asks: DWORD 1/0 for true/false, numeric text for a number... */
function coerce(value: unknown, kind: string | undefined): unknown {
  if (kind === 'true or false' && (value === 0 || value === 1)) return value === 1;
  if ((kind === 'whole number' || kind === 'number') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (kind === 'list of texts' && typeof value === 'string') return [value];
  if (kind === 'json' && typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** Registry names are not case-sensitive: "StaleAfterMinutes" is the key staleAfterMinutes. */
function canonical(name: string, known: readonly string[]): string {
  return known.find((k) => k === name) ?? known.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
}

/**
 * Parse what `reg query HKLM\Software\Policies\Lantern /s` prints: a line per key
 * (HKEY_LOCAL_MACHINE\...), then its values indented by four spaces as NAME, TYPE, DATA (a
 * REG_MULTI_SZ's items joined by a literal \0). Keys outside the Lantern key are ignored.
 */
export function parseRegQuery(text: string, schema: z.ZodType): RegistryPolicy {
  const tree = policyTree(schema);
  const out: RegistryPolicy = {};
  let path: string[] | null = null;
  let group: PolicyGroup | undefined;
  let target: Record<string, unknown> | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^HKEY_|^HKLM\\/i.test(line)) {
      const rest = line.trim().replace(/^HKEY_LOCAL_MACHINE\\|^HKLM\\/i, '');
      if (rest.toLowerCase() !== REGISTRY_KEY.toLowerCase() && !rest.toLowerCase().startsWith(`${REGISTRY_KEY.toLowerCase()}\\`)) {
        path = null;
        continue;
      }
      path = [];
      group = tree;
      target = out;
      for (const part of rest.slice(REGISTRY_KEY.length).split('\\').filter(Boolean)) {
        const name = canonical(part, group?.groups.map((g) => g.path[g.path.length - 1]!) ?? []);
        path.push(name);
        group = group?.groups.find((g) => g.path[g.path.length - 1] === name);
        const next: unknown = target[name];
        target = (target[name] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
      }
      continue;
    }
    const value = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/.exec(line);
    if (!value || path === null || !target) continue;
    const [, rawName, type, data = ''] = value;
    if (rawName === '(Default)') continue;
    const fields = group?.fields ?? [];
    const name = canonical(rawName!, [...fields.map((f) => f.path[f.path.length - 1]!), ...(group?.groups.map((g) => g.path[g.path.length - 1]!) ?? [])]);
    const field = fields.find((f) => f.path[f.path.length - 1] === name);
    target[name] = coerce(decode({ type: type!, data: data.replace(/\s+$/, '') }), field?.kind);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(base: unknown, over: unknown): unknown {
  if (!isObject(over)) return over;
  const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(over)) out[key] = merge(out[key], value);
  return out;
}

/**
 * The file's policy with the registry's values over it, key by key (a nested object merges, a
 * value or a list is replaced), and where each key came from, for the check's sentences.
 */
export function mergePolicyLayers(file: unknown, registry: RegistryPolicy | null): { merged: unknown; origin: (key: string[]) => 'file' | 'registry' } {
  if (!registry) return { merged: file, origin: () => 'file' };
  const origin = (key: string[]): 'file' | 'registry' => {
    let node: unknown = registry;
    for (const part of key) {
      if (!isObject(node) || !(part in node)) return 'file';
      node = node[part];
      if (!isObject(node)) return 'registry';
    }
    return 'registry';
  };
  return { merged: merge(file, registry), origin };
}

export interface RegistryValue {
  /** Under HKLM: Software\Policies\Lantern, then a subkey per enclosing group. */
  key: string;
  valueName: string;
  type: 'REG_DWORD' | 'REG_SZ' | 'REG_MULTI_SZ';
  /** How the key's value is written there, in words (for the docs and the ADMX explanation). */
  note: string;
}

/** Where and how Group Policy writes a policy key (the rule parseRegQuery reads back). */
export function registryValue(field: PolicyField): RegistryValue {
  const key = [REGISTRY_KEY, ...field.path.slice(0, -1)].join('\\');
  const valueName = field.path[field.path.length - 1]!;
  switch (field.kind) {
    case 'true or false':
      return { key, valueName, type: 'REG_DWORD', note: '1 for true, 0 for false' };
    case 'whole number':
      // A DWORD holds 0 and up; a range that goes below zero is written as text.
      return (field.minimum ?? 0) >= 0
        ? { key, valueName, type: 'REG_DWORD', note: 'the number' }
        : { key, valueName, type: 'REG_SZ', note: 'the number as decimal text' };
    case 'number':
      return { key, valueName, type: 'REG_SZ', note: 'the number as decimal text' };
    case 'text':
    case 'choice':
      return { key, valueName, type: 'REG_SZ', note: 'the text' };
    case 'list of texts':
      return { key, valueName, type: 'REG_MULTI_SZ', note: 'one item per line' };
    case 'json':
      return { key, valueName, type: 'REG_SZ', note: 'the value as JSON text' };
  }
}
