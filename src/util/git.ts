// What git says: the files that differ from a ref (committed or not) and the
// untracked ones, and the files of a commit's tree. Paths are relative to the
// project root, which need not be the top of the repository.

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

/** Root-relative paths changed since `ref`; SdnaError (one line) when git or the ref is missing. */
export function changedSince(root: string, ref: string): Set<string> {
  const run = (args: string[]) => {
    try {
      return git(root, args);
    } catch (error) {
      if (!(error instanceof GitFailed)) throw error;
      if (error.notInstalled) throw new SdnaError('--changed needs git, and git is not installed (or not on PATH)');
      throw new SdnaError(`--changed ${ref}: ${error.why} (pass a branch, tag or commit of this repository, such as origin/main)`);
    }
  };
  return changedFiles(run, ref);
}

/** Files that differ from `ref` in the working tree, and untracked ones, through `run` (which words git's failures). */
export function changedFiles(run: (args: string[]) => string, ref: string): Set<string> {
  // `--relative` gives paths from the root (the current folder of git), and only those under it.
  const diff = run(['diff', '--name-only', '--relative', '--no-renames', ref, '--']);
  const untracked = run(['ls-files', '--others', '--exclude-standard']);
  return new Set([...diff.split('\n'), ...untracked.split('\n')].filter((l) => l !== ''));
}
