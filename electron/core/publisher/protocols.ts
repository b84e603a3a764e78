import path from 'node:path';
import type { ProtocolEntry } from '../snapshot/manifest';

/** What kind of protocol document a file is, by extension; null when it is not one. */
export function protocolKind(file: string): ProtocolEntry['format'] | null {
  switch (path.extname(file).toLowerCase()) {
    case '.pdf':
      return 'pdf';
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.html':
    case '.htm':
      return 'html';
    case '.txt':
    case '.text':
      return 'text';
    default:
      return null;
  }
}

const clean = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 300);

/** "rapid-response_criteria.txt" -> "Rapid response criteria". */
export function titleFromFileName(file: string): string {
  const words = clean(path.basename(file, path.extname(file)).replace(/[-_]+/g, ' '));
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Untitled';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });

function pdfString(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      bytes.push(raw.charCodeAt(i) & 0xff);
      continue;
    }
    const n = raw[++i] ?? '';
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
    if (n in simple) bytes.push(simple[n]!);
    else if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(raw[i + 1] ?? '')) oct += raw[++i];
      bytes.push(parseInt(oct, 8) & 0xff);
    }
  }
  return decodePdfBytes(Buffer.from(bytes));
}

function decodePdfBytes(buf: Buffer): string {
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('latin1');
}

/** The document's title: Markdown first heading, HTML <title>, PDF Info Title, else its file name. */
export function protocolTitle(file: string, kind: ProtocolEntry['format'], bytes: Buffer): string {
  let title = '';
  if (kind === 'markdown') {
    const text = bytes.toString('utf8');
    title = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1] ?? /^(.+)\r?\n=+[ \t]*$/m.exec(text)?.[1] ?? '';
  } else if (kind === 'html') {
    title = decodeEntities(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(bytes.toString('utf8'))?.[1] ?? '');
  } else if (kind === 'pdf') {
    const text = bytes.toString('latin1');
    const literal = /\/Title\s*\(((?:\\[\s\S]|[^\\)])*)\)/.exec(text);
    const hex = /\/Title\s*<([0-9A-Fa-f\s]*)>/.exec(text);
    if (literal) title = pdfString(literal[1]!);
    else if (hex) title = decodePdfBytes(Buffer.from(hex[1]!.replace(/\s+/g, ''), 'hex'));
  }
  return clean(title) || titleFromFileName(file);
}
