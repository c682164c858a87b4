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
