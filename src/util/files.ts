// Lists the project's files once per run. Sync calls on purpose: on two cores they
// beat fs.promises 2-3x for thousands of small files.

import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { SdnaError } from './errors.js';
import { GitFailed, git, gitAsync } from './git.js';
import { GuardedReader } from './guarded.js';
import { isInside } from './paths.js';

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

/** A path with a skipped folder in it. */
const SKIPPED_NAMES = [...SKIPPED_DIRS].map((d) => d.replace(/\./g, '\\.')).join('|');
const SKIPPED_PATH = new RegExp(`(?:^|/)(?:${SKIPPED_NAMES})(?:/|$)`);
/** A skipped folder's name as a path's part anywhere in git's listing (entries end in NUL; a path starts after a tab or `? `). */
const SKIPPED_ANYWHERE = new RegExp(`[/\t ](?:${SKIPPED_NAMES})(?:/|\0|$)`);

export interface FileList {
  /** Regular files (and symlinks to regular files inside the root), root-relative, `/`-separated, sorted. */
  files: string[];
  /** Same, as a set for lookups. */
  set: Set<string>;
  /** Entries sdna will not read: a symlink that leads out of the root, a FIFO, a socket, a device. */
  refused: { file: string; reason: 'outside' | 'not-a-file'; why: string }[];
  /** What listed the files. */
  by: 'git' | 'walk';
  /** Listed files git does not track (git's listing only). */
  untracked?: string[];
  /**
   * Tracked files whose work-tree copy git vouches is the blob it indexed, by
   * their object id (git's listing only): what they hold is known without
   * stat'ing them. A file git cannot vouch for (modified, or flagged
   * assume-unchanged or skip-worktree) has none.
   */
  oids?: Map<string, string>;
  /** When git was asked (`Date.now()`): git vouched for the files as they were then. */
  askedAt?: number;
  /** Tracked files whose work-tree copy is not what git indexed, deleted ones too (git's listing only). */
  dirty?: ReadonlySet<string>;
  /** The folders the walk went into, root-relative: each was a folder, not a symlink, when listed (the walk's listing only). */
  folders?: ReadonlySet<string>;
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
 * The project's files: in a git work tree, as git lists them (tracked and
 * untracked, not ignored: git's own reading of every `.gitignore`); elsewhere,
 * or without git, by walking the folders. Both give the same set (a test holds
 * them to it). Folders in SKIPPED_DIRS are never listed, even when tracked.
 */
export function listFiles(root: string): FileList {
  return (mayBeGitWorkTree(root) ? gitListing(root) : undefined) ?? walkListing(root);
}

/** The same, with git's two listings run side by side (a plan's listing, where every millisecond shows). */
export async function listFilesAsync(root: string): Promise<FileList> {
  if (!mayBeGitWorkTree(root)) return walkListing(root);
  const askedAt = Date.now();
  const [listed, dirty] = await Promise.all([runGitAsync(root, LIST), runGitAsync(root, DIRTY)]);
  return (listed !== undefined && dirty !== undefined ? fromGit(root, listed, dirty, askedAt) : undefined) ?? walkListing(root);
}

/**
 * Whether git could list `root`: git finds its repository by a `.git` (folder
 * or file) in the folder or one above it, below any folder
 * `GIT_CEILING_DIRECTORIES` names, or by `GIT_DIR`. Where there is none, the
 * two git processes that would only fail are not started (about 6 ms of a
 * plan, in a folder that is not a repository).
 */
export function mayBeGitWorkTree(root: string): boolean {
  if (process.env.GIT_DIR) return true;
  let dir: string;
  try {
    // git looks from the folder's real path, as the operating system gives it.
    dir = fs.realpathSync.native(root);
  } catch {
    return true;
  }
  const ceiling = ceilingOf(dir, process.env.GIT_CEILING_DIRECTORIES);
  for (;;) {
    try {
      if (fs.lstatSync(path.join(dir, '.git'), { throwIfNoEntry: false })) return true;
    } catch {
      // A `.git` that cannot be looked at (no permission) may still be one: git is asked.
      return true;
    }
    const parent = path.dirname(dir);
    if (parent === dir || (ceiling !== undefined && !isBelow(parent, ceiling))) return false;
    dir = parent;
  }
}

/**
 * The deepest of the ceiling folders above `dir` (real paths), as git reads
 * `GIT_CEILING_DIRECTORIES`: absolute paths split as PATH is, each taken as
 * its real path until an empty entry, as written after it; git looks for
 * `.git` no higher than the folder just below the ceiling.
 */
export function ceilingOf(dir: string, list: string | undefined): string | undefined {
  let resolve = true;
  let deepest: string | undefined;
  for (const entry of (list ?? '').split(path.delimiter)) {
    if (entry === '') {
      resolve = false;
      continue;
    }
    if (!path.isAbsolute(entry)) continue;
    let ceiling = path.resolve(entry);
    if (resolve) {
      try {
        ceiling = fs.realpathSync.native(ceiling);
      } catch {
        // git keeps an entry it cannot resolve as written.
      }
    }
    if (isBelow(dir, ceiling) && (deepest === undefined || ceiling.length > deepest.length)) deepest = ceiling;
  }
  return deepest;
}

/** `dir` is inside `ceiling`, not the folder itself. */
const isBelow = (dir: string, ceiling: string) => dir !== ceiling && isInside(dir, ceiling);

/** Tracked files with their tag (`H`: git vouches for the work-tree copy), mode (a symlink's is 120000) and object id, and untracked ones not ignored. */
const LIST = ['ls-files', '-z', '-v', '--stage', '--cached', '--others', '--exclude-standard'];
/**
 * Tracked files whose work-tree copy is not what git indexed, with a status
 * (`D`: deleted): git stats them against its index faster than Node would, and
 * (a plumbing command) never takes a file whose stat changed for unchanged.
 */
const DIRTY = ['diff-files', '-z', '--name-status', '--relative'];

/** git's answer, or undefined when git is missing or fails (no work tree): the walk lists instead. */
function runGit(root: string, args: string[]): string | undefined {
  try {
    return git(root, args);
  } catch (error) {
    if (error instanceof GitFailed) return undefined;
    throw error;
  }
}

function runGitAsync(root: string, args: string[]): Promise<string | undefined> {
  return gitAsync(root, args).catch(() => undefined);
}

const SYMLINK_MODE = '120000';
const SUBMODULE_MODE = '160000';

/**
 * The listing from git's output. Only untracked entries and symlinks are
 * stat'ed here (to sort out what the walk would refuse); a tracked regular
 * file is taken as git lists it. Undefined when git lists nothing (a folder
 * the enclosing repository ignores): the walk lists instead.
 */
function fromGit(root: string, listed: string, dirtyList: string, askedAt: number): FileList | undefined {
  const deleted = new Set<string>();
  const dirty = new Set<string>();
  const statuses = dirtyList.split('\0');
  for (let i = 0; i + 1 < statuses.length; i += 2) {
    dirty.add(statuses[i + 1]);
    if (statuses[i] === 'D') deleted.add(statuses[i + 1]);
  }
  const oids = new Map<string, string>();
  // A list, sorted and rid of repeats at the end (a conflicted file is listed once per stage): a set of every path cost a tenth of the listing.
  const files: string[] = [];
  const untracked: string[] = [];
  const refused: FileList['refused'] = [];
  let realRoot: string | undefined;
  const subtrees: string[] = [];
  // One test of the whole output: most repositories track no skipped folder, and then no path needs the test.
  const skips = SKIPPED_ANYWHERE.test(listed);
  // git lists tracked files in order (untracked ones after them): sorted already, unless a path sorts apart in UTF-16.
  let inOrder = true;
  // Each entry read in place (splitting the output made a string of each entry, kept alive by the paths cut from it).
  for (let start = 0, end = 0; start < listed.length; start = end + 1) {
    end = listed.indexOf('\0', start);
    if (end === -1) end = listed.length;
    if (end === start) continue;
    // Tracked: `<tag> <mode> <object> <stage>\t<path>`; untracked: `? <path>`.
    const tracked = listed.charCodeAt(start) !== QUESTION_MARK;
    const tab = tracked ? listed.indexOf('\t', start) : start + 1;
    if (tab === -1 || tab >= end) continue;
    const file = listed.slice(tab + 1, end);
    if ((deleted.size > 0 && deleted.has(file)) || (skips && SKIPPED_PATH.test(file))) continue;
    // A nested repository (untracked, listed as `dir/`) or a submodule: its files are walked, as the walk would.
    if (file.endsWith('/') || (tracked && listed.startsWith(SUBMODULE_MODE, start + 2))) {
      subtrees.push(file.replace(/\/$/, ''));
      continue;
    }
    if (tracked && !listed.startsWith(SYMLINK_MODE, start + 2)) {
      if (inOrder && files.length > 0 && !(files[files.length - 1] < file)) inOrder = false;
      files.push(file);
      if (listed.charCodeAt(start) === H && listed.charCodeAt(tab - 1) === ZERO && !(dirty.size > 0 && dirty.has(file))) oids.set(file, listed.slice(start + 9, tab - 2));
      continue;
    }
    inOrder = false;
    const stat = fs.lstatSync(path.join(root, file), { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isFile()) {
      files.push(file);
      if (!tracked) untracked.push(file);
    } else if (stat.isSymbolicLink()) {
      const verdict = linkVerdict(path.join(root, file), (realRoot ??= fs.realpathSync(root)));
      if (verdict === 'list') {
        files.push(file);
        if (!tracked) untracked.push(file);
      } else if (verdict === 'outside') refused.push({ file, reason: 'outside', why: OUTSIDE });
      else if (verdict === 'not-a-file') refused.push({ file, reason: 'not-a-file', why: notAFile(stat) });
    } else if (stat.isDirectory()) {
      subtrees.push(file);
    } else {
      refused.push({ file, reason: 'not-a-file', why: notAFile(stat) });
    }
  }
  if (files.length === 0 && subtrees.length === 0 && refused.length === 0) return undefined;
  if (subtrees.length > 0) inOrder = false;
  for (const dir of subtrees) for (const f of walkListing(path.join(root, dir)).files) files.push(`${dir}/${f}`);
  const sorted = inOrder ? files : files.sort().filter((f, i) => i === 0 || f !== files[i - 1]);
  refused.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { files: sorted, set: new Set(sorted), refused, by: 'git', untracked: untracked.sort(), oids, askedAt, dirty };
}

const QUESTION_MARK = '?'.charCodeAt(0);
const H = 'H'.charCodeAt(0);
const ZERO = '0'.charCodeAt(0);

/** git's listing, or undefined outside a git work tree (for tests that compare it with the walk). */
export function gitListing(root: string): FileList | undefined {
  const askedAt = Date.now();
  const listed = runGit(root, LIST);
  const dirty = listed === undefined ? undefined : runGit(root, DIRTY);
  return listed === undefined || dirty === undefined ? undefined : fromGit(root, listed, dirty, askedAt);
}

const OUTSIDE = 'it is a symlink that leads outside the project root; sdna reads nothing outside it';

function notAFile(e: { isFIFO(): boolean; isSocket(): boolean; isSymbolicLink(): boolean }): string {
  return `it is ${e.isFIFO() ? 'a named pipe (FIFO)' : e.isSocket() ? 'a socket' : e.isSymbolicLink() ? 'a symlink to something other than a file' : 'a device'}, not a regular file`;
}

/**
 * Walks `root`, honouring `.gitignore` files (nested ones too) and
 * `.git/info/exclude`. Symlinked folders are not followed (as git does), so a
 * symlink loop cannot trap the walk; a symlinked file counts only if it resolves
 * inside the root, since sdna never reads outside it.
 */
export function walkListing(root: string): FileList {
  const files: string[] = [];
  const refused: FileList['refused'] = [];
  const folders = new Set<string>();
  const realRoot = fs.realpathSync(root);
  const reader = new GuardedReader(root);
  // An ignore file sdna may not read (a FIFO, a symlink out of the root) ignores nothing.
  const readIgnore = (rel: string) => reader.tryText(rel, 'ignore');
  const rootRules: Rules[] = [];
  const exclude = readIgnore('.git/info/exclude');
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
      const text = readIgnore(rel === '' ? '.gitignore' : `${rel}/.gitignore`);
      if (text) active = [...inherited, rules(rel, text)];
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (SKIPPED_DIRS.has(e.name) || (active.length > 0 && ignored(active, childRel, true))) continue;
        folders.add(childRel);
        walk(path.join(dir, e.name), childRel, active);
      } else if (e.isFile()) {
        if (active.length === 0 || !ignored(active, childRel, false)) files.push(childRel);
      } else if (active.length === 0 || !ignored(active, childRel, false)) {
        const verdict = e.isSymbolicLink() ? linkVerdict(path.join(dir, e.name), realRoot) : 'not-a-file';
        if (verdict === 'list') files.push(childRel);
        else if (verdict === 'outside') refused.push({ file: childRel, reason: 'outside', why: OUTSIDE });
        else if (verdict === 'not-a-file') refused.push({ file: childRel, reason: 'not-a-file', why: notAFile(e) });
      }
    }
  };
  walk(root, '', rootRules);
  files.sort();
  refused.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { files, set: new Set(files), refused, by: 'walk', folders };
}

