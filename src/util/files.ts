// Lists the project's files once per run. Sync calls on purpose: on two cores they
// beat fs.promises 2-3x for thousands of small files.

import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { SdnaError } from './errors.js';

/** Folders never listed: dependencies, VCS data and build output. */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'coverage',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.turbo',
  '.vercel',
  '.cache',
]);

export interface FileList {
  /** Regular files (and symlinks to regular files inside the root), root-relative, `/`-separated, sorted. */
  files: string[];
  /** Same, as a set for lookups. */
  set: Set<string>;
}

interface Rules {
  /** Folder (root-relative, '' for the root) the rules are relative to. */
  base: string;
  ig: Ignore;
  /** Every rule ends in `/` (`node_modules/`, `.cache/`): it can never match a file. */
  dirOnly: boolean;
}

function rules(base: string, text: string): Rules {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return { base, ig: ignore().add(text), dirOnly: lines.every((l) => l.endsWith('/')) };
}

function readIgnore(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * As git decides: the deepest `.gitignore` with a rule for the path wins, so a
 * nested `!keep.log` re-includes what a parent ignores; `.git/info/exclude`
 * comes before the root `.gitignore`.
 */
function ignored(sets: Rules[], rel: string, isDir: boolean): boolean {
  for (let i = sets.length - 1; i >= 0; i--) {
    const r = sets[i];
    if (r.dirOnly && !isDir) continue;
    const sub = r.base === '' ? rel : rel.slice(r.base.length + 1);
    const verdict = r.ig.test(isDir ? sub + '/' : sub);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/**
 * Walks `root`, honouring `.gitignore` files (nested ones too) and
 * `.git/info/exclude`. Symlinked folders are not followed (as git does), so a
 * symlink loop cannot trap the walk; a symlinked file counts only if it resolves
 * inside the root, since sdna never reads outside it.
 */
export function listFiles(root: string): FileList {
  const files: string[] = [];
  const realRoot = fs.realpathSync(root);
  const rootRules: Rules[] = [];
  const exclude = readIgnore(path.join(root, '.git', 'info', 'exclude'));
  if (exclude) rootRules.push(rules('', exclude));

  const walk = (dir: string, rel: string, inherited: Rules[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // an unreadable folder holds nothing sdna can govern
    }
    let active = inherited;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const text = readIgnore(path.join(dir, '.gitignore'));
      if (text) active = [...inherited, rules(rel, text)];
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (SKIPPED_DIRS.has(e.name) || (active.length > 0 && ignored(active, childRel, true))) continue;
        walk(path.join(dir, e.name), childRel, active);
      } else if (e.isFile()) {
        if (active.length === 0 || !ignored(active, childRel, false)) files.push(childRel);
      } else if (e.isSymbolicLink()) {
        if (active.length > 0 && ignored(active, childRel, false)) continue;
        if (isFileInside(path.join(dir, e.name), realRoot)) files.push(childRel);
      }
    }
  };
  walk(root, '', rootRules);
  files.sort();
  return { files, set: new Set(files) };
}

function isFileInside(link: string, realRoot: string): boolean {
  try {
    const real = fs.realpathSync(link);
    return isInside(real, realRoot) && fs.statSync(real).isFile();
  } catch {
    // A dangling link is listed so that a spec or test named by it gets a clear
    // "cannot read" error instead of silently vanishing.
    return !fs.existsSync(link);
  }
}

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

/** Why a write failed, in words a user can act on. */
const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a part of the path is a file, not a folder',
};

/** A failed write as one line (exit 2): the file, why in words, and the system's code. */
export function writeFailure(file: string, error: unknown): SdnaError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new SdnaError(`cannot write ${file}: ${WRITE_ERRORS[code] ?? (error as Error).message}${code ? ` (${code})` : ''}`);
}

/**
 * Writes through a temp file and a rename, so that a reader never sees half a
 * file. `createDir: false` for a path the user named (`--out`): sdna creates no
 * folder the user did not ask for. Failures are SdnaErrors (exit 2, one line).
 */
export function writeFileAtomic(file: string, text: string, options: { createDir?: boolean } = {}): void {
  const dir = path.dirname(file);
  const statOf = (p: string) => {
    try {
      return fs.statSync(p, { throwIfNoEntry: false });
    } catch (error) {
      throw writeFailure(file, error);
    }
  };
  if (statOf(file)?.isDirectory()) throw writeFailure(file, { code: 'EISDIR' });
  if (options.createDir === false) {
    const stat = statOf(dir);
    if (!stat) throw new SdnaError(`cannot write ${file}: the folder ${dir} does not exist (sdna creates no folder you did not name; create it first)`);
    if (!stat.isDirectory()) throw writeFailure(file, { code: 'ENOTDIR' });
  } else {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw writeFailure(file, error);
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw writeFailure(file, error);
  }
}

/**
 * Files under `dir` (root-relative) in a sorted list, found by binary search so
 * that matching a glob only looks at the files below its static base.
 */
export function filesUnder(sorted: string[], dir: string): string[] {
  if (dir === '') return sorted;
  const prefix = dir + '/';
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < sorted.length && sorted[end].startsWith(prefix)) end++;
  return sorted.slice(lo, end);
}

/**
 * Reads files into one reused buffer: for thousands of small test files this
 * is about 1.5x faster than readFileSync, which allocates and stats each one.
 */
export class FileReader {
  private buf = Buffer.allocUnsafe(1 << 16);

  /** The first `size` bytes of the file (a view valid until the next read), or undefined when unreadable. */
  head(file: string, size: number): Buffer | undefined {
    return this.withFile(file, (fd) => {
      if (this.buf.length < size) this.buf = Buffer.allocUnsafe(size);
      return this.buf.subarray(0, fs.readSync(fd, this.buf, 0, size, 0));
    });
  }

  /** The file's bytes (a view valid until the next read), or undefined when unreadable. */
  read(file: string): Buffer | undefined {
    return this.withFile(file, (fd) => {
      let length = 0;
      for (;;) {
        if (length === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger);
          this.buf = bigger;
        }
        const n = fs.readSync(fd, this.buf, length, this.buf.length - length, null);
        if (n === 0) return this.buf.subarray(0, length);
        length += n;
      }
    });
  }

  private withFile(file: string, use: (fd: number) => Buffer): Buffer | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return undefined;
    }
    try {
      return use(fd);
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }
}
