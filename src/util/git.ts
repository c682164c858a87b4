// What git says changed: the files that differ from a ref (committed or not)
// and the untracked ones, the files staged for the next commit, relative to
// the project root. Each failure is one line naming the flag it came from.

import { execFileSync } from 'node:child_process';
import { SdnaError } from './errors.js';

function git(root: string, args: string[], flag: string, ref?: string): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new SdnaError(`${flag} needs git, and git is not installed (or not on PATH)`);
    const why = ((e.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'git failed').replace(/^fatal: /, '');
    if (/not a git repository/i.test(why)) throw new SdnaError(`${flag}: ${root} is not in a git repository (run it in a clone, or pass the changed files as arguments)`);
    throw new SdnaError(`${flag}${ref === undefined ? '' : ` ${ref}`}: ${why}${ref === undefined ? '' : ' (pass a branch, tag or commit of this repository, such as origin/main)'}`);
  }
}

/** Outside a repository, `git diff` compares folders instead: asked first, so the message says what is wrong. */
function inRepository(root: string, flag: string): void {
  git(root, ['rev-parse', '--is-inside-work-tree'], flag);
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** Root-relative paths changed since `ref`; SdnaError (one line) when git or the ref is missing. */
export function changedSince(root: string, ref: string, flag = '--changed'): Set<string> {
  inRepository(root, flag);
  // `--relative` gives paths from the root (the current folder of git), and only those under it.
  const diff = git(root, ['diff', '--name-only', '--relative', '--no-renames', ref, '--'], flag, ref);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard'], flag, ref);
  return new Set([...lines(diff), ...lines(untracked)]);
}

/** What a branch changed since it left `ref` (from their merge base), committed or not. */
export function changedFromMergeBase(root: string, ref: string, flag: string): Set<string> {
  inRepository(root, flag);
  const base = git(root, ['merge-base', ref, 'HEAD'], flag, ref).trim();
  return changedSince(root, base, flag);
}

/** Root-relative paths staged for the next commit (deleted ones left out: nothing to plan in them). */
export function stagedFiles(root: string, flag = '--staged'): Set<string> {
  inRepository(root, flag);
  return new Set(lines(git(root, ['diff', '--cached', '--name-only', '--relative', '--no-renames', '--diff-filter=d'], flag)));
}