/** A symlinked file is listed if it resolves to a regular file inside the root; a symlinked folder is skipped (as git does). */
function linkVerdict(link: string, realRoot: string): 'list' | 'outside' | 'not-a-file' | 'skip' {
  let real: string;
  try {
    real = fs.realpathSync(link);
  } catch {
    // A dangling link is listed so that a spec or test named by it gets a clear
    // "cannot read" error instead of silently vanishing.
    return fs.existsSync(link) ? 'skip' : 'list';
  }
  if (!isInside(real, realRoot)) return 'outside';
  const stat = fs.statSync(real, { throwIfNoEntry: false });
  return stat?.isFile() ? 'list' : stat?.isDirectory() ? 'skip' : 'not-a-file';
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
 * SIGINT and SIGTERM are held while a temp file exists, and raised again once
 * it is renamed or removed: a signal never leaves a half-written temp file
 * behind, and is never lost. Outside writes, signals act at once as usual.
 */
const held: NodeJS.Signals[] = [];
let writing = 0;
const hold = (signal: NodeJS.Signals) => {
  held.push(signal);
};

function holdSignals(): () => void {
  if (writing++ === 0) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, hold);
  return () => {
    if (--writing > 0) return;
    // The signal reaches the process on the next turn of the event loop: keep holding until then.
    setImmediate(() => {
      if (writing > 0) return;
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, hold);
      const signal = held.shift();
      held.length = 0;
      // Other listeners (Vitest's) got the signal already; with none, it now does what it would have done.
      if (signal !== undefined && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
}

/** A temp file (`<file>.<pid>.tmp`) of a process that no longer runs (killed outright): removed before the next write beside it. */
export function removeDeadTemps(file: string): void {
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(base + '.') ? /^\.(\d+)\.tmp$/.exec(name.slice(base.length)) : null;
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(path.dirname(file), name), { force: true });
    }
  }
}

