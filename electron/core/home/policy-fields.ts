import { z } from 'zod';

/**
 * The managed policy described key by key, read from its zod schema (through zod's own JSON
 * Schema export), so the checker's sentences, the registry reader and the generated template,
 * docs and Group Policy templates follow every key added to `Policy` without a second list.
 */

/** A leaf's kind: how it is written in JSON, in the registry and in Group Policy. */
export type FieldKind = 'text' | 'whole number' | 'number' | 'true or false' | 'choice' | 'list of texts' | 'json';

export interface PolicyField {
  /** Path from the top, e.g. ['updates', 'enabled']. */
  path: string[];
  kind: FieldKind;
  description: string;
  /** The value Lantern uses when the key is absent (documented with `.meta({ default })`). */
  default?: unknown;
  /** Example values (`.meta({ examples })`); the template takes the first. */
  examples?: unknown[];
  choices?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  /** A pattern or format the text must follow (zod's url, regex...). */
  format?: string;
}

export interface PolicyGroup {
  path: string[];
  description: string;
  fields: PolicyField[];
  groups: PolicyGroup[];
}

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

function toJson(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** An optional or nullable key's schema comes as anyOf [it, null]: take the one that is not null. */
function unwrap(node: JsonSchema): JsonSchema {
  const options = node.anyOf ?? node.oneOf;
  if (options) {
    const real = options.filter((o) => o.type !== 'null');
    if (real.length === 1) return { ...real[0]!, description: node.description ?? real[0]!.description, default: node.default ?? real[0]!.default, examples: node.examples ?? real[0]!.examples };
  }
  return node;
}

function kindOf(node: JsonSchema): FieldKind {
  if (node.enum && node.enum.every((v) => typeof v === 'string')) return 'choice';
  if (node.type === 'boolean') return 'true or false';
  if (node.type === 'integer') return 'whole number';
  if (node.type === 'number') return 'number';
  if (node.type === 'string') return 'text';
  if (node.type === 'array' && node.items && unwrap(node.items).type === 'string' && !unwrap(node.items).enum) return 'list of texts';
  return 'json';
}

function groupFrom(node: JsonSchema, path: string[]): PolicyGroup {
  const group: PolicyGroup = { path, description: node.description ?? '', fields: [], groups: [] };
  for (const [name, raw] of Object.entries(node.properties ?? {})) {
    const child = unwrap(raw);
    if (child.type === 'object' && child.properties) {
      group.groups.push(groupFrom(child, [...path, name]));
      continue;
    }
    const field: PolicyField = { path: [...path, name], kind: kindOf(child), description: child.description ?? '' };
    if (child.default !== undefined) field.default = child.default;
    if (child.examples) field.examples = child.examples;
    if (field.kind === 'choice') field.choices = child.enum as string[];
    const minimum = child.minimum ?? child.exclusiveMinimum;
    const maximum = child.maximum ?? child.exclusiveMaximum;
    if (minimum !== undefined) field.minimum = minimum;
    if (maximum !== undefined) field.maximum = maximum;
    if (child.minLength !== undefined) field.minLength = child.minLength;
    if (child.format ?? child.pattern) field.format = child.format ?? child.pattern;
    group.fields.push(field);
  }
  return group;
}

/** The policy's keys as a tree of groups (nested objects) and fields (everything else). */
export function policyTree(schema: z.ZodType): PolicyGroup {
  return groupFrom(unwrap(toJson(schema)), []);
}

/** Every leaf key, depth first, in the schema's order. */
export function policyFields(schema: z.ZodType): PolicyField[] {
  const out: PolicyField[] = [];
  const walk = (group: PolicyGroup) => {
    out.push(...group.fields);
    group.groups.forEach(walk);
  };
  walk(policyTree(schema));
  return out;
}

export const keyName = (path: readonly (string | number)[]): string =>
  path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');

/** What a field must be, in words: "a whole number from 5 to 10080". */
export function expectation(field: PolicyField): string {
  const range = (unit: string) =>
    field.minimum !== undefined && field.maximum !== undefined
      ? `${unit} from ${field.minimum} to ${field.maximum}`
      : field.minimum !== undefined
        ? `${unit} of at least ${field.minimum}`
        : field.maximum !== undefined
          ? `${unit} of at most ${field.maximum}`
          : unit;
  switch (field.kind) {
    case 'text':
      return field.format === 'uri' ? 'a URL' : field.minLength ? 'a text that is not empty' : 'a text';
    case 'whole number':
      return range('a whole number');
    case 'number':
      return range('a number');
    case 'true or false':
      return 'true or false';
    case 'choice':
      return `one of ${field.choices!.map((c) => `"${c}"`).join(', ')}`;
    case 'list of texts':
      return 'a list of texts that are not empty';
    case 'json':
      return 'a value of the documented shape';
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key an unknown one most likely meant (a typo or a wrong case), if any is close. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = key.toLowerCase() === lower ? 0 : editDistance(lower, key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(unknown.length / 4)) ? best.key : undefined;
}

function groupAt(tree: PolicyGroup, path: readonly (string | number)[]): PolicyGroup | undefined {
  let group: PolicyGroup | undefined = tree;
  for (const part of path) group = group?.groups.find((g) => g.path[g.path.length - 1] === part);
  return group;
}

function fieldAt(tree: PolicyGroup, path: readonly (string | number)[]): PolicyField | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  const group = groupAt(tree, names.slice(0, -1));
  return group?.fields.find((f) => f.path[f.path.length - 1] === names[names.length - 1]);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  return value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export interface PolicyProblem {
  /** The key, dotted: "updates.enabled", "updates.pilotUnits[2]". */
  key: string;
  /** One sentence that names the key and says what it must be. */
  message: string;
}

/**
 * Every wrong key of `input` against `schema`, each in one sentence: an unknown key with the
 * key it most likely meant, a wrong value with what it must be. Empty: the policy is valid.
 * `origin(key)` may add where a key came from (the file or the registry).
 */
export function policyProblems(schema: z.ZodType, input: unknown, origin: (key: string[]) => string = () => ''): PolicyProblem[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [{ key: '', message: 'The policy must be a JSON object of keys and values, like { "home": "..." }.' }];
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return [];
  const tree = policyTree(schema);
  const problems: PolicyProblem[] = [];
  const seen = new Set<string>();
  const add = (path: PropertyKey[], message: string) => {
    const key = keyName(path as (string | number)[]);
    if (seen.has(key)) return;
    seen.add(key);
    const from = origin(path.map(String));
    problems.push({ key, message: from ? message.replace(/\.$/, ` (${from}).`) : message });
  };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const group = groupAt(tree, issue.path as (string | number)[]);
      const known = group ? [...group.fields, ...group.groups].map((k) => k.path[k.path.length - 1]!) : [];
      for (const name of issue.keys) {
        const path = [...issue.path, name];
        const guess = closestKey(name, known);
        const where = issue.path.length ? `in ${keyName(issue.path as (string | number)[])}` : 'at the top level';
        add(
          path,
          guess
            ? `${keyName(path as (string | number)[])} is not a Lantern policy key; did you mean ${keyName([...issue.path, guess] as (string | number)[])}?`
            : `${keyName(path as (string | number)[])} is not a Lantern policy key (the keys ${where} are ${known.join(', ') || 'none'}).`,
        );
      }
      continue;
    }
    const key = keyName(issue.path as (string | number)[]);
    const field = fieldAt(tree, issue.path as (string | number)[]);
    const value = valueAt(input, issue.path);
    if (!field && groupAt(tree, issue.path as (string | number)[]) && issue.code === 'invalid_type') {
      add(issue.path, `${key} must be a group of keys, like { ... } (it is ${shown(value)}).`);
      continue;
    }
    if (issue.code === 'custom' || !field) {
      // A rule between keys (a refinement): the schema words it, "is required when ...".
      const text = issue.message.replace(/\.?$/, '.');
      add(issue.path, !key ? text : /^[a-z]/.test(text) ? `${key} ${text}` : `${key}: ${text}`);
      continue;
    }
    const inList = typeof issue.path[issue.path.length - 1] === 'number';
    // A pattern with its own wording ("an https:// address") says it better than "a text".
    const own = issue.code === 'invalid_format' && !/^Invalid/.test(issue.message) ? issue.message : undefined;
    const want = own ?? (inList ? 'a text that is not empty' : expectation(field));
    add(issue.path, `${key} must be ${want} (it is ${shown(value)}).`);
  }
  return problems;
}

/**
 * A policy file's text as JSON, allowing the // and /* *\/ comments of the template (JSONC):
 * comments are blanked outside strings, so positions in error messages stay right.
 */
export function parsePolicyJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
