// What git says: the files that differ from a ref (committed or not) and the
// untracked ones, the files staged for the next commit, and the files of a
// commit's tree. Paths are relative to the project root, which need not be
// the top of the repository. Each failure the user can cause is one line
// naming the flag it came from.

import { SdnaError } from './errors.js';

/** Node's child_process, loaded once git is run: a tree with no .git above it never runs git (1 to 2 ms). */
const childProcess = () => process.getBuiltinModule('node:child_process');

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
    return childProcess().execFileSync('git', args, { cwd: root, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  } catch (error) {
    throw failure(error as { code?: string; stderr?: Buffer | string });
  }
}

export const git = (root: string, args: string[]): string => gitBytes(root, args).toString('utf8');

/** `git`, without blocking: a plan goes on while git answers. Rejects with GitFailed. */
export function gitAsync(root: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('git', args, { cwd: root, maxBuffer: 1 << 30, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) resolve(stdout);
      else reject(failure({ code: (error as { code?: unknown }).code as string | undefined, stderr }));
    });
  });
}

function failure(e: { code?: string; stderr?: Buffer | string }): GitFailed {
  if (e.code === 'ENOENT') return new GitFailed('git is not installed (or not on PATH)', true);
  const why = String(e.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'git failed';
  return new GitFailed(why.replace(/^(fatal|error): /, ''), false);
}

/** A git failure as one line that names the flag (and the ref, with what to pass instead). */
function wordFailure(error: unknown, root: string, flag: string, ref?: string): unknown {
  if (!(error instanceof GitFailed)) return error;
  if (error.notInstalled) return new SdnaError(`${flag} needs git, and git is not installed (or not on PATH)`);
  if (/not a git repository/i.test(error.why)) return new SdnaError(`${flag}: ${root} is not in a git repository (run it in a clone, or pass the changed files as arguments)`);
  return new SdnaError(`${flag}${ref === undefined ? '' : ` ${ref}`}: ${error.why}${ref === undefined ? '' : ' (pass a branch, tag or commit of this repository, such as origin/main)'}`);
}

/** `git` for a flag: its failures worded by `wordFailure`. */
function gitFor(root: string, args: string[], flag: string, ref?: string): string {
  try {
    return git(root, args);
  } catch (error) {
    throw wordFailure(error, root, flag, ref);
  }
}

async function gitForAsync(root: string, args: string[], flag: string, ref?: string): Promise<string> {
  try {
    return await gitAsync(root, args);
  } catch (error) {
    throw wordFailure(error, root, flag, ref);
  }
}

/** Outside a repository, `git diff` compares folders instead: asked first, so the message says what is wrong. */
function inRepository(root: string, flag: string): void {
  gitFor(root, IN_WORK_TREE, flag);
}

const IN_WORK_TREE = ['rev-parse', '--is-inside-work-tree'];

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
  const diff = run(diffFrom(ref));
  const others = untracked ? lines(run(UNTRACKED)) : [];
  return new Set([...lines(diff), ...others]);
}

// `--relative` gives paths from the root (the current folder of git), and only those under it.
const diffFrom = (...against: string[]) => ['diff', '--name-only', '--relative', '--no-renames', ...against, '--'];
/** The index against a ref (or, without one, against HEAD): no file of the work tree is stat'ed. */
const CACHED = ['diff', '--cached', '--name-only', '--relative', '--no-renames'];

/**
 * The tracked files a branch changed since it left `ref` (from their merge
 * base), committed or not; the caller adds the untracked ones (a plan has them
 * from its listing; `untrackedFiles` otherwise). `dirty`: the tracked files
 * whose work-tree copy is not what git indexed, when the caller's listing
 * knows them; then the work tree is not stat'ed a second time.
 */
export async function changedFromMergeBase(root: string, ref: string, flag: string, dirty?: Promise<ReadonlySet<string> | undefined>): Promise<Set<string>> {
  // The index against the merge base, asked at once in one process (`--merge-base`, git 2.30): waiting for the
  // merge base first put a third git process behind the listing's two. When that fails (an older git, a ref that is
  // none, no repository, no common commit), the merge base is asked first, so that git's complaint is worded as ever.
  const quick = ref.startsWith('-') ? undefined : await gitAsync(root, [...CACHED, '--merge-base', ref, '--']).catch(() => undefined);
  let against: string[];
  let staged: Promise<string>;
  if (quick !== undefined) {
    against = ['--merge-base', ref];
    staged = Promise.resolve(quick);
  } else {
    // No need to ask first whether this is a repository: outside one, merge-base says so.
    const base = (await gitForAsync(root, ['merge-base', ref, 'HEAD'], flag, ref)).trim();
    against = [base];
    // Asked while the listing is awaited; handled here too, so that a failure meanwhile is not an unhandled one.
    staged = gitForAsync(root, [...CACHED, base, '--'], flag, base);
    staged.catch(() => undefined);
  }
  const unsure = await dirty;
  if (unsure === undefined || unsure.size > RECHECKED_AT_MOST) return new Set(lines(await gitForAsync(root, diffFrom(...against), flag, ref)));
  // The index against the base is the answer for every file whose work-tree copy is what git indexed;
  // the others are compared with the base one by one, as they are in the work tree.
  const changed = new Set(lines(await staged).filter((f) => !unsure.has(f)));
  if (unsure.size > 0) for (const f of lines(await gitForAsync(root, ['--literal-pathspecs', ...diffFrom(...against), ...unsure], flag, ref))) changed.add(f);
  return changed;
}

/** More files than this not as git indexed them, and the whole work tree is compared with the base (a command line has limits). */
const RECHECKED_AT_MOST = 500;

/** Root-relative paths staged for the next commit (deleted ones left out: nothing to plan in them). */
export async function stagedFiles(root: string, flag = '--staged'): Promise<Set<string>> {
  await gitForAsync(root, IN_WORK_TREE, flag);
  return new Set(lines(await gitForAsync(root, [...CACHED, '--diff-filter=d'], flag)));
}

/** Untracked files, not ignored, under `root`. */
export function untrackedFiles(root: string, flag: string): string[] {
  return lines(gitFor(root, UNTRACKED, flag));
}

const UNTRACKED = ['ls-files', '--others', '--exclude-standard'];
