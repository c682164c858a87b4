// Paths inside the project: is a path inside a folder, and where does a path
// written in a file point.

import path from 'node:path';

export function isInside(file: string, dir: string): boolean {
  const r = path.relative(dir, file);
  return r !== '..' && !r.startsWith('..' + path.sep) && !path.isAbsolute(r);
}

/**
 * Resolves `ref` (written in a file at root-relative `fromFile`) to a
 * root-relative path, or undefined when it points outside the root. Segment by
 * segment rather than with path.posix: this runs for every target and link.
 */
export function resolveFrom(fromFile: string, ref: string): string | undefined {
  if (ref.startsWith('/') || /^[A-Za-z]:[\\/]/.test(ref)) return undefined;
  // A backslash before a glob character escapes it (`app/\[id\]/page.tsx`); any other is a
  // Windows path separator (`..\src\a.ts`).
  const posix = ref.includes('\\') ? ref.replace(/\\(?![[\]{}()*?!+@\\])/g, '/') : ref;
  // The common case, `../test/a.test.ts`: steps up, then plain names, taken whole.
  let ups = 0;
  while (posix.startsWith('../', ups * 3)) ups++;
  const rest = ups === 0 ? posix : posix.slice(ups * 3);
  if (rest !== '' && !SPECIAL_SEGMENT.test(rest)) {
    let dir = fromFile.slice(0, Math.max(0, fromFile.lastIndexOf('/')));
    for (let k = 0; k < ups; k++) {
      if (dir === '') return undefined;
      dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
    }
    return dir === '' ? rest : `${dir}/${rest}`;
  }
  const out = fromFile.split('/');
  out.pop();
  for (const segment of posix.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') out.push(segment);
    else if (out.length === 0) return undefined;
    else out.pop();
  }
  return out.join('/');
}

/** An empty, `.` or `..` segment (a doubled, leading or trailing slash is an empty one). */
const SPECIAL_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;
