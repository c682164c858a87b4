// The one door through which sdna reads files. A project file is read only if
// its real path (symlinks resolved) is inside the project root, it is a regular
// file (never a FIFO, a device, a socket or a folder, which could block a read
// forever or never end), and it is under the size cap for what it is read as.
// A glance at a listed file's first bytes (`head`) skips the regular-file test:
// it is bounded and cannot block whatever the path has become.
// Files a user names on the command line (`--config`, `--from`) may live
// anywhere, but are still only regular files under a cap.

import fs from 'node:fs';
import path from 'node:path';
import { SdnaError } from './errors.js';
import { isInside } from './paths.js';

const MB = 1024 * 1024;

/** What a file is read as, and the most sdna reads of each: no real file of the kind is near it. */
export const READ_LIMITS = {
  spec: 1 * MB,
  test: 8 * MB,
  source: 8 * MB,
  config: 1 * MB,
  /** package.json, tsconfig.json, pnpm-workspace.yaml */
  manifest: 4 * MB,
  /** .gitignore and .git/info/exclude */
  ignore: 1 * MB,
  /** `.sdna/` files: state, baseline, recorded links */
  record: 64 * MB,
  cache: 512 * MB,
  /** an interchange file given to `--from` */
  model: 256 * MB,
  /** Vitest's raw coverage for one batch of test files */
  coverage: 1024 * MB,
} as const;
export type ReadKind = keyof typeof READ_LIMITS;

export type RefusalCode = 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable';

/** A read sdna refused or could not do, with the reason in words. One line, exit 2, when it stops a command. */
export class ReadRefused extends SdnaError {
  constructor(
    readonly file: string,
    readonly code: RefusalCode,
    readonly why: string,
  ) {
    super(`cannot read ${file}: ${why}`);
  }
}

export interface Refusal {
  file: string;
  /** What sdna meant to read it as. */
  as: ReadKind;
  reason: Exclude<RefusalCode, 'missing'>;
  why: string;
}

/**
 * `isInside` for paths `path.resolve` or realpath gave (absolute, normalised):
 * a prefix test, where path.relative cost 40 ms per 20,000 files read, and
 * without joining `dir + '/'` (a new string for each file). Windows compares
 * paths without case, as path.relative does there.
 */
const within =
  process.platform === 'win32'
    ? isInside
    : (file: string, dir: string) => file.startsWith(dir) && (file.length === dir.length || dir.endsWith('/') || file.charCodeAt(dir.length) === SLASH);

const SLASH = 0x2f;

/**
 * A root-relative path as listings give it (`src/a.ts`): nothing to resolve,
 * so its folder and name are found by its last `/`, not by path.resolve,
 * dirname and join for each of thousands of files.
 */
const PLAIN = path.sep === '/' ? /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)[^\\]*[^/\\]$/ : undefined;

/** `name` (one segment, or a plain relative path) in folder `dir` (absolute, normalised), without path.join's normalising. */
const inFolder = (dir: string, name: string) => (dir.endsWith(path.sep) ? dir + name : dir + path.sep + name);

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function typeOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function errnoWhy(error: unknown): { code: RefusalCode; why: string } {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { code: 'missing', why: 'it does not exist' };
  if (code === 'ENOTDIR') return { code: 'unreadable', why: 'a part of its path is a file, not a folder (ENOTDIR)' };
  if (code === 'ELOOP') return { code: 'unreadable', why: 'it is a symlink loop' };
  if (code === 'EACCES' || code === 'EPERM') return { code: 'unreadable', why: `permission denied (${code})` };
  if (code === 'EISDIR') return { code: 'not-a-file', why: 'it is a folder, not a regular file' };
  return { code: 'unreadable', why: code ?? String(error) };
}

const mb = (bytes: number) => `${bytes % MB === 0 ? bytes / MB : (bytes / MB).toFixed(1)} MB`;

/**
 * Reads the files of one project. Keeps one growing buffer (thousands of small
 * test files read 1.5x faster than with readFileSync) and the real path of each
 * folder it has seen, so that a file costs one open and one fstat, not a
 * realpath: a symlinked file is resolved on its own.
 */
