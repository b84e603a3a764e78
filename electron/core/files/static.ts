import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from './inside';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export const contentTypeOf = (file: string): string =>
  CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * Map a URL path onto a file inside `root`, or null when it would escape it
 * (`..`, encoded separators, absolute paths). "/" means index.html.
 */
export function appFilePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Lexical only: the app's files may sit in an archive that has no real paths to follow.
  const inside = resolveInside(root, decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, ''));
  return inside.ok ? inside.path : null;
}

/** Read an app file for serving; null when it is outside root or does not exist. */
export async function readAppFile(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; contentType: string } | null> {
  const file = appFilePath(root, urlPath);
  if (!file) return null;
  try {
    return { body: await readFile(file), contentType: contentTypeOf(file) };
  } catch {
    return null;
  }
}