/**
 * Creates `dir` and its parents only if it stays inside `root` once symlinks
 * are resolved: a symlinked `.sdna/` or cache folder never leads a write out of
 * the project. `shown` names the file in the error (exit 2, one line).
 */
export function makeDirInside(dir: string, root: string, shown: string): void {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync.native(root);
  } catch (error) {
    throw writeFailure(shown, error);
  }
  const refuse = () => new SdnaError(`cannot write ${shown}: its folder leads outside the project root (a symlink); sdna writes nothing outside it`);
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const real = (p: string) => {
    try {
      return fs.realpathSync.native(p);
    } catch (error) {
      throw writeFailure(shown, error);
    }
  };
  if (!isInside(real(existing), realRoot)) throw refuse();
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw writeFailure(shown, error);
  }
  if (!isInside(real(dir), realRoot)) throw refuse();
}

export interface WriteOptions {
  /** False for a path the user named (`--out`): sdna creates no folder the user did not ask for. */
  createDir?: boolean;
  /** The file must stay inside this root, symlinks resolved (`.sdna/`, the cache, `init`). */
  within?: string;
  /** How to name the file in an error (default: its path). */
  shown?: string;
}

/**
 * Writes through a temp file and a rename, so that a reader never sees half a
 * file. The temp file is created exclusively, so a symlink planted at its name
 * is never followed. Failures are SdnaErrors (exit 2, one line). `text` may
 * come in parts, made as they are written (a large file is never held whole).
 */
