/**
 * A strict reader of the Prometheus text exposition format (0.0.4), as node_exporter's textfile
 * collector reads it: it throws on the first line the format does not allow, and returns the
 * samples so tests check their values.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

function readLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\n') throw new Error(`line ${line}: raw line feed in a label value`);
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else value += text[j];
    }
    if (text[j] !== '"') throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`line ${line}: expected , between labels`);
      i++;
    }
  }
  return labels;
}

/** Parse and check an exposition; throws with the line number of the first fault. */
export function parseExposition(text: string): { samples: Sample[]; types: Record<string, string>; help: Record<string, string> } {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(raw);
      if (!m) throw new Error(`line ${line}: a comment that is neither HELP nor TYPE`);
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      if (closed.has(name) || (current !== null && current !== name && samples.some((s) => s.name === name))) throw new Error(`line ${line}: ${name} is not contiguous`);
      if (current !== null && current !== name) closed.add(current);
      current = name;
      if (kind === 'TYPE') {
        if (name in types) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (samples.some((s) => s.name === name)) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
        types[name] = rest;
      } else {
        if (name in help) throw new Error(`line ${line}: second HELP for ${name}`);
        help[name] = rest;
      }
      return;
    }
    if (raw.trim() === '') throw new Error(`line ${line}: empty line`);
    const m = /^([^\s{]+)(?:\{(.*)\})? (\S+)$/.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
    if (!VALUE.test(valueText)) throw new Error(`line ${line}: bad value ${valueText}`);
    if (closed.has(name) || (current !== null && current !== name && samples.some((s) => s.name === name))) throw new Error(`line ${line}: ${name} is not contiguous`);
    if (current !== null && current !== name) closed.add(current);
    current = name;
    const labels = labelText ? readLabels(labelText, line) : {};
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${line}: the series ${key} comes twice`);
    seen.add(key);
    samples.push({ name, labels, value: Number(valueText.replace('Inf', 'Infinity')) });
  });
  return { samples, types, help };
}

/** The one sample of `name` with these labels (throws when there is none or several). */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}
