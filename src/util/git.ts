// What git says changed: the files that differ from a ref (committed or not)
// and the untracked ones, relative to the project root.

import { execFileSync } from 'node:child_process';
import { SdnaError } from './errors.js';

/** Root-relative paths changed since `ref`; SdnaError (one line) when git or the ref is missing. */
export function changedSince(root: string, ref: string): Set<string> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    } catch (error) {
      const e = error as { code?: string; stderr?: string };
      if (e.code === 'ENOENT') throw new SdnaError('--changed needs git, and git is not installed (or not on PATH)');
      const why = (e.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'git failed';
      throw new SdnaError(`--changed ${ref}: ${why.replace(/^fatal: /, '')} (pass a branch, tag or commit of this repository, such as origin/main)`);
    }
  };
  // `--relative` gives paths from the root (the current folder of git), and only those under it.
  const diff = git(['diff', '--name-only', '--relative', '--no-renames', ref, '--']);
  const untracked = git(['ls-files', '--others', '--exclude-standard']);
  return new Set([...diff.split('\n'), ...untracked.split('\n')].filter((l) => l !== ''));
}
