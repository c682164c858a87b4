// What git says: the files that differ from a ref (committed or not) and the
// untracked ones, the files staged for the next commit, and the files of a
// commit's tree. Paths are relative to the project root, which need not be
// the top of the repository. Each failure the user can cause is one line
// naming the flag it came from.

import { execFileSync } from 'node:child_process';
import { SdnaError } from './errors.js';

/** A git command that failed: git missing (`notInstalled`), or git's own first line of complaint. */
export class GitFailed extends Error {
  constructor(
    readonly why: string,
    readonly notInstalled: boolean,
  ) {
    super(why);
  }
}

/** Runs git in `root`; its stdout as bytes (a tree's files may be binary). Throws GitFailed. */
export function gitBytes(root: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd: root, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer | string };
    if (e.code === 'ENOENT') throw new GitFailed('git is not installed (or not on PATH)', true);
    const why = String(e.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'git failed';
    throw new GitFailed(why.replace(/^(fatal|error): /, ''), false);
  }
}

export const git = (root: string, args: string[]): string => gitBytes(root, args).toString('utf8');

/** `git` for a flag: its failures as one line that names the flag (and the ref, with what to pass instead). */
function gitFor(root: string, args: string[], flag: string, ref?: string): string {
  try {
    return git(root, args);
  } catch (error) {
    if (!(error instanceof GitFailed)) throw error;
    if (error.notInstalled) throw new SdnaError(`${flag} needs git, and git is not installed (or not on PATH)`);
    if (/not a git repository/i.test(error.why)) throw new SdnaError(`${flag}: ${root} is not in a git repository (run it in a clone, or pass the changed files as arguments)`);
    throw new SdnaError(`${flag}${ref === undefined ? '' : ` ${ref}`}: ${error.why}${ref === undefined ? '' : ' (pass a branch, tag or commit of this repository, such as origin/main)'}`);
  }
}

/** Outside a repository, `git diff` compares folders instead: asked first, so the message says what is wrong. */
function inRepository(root: string, flag: string): void {
  gitFor(root, ['rev-parse', '--is-inside-work-tree'], flag);
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** Root-relative paths changed since `ref`; SdnaError (one line) when git or the ref is missing. */
export function changedSince(root: string, ref: string, flag = '--changed'): Set<string> {
  inRepository(root, flag);
  return changedFiles((args) => gitFor(root, args, flag, ref), ref);
}

/**
 * Files that differ from `ref` in the working tree, and untracked ones (unless
 * the caller has them from its listing), through `run` (which words git's failures).
 */
export function changedFiles(run: (args: string[]) => string, ref: string, untracked = true): Set<string> {
  // `--relative` gives paths from the root (the current folder of git), and only those under it.
  const diff = run(['diff', '--name-only', '--relative', '--no-renames', ref, '--']);
  const others = untracked ? lines(run(UNTRACKED)) : [];
  return new Set([...lines(diff), ...others]);
}

/**
 * The tracked files a branch changed since it left `ref` (from their merge
 * base), committed or not; the caller adds the untracked ones (a plan has them
 * from its listing; `untrackedFiles` otherwise).
 */
export function changedFromMergeBase(root: string, ref: string, flag: string): Set<string> {
  inRepository(root, flag);
  const base = gitFor(root, ['merge-base', ref, 'HEAD'], flag, ref).trim();
  return changedFiles((args) => gitFor(root, args, flag, base), base, false);
}

/** Root-relative paths staged for the next commit (deleted ones left out: nothing to plan in them). */
export function stagedFiles(root: string, flag = '--staged'): Set<string> {
  inRepository(root, flag);
  return new Set(lines(gitFor(root, ['diff', '--cached', '--name-only', '--relative', '--no-renames', '--diff-filter=d'], flag)));
}

/** Untracked files, not ignored, under `root`. */
export function untrackedFiles(root: string, flag: string): string[] {
  return lines(gitFor(root, UNTRACKED, flag));
}

const UNTRACKED = ['ls-files', '--others', '--exclude-standard'];
