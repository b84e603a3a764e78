import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Why a reference does not lead to a file inside its folder. */
export type Outside = 'absolute' | 'parent' | 'separator' | 'encoding' | 'empty' | 'link' | 'missing' | 'unreadable';

/** Each reason as the end of a sentence about the reference ("... is an absolute path"). */
export const OUTSIDE: Record<Outside, string> = {
  absolute: 'is an absolute path',
  parent: 'goes up out of the folder ("..")',
  separator: 'has a backslash, an encoded "/" or a NUL in a name',
  encoding: 'has a "%" that is not followed by two hex digits',
  empty: 'names no file',
  link: 'is a symbolic link to something outside the folder',
  missing: 'does not exist',
  unreadable: 'cannot be read',
};

export type Inside = { ok: true; path: string } | { ok: false; why: Outside };

/**
 * A relative, "/"-separated reference resolved inside `root`, or why not. Refused before the
 * disk is touched, the same on every platform: an absolute path ("/x", "C:x", "\\\\server"), a
 * ".." segment, a backslash or a NUL. With `real`, the file must exist and its real path (every
 * symbolic link followed) lie inside root's real path; links that stay inside are fine.
 */
export function resolveInside(root: string, reference: string, options: { real?: boolean } = {}): Inside {
  if (reference.includes('\\') || reference.includes('\0')) return { ok: false, why: 'separator' };
  if (reference.startsWith('/') || /^[A-Za-z]:/.test(reference)) return { ok: false, why: 'absolute' };
  const segments = reference.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, why: 'parent' };
  if (segments.length === 0) return { ok: false, why: 'empty' };
  const full = path.join(path.resolve(root), ...segments);
  return options.real ? realInside(root, full) : { ok: true, path: full };
}

/**
 * `file` by its real path (every symbolic link followed), when that lies inside root's real
 * path; else why not. Reading the real path afterwards, not `file`, means a link swapped in
 * meanwhile is not followed.
 */
export function realInside(root: string, file: string): Inside {
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(file);
  } catch (e) {
    return { ok: false, why: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  const base = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
  return real === realRoot || real.startsWith(base) ? { ok: true, path: real } : { ok: false, why: 'link' };
}