export function writeFileAtomic(file: string, text: string | Uint8Array | Iterable<Uint8Array>, options: WriteOptions = {}): void {
  const dir = path.dirname(file);
  const shown = options.shown ?? file;
  const statOf = (p: string) => {
    try {
      return fs.statSync(p, { throwIfNoEntry: false });
    } catch (error) {
      throw writeFailure(shown, error);
    }
  };
  if (options.within !== undefined) makeDirInside(dir, options.within, shown);
  if (statOf(file)?.isDirectory()) throw writeFailure(shown, { code: 'EISDIR' });
  if (options.createDir === false) {
    const stat = statOf(dir);
    if (!stat) throw new SdnaError(`cannot write ${shown}: the folder ${dir} does not exist (sdna creates no folder you did not name; create it first)`);
    if (!stat.isDirectory()) throw writeFailure(shown, { code: 'ENOTDIR' });
  } else if (options.within === undefined) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw writeFailure(shown, error);
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  removeDeadTemps(file);
  const release = holdSignals();
  try {
    // A leftover of a killed run, or a planted symlink: removed (never followed), then created anew.
    fs.rmSync(tmp, { force: true });
    if (typeof text === 'string' || text instanceof Uint8Array) fs.writeFileSync(tmp, text, { flag: 'wx' });
    else writeChunks(tmp, text);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw writeFailure(shown, error);
  } finally {
    release();
  }
}

/** Writes `chunks` one after another into a new file (`wx`): a large file made of parts is not copied into one buffer first. */
function writeChunks(file: string, chunks: Iterable<Uint8Array>): void {
  const fd = fs.openSync(file, 'wx');
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; ) at += fs.writeSync(fd, chunk, at, chunk.length - at);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Appends to a file another program owns and reads (GitHub's step summary):
 * not atomic, since the others' text must stay; failures are SdnaErrors.
 */
export function appendToFile(file: string, text: string): void {
  try {
    fs.appendFileSync(file, text);
  } catch (error) {
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
  const start = firstFrom(sorted, prefix);
  let end = start;
  while (end < sorted.length && sorted[end].startsWith(prefix)) end++;
  return sorted.slice(start, end);
}

/** Where `key` would stand in `sorted`: the index of the first path not before it (binary search). */
export function firstFrom(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