export class GuardedReader {
  readonly root: string;
  /** What `try…` reads refused (other than missing files), for the plan to report. */
  readonly refused: Refusal[] = [];
  /** Every file it was asked to open (root-relative), found or not: what a plan depended on. */
  readonly opened = new Set<string>();
  private realRoot: string | undefined;
  private readonly realDirs = new Map<string, string>();
  private buf = Buffer.allocUnsafe(1 << 16);
  /** What fstat gave for the file opened last. */
  private stat: fs.Stats | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * The file's bytes: a view into a shared buffer, valid until the next read.
   * `file` is root-relative (`/`-separated) or absolute. Throws ReadRefused.
   */
  bytes(file: string, kind: ReadKind): Buffer {
    const rel = this.relative(file);
    const fd = this.openChecking(rel, kind);
    try {
      return this.readAll(fd, rel, kind);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * The first `size` bytes (a view, as `bytes`), or undefined when refused: a
   * glance, so nothing is recorded. Without the fstat of a whole read: a glance
   * reads at most `size` bytes through a non-blocking descriptor, so a path that
   * is no longer a regular file can neither block it nor make it long (a folder
   * or a pipe fails the read, a device gives `size` bytes at most). The fstat
   * and the Stats Node 20 makes of it cost a tenth of each glance, and a plan
   * glances at every target.
   */
  head(file: string, size: number): Buffer | undefined {
    let fd: number;
    try {
      fd = this.open(this.relative(file));
    } catch (error) {
      if (error instanceof ReadRefused) return undefined;
      throw error;
    }
    try {
      if (this.buf.length < size) this.buf = Buffer.allocUnsafe(size);
      return this.buf.subarray(0, fs.readSync(fd, this.buf, 0, size, 0));
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  text(file: string, kind: ReadKind): string {
    return this.bytes(file, kind).toString('utf8');
  }

  /**
   * The file opened after the same checks as `bytes`, with its fstat, for a
   * caller that reads only parts of it; the caller closes `fd`. Throws ReadRefused.
   */
  openChecked(file: string, kind: ReadKind): { fd: number; stat: fs.Stats } {
    const fd = this.openChecking(this.relative(file), kind);
    return { fd, stat: this.stat as fs.Stats };
  }

  /** The text, or undefined when the file does not exist; other refusals throw. */
  textIfExists(file: string, kind: ReadKind): string | undefined {
    try {
      return this.text(file, kind);
    } catch (error) {
      if (error instanceof ReadRefused && error.code === 'missing') return undefined;
      throw error;
    }
  }

  /** The bytes, or undefined when refused; a refusal other than a missing file is kept in `refused`. */
  tryBytes(file: string, kind: ReadKind): Buffer | undefined {
    try {
      return this.bytes(file, kind);
    } catch (error) {
      if (!(error instanceof ReadRefused)) throw error;
      if (error.code !== 'missing' && !this.refused.some((r) => r.file === error.file)) {
        this.refused.push({ file: error.file, as: kind, reason: error.code, why: error.why });
      }
      return undefined;
    }
  }

  /** Whether a `try…` read of the file was refused (its refusal is in `refused`). */
  isRefused(file: string): boolean {
    const rel = this.relative(file);
    return this.refused.some((r) => r.file === rel);
  }

  tryText(file: string, kind: ReadKind): string | undefined {
    return this.tryBytes(file, kind)?.toString('utf8');
  }

  /**
   * Folders the listing's walk went into (root-relative): each was a folder,
   * not a symlink, so its real path is the root's and its own, and is known
   * without the lstat of each folder (3,000 of them at 20,000 files). As
   * after an lstat, the file itself is still opened without following a symlink.
   */
  knowFolders(folders: ReadonlySet<string> | undefined): void {
    if (!folders || folders.size === 0) return;
    const realRoot = this.rootReal();
    for (const rel of folders) this.realDirs.set(inFolder(this.root, rel), inFolder(realRoot, rel));
  }

  private relative(file: string): string {
    if (!path.isAbsolute(file)) return file;
    const rel = path.relative(this.root, file);
    return rel.split(path.sep).join('/');
  }

  private rootReal(): string {
    if (this.realRoot === undefined) {
      try {
        this.realRoot = fs.realpathSync.native(this.root);
      } catch (error) {
        throw new SdnaError(`cannot read the project root ${this.root}: ${errnoWhy(error).why}`);
      }
    }
    return this.realRoot;
  }

  private realDir(dir: string, rel: string): string {
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      try {
        // A folder below the root that is no symlink is its parent's real path and its name: one lstat
        // for each folder, where realpath reads a link for every part of the path (18,000 at 20k files).
        const parent = path.dirname(dir);
        if (dir === this.root) real = this.rootReal();
        else if (parent !== dir && within(parent, this.root) && fs.lstatSync(dir).isDirectory()) real = inFolder(this.realDir(parent, rel), path.basename(dir));
        else real = fs.realpathSync.native(dir);
      } catch (error) {
        if (error instanceof ReadRefused) throw error;
        const { code, why } = errnoWhy(error);
        throw new ReadRefused(rel, code, why);
      }
      this.realDirs.set(dir, real);
    }
    return real;
  }

  /** `open`, then the fstat that makes sure the file is a regular one under the cap for `kind`. */
  private openChecking(rel: string, kind: ReadKind): number {
    const fd = this.open(rel);
    try {
      this.check(fd, rel, kind);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    return fd;
  }

  /** The file opened inside the root, without following a symlink out of it; not yet checked to be a regular file. */
  private open(rel: string): number {
    this.opened.add(rel);
    const realRoot = this.rootReal();
    let abs: string;
    let folder: string;
    let name: string;
    if (PLAIN?.test(rel)) {
      const slash = rel.lastIndexOf('/');
      abs = inFolder(this.root, rel);
      folder = slash === -1 ? this.root : inFolder(this.root, rel.slice(0, slash));
      name = rel.slice(slash + 1);
    } else {
      abs = path.resolve(this.root, rel);
      if (!within(abs, this.root)) throw new ReadRefused(rel, 'outside', 'it is outside the project root');
      folder = path.dirname(abs);
      name = path.basename(abs);
    }
    const outside = () => new ReadRefused(rel, 'outside', 'it leads outside the project root (through a symlink); sdna reads nothing outside it');
    const dir = this.realDir(folder, rel);
    if (!within(dir, realRoot)) throw outside();
    let fd: number;
    try {
      fd = fs.openSync(inFolder(dir, name), FLAGS | NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The file itself is a symlink (or the platform has no O_NOFOLLOW): resolve it on its own.
      if ((code === 'ELOOP' || code === 'EMLINK') && NOFOLLOW !== 0) fd = this.openLink(abs, rel, realRoot, outside);
      else {
        const why = errnoWhy(error);
        throw new ReadRefused(rel, why.code, why.why);
      }
    }
    return fd;
  }

  private openLink(abs: string, rel: string, realRoot: string, outside: () => ReadRefused): number {
    let real: string;
    try {
      real = fs.realpathSync.native(abs);
    } catch (error) {
      const why = errnoWhy(error);
      throw new ReadRefused(rel, why.code, why.code === 'missing' ? 'it is a symlink to nothing' : why.why);
    }
    if (!within(real, realRoot)) throw outside();
    try {
      return fs.openSync(real, FLAGS);
    } catch (error) {
      const why = errnoWhy(error);
      throw new ReadRefused(rel, why.code, why.why);
    }
  }

  private check(fd: number, rel: string, kind: ReadKind): void {
    const stat = fs.fstatSync(fd);
    this.stat = stat;
    if (!stat.isFile()) throw new ReadRefused(rel, 'not-a-file', `it is ${typeOf(stat)}, not a regular file`);
    if (stat.size > READ_LIMITS[kind]) throw tooLarge(rel, kind, stat.size);
  }

  private readAll(fd: number, rel: string, kind: ReadKind): Buffer {
    const limit = READ_LIMITS[kind];
    // Room for the whole file as its fstat sized it (a large cache is not grown by doubling), and a byte to see its end.
    const size = this.stat!.size;
    if (size >= this.buf.length) this.buf = Buffer.allocUnsafe(size + 1);
    let length = 0;
    for (;;) {
      if (length === this.buf.length) {
        // A file that grows past its cap while being read is refused all the same.
        if (length > limit) throw tooLarge(rel, kind, length);
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger);
        this.buf = bigger;
      }
      let n: number;
      try {
        n = fs.readSync(fd, this.buf, length, this.buf.length - length, null);
      } catch (error) {
        const why = errnoWhy(error);
        throw new ReadRefused(rel, why.code, why.why);
      }
      if (n === 0) break;
      length += n;
      // Exactly the size fstat gave, with room left for one byte more: the end was reached (as readFileSync
      // stops there), and a second read to see it would cost a syscall for each of thousands of files.
      if (length === size && length < this.buf.length) break;
    }
    if (length > limit) throw tooLarge(rel, kind, length);
    return this.buf.subarray(0, length);
  }
}

function tooLarge(file: string, kind: ReadKind, size: number): ReadRefused {
  return new ReadRefused(file, 'too-large', `it is ${mb(size)}, over the ${mb(READ_LIMITS[kind])} limit for a ${kind} file`);
}

/** One file of the project, or undefined when it does not exist; ReadRefused for any other refusal. */
export function readInRoot(root: string, file: string, kind: ReadKind): string | undefined {
  return new GuardedReader(root).textIfExists(file, kind);
}

/**
 * A file the user named (`--config`, `--from`, Vitest's coverage output): it
 * may live anywhere, but it must be a regular file under the cap. `shown` is how
 * to name it in a message.
 */
export function readNamedFile(file: string, kind: ReadKind, shown = file): string {
  return named(file, shown, (reader, name) => reader.text(name, kind));
}

/** A file the user named, opened as `openChecked` opens one (for a cache in a `--cache-dir`): the caller closes `fd`. */
export function openNamedFile(file: string, kind: ReadKind): { fd: number; stat: fs.Stats } {
  return named(file, file, (reader, name) => reader.openChecked(name, kind));
}

function named<T>(file: string, shown: string, use: (reader: GuardedReader, name: string) => T): T {
  // Its own folder is its root: only the regular-file and size checks apply.
  const real = realOr(path.resolve(file));
  try {
    return use(new GuardedReader(path.dirname(real)), path.basename(real));
  } catch (error) {
    if (error instanceof ReadRefused) throw new ReadRefused(shown, error.code, error.why);
    throw error;
  }
}

function realOr(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}
