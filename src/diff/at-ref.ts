// The specs as they were at a git ref: the spec files, their companions and the
// recorded links of the merge base of the ref and HEAD (what `git diff ref...`
// compares against), copied out of git into a temporary folder and read there
// by the same readers, through the same guarded reader, as the working tree.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import type { Spec } from '../model/model.js';
import { LINKS_FILE } from '../artifacts/links.js';
import { applyRecords } from '../checks/links/recorded.js';
import { companionPaths } from '../formats/readers.js';
import { readModel } from '../read-model.js';
import { SdnaError } from '../util/errors.js';
import { configGlobs } from '../util/globs.js';
import { GitFailed, changedFiles, git, gitBytes } from '../util/git.js';
import { isInside } from '../util/paths.js';

export interface SpecsAtRef {
  /** The commit compared against: the merge base of the ref and HEAD. */
  base: string;
  specs: Spec[];
  /** Root-relative files that differ between the base and the working tree (committed or not), untracked ones too. */
  changed: Set<string>;
}

/**
 * Reads the specs at `ref`'s merge base with HEAD. `flag` names the ref in
 * messages (`diff main`, `--base main`): each failure is one SdnaError line.
 */
export async function specsAtRef(config: ResolvedConfig, ref: string, flag: string): Promise<SpecsAtRef> {
  const root = config.root;
  const run = (args: string[], why: (e: GitFailed) => string) => {
    try {
      return git(root, args);
    } catch (error) {
      if (!(error instanceof GitFailed)) throw error;
      throw new SdnaError(error.notInstalled ? `${flag} needs git, and git is not installed (or not on PATH)` : why(error));
    }
  };
  run(['rev-parse', '--show-prefix'], () => `${flag}: ${root} is not in a git repository; the spec diff compares the specs with a branch, tag or commit of one`);
  const bad = () => `${flag}: no branch, tag or commit of this repository has that name (pass one such as main or origin/main)`;
  // A ref that starts with `-` would be read as an option.
  if (ref.startsWith('-')) throw new SdnaError(bad());
  const commit = run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], bad).trim();
  const base = run(['merge-base', commit, 'HEAD'], () => `${flag}: ${ref} and HEAD have no commit in common (is HEAD a commit yet?)`).trim();
  const files = treeFiles(root, base, config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-diff-'));
  try {
    writeBlobs(root, base, files, dir);
    const model = await readModel({ ...config, root: dir }, files);
    // Links `sdna import` recorded count at the base as they do now.
    const { specs } = applyRecords(dir, model.specs);
    const changed = changedFiles((args) => run(args, (e) => `${flag} ${ref}: ${e.why}`), base);
    return { base, specs, changed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The regular files of the base's tree under the root that the spec readers would read. */
function treeFiles(root: string, base: string, config: ResolvedConfig): string[] {
  const isSpec = configGlobs('specs', config.specs).test;
  // From the root's folder, ls-tree lists only what is under it, relative to it.
  const listing = gitBytes(root, ['ls-tree', '-r', '-z', base, '--', '.']).toString('utf8');
  const all = new Set<string>();
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    // Symlinks (120000) and submodules (160000) are not files a reader reads.
    if (tab === -1 || !/^100(644|755) blob /.test(entry)) continue;
    all.add(entry.slice(tab + 1));
  }
  const wanted = new Set<string>();
  for (const file of all) {
    if (!isSpec(file)) continue;
    wanted.add(file);
    for (const companion of companionPaths(file)) if (all.has(companion)) wanted.add(companion);
  }
  if (all.has(LINKS_FILE)) wanted.add(LINKS_FILE);
  return [...wanted].sort();
}

/** Copies the files out of the base commit in one `git cat-file --batch`. */
function writeBlobs(root: string, base: string, files: string[], dir: string): void {
  if (files.length === 0) return;
  // `rev:./path` is relative to git's current folder: the root.
  const out = gitBytes(root, ['cat-file', '--batch'], files.map((f) => `${base}:./${f}\n`).join(''));
  let at = 0;
  for (const file of files) {
    const end = out.indexOf(0x0a, at);
    const header = out.toString('utf8', at, end).split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isInteger(size)) throw new SdnaError(`cannot read ${file} at ${base}: git answered "${header.join(' ')}"`);
    const target = path.join(dir, file);
    if (!isInside(target, dir)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, out.subarray(end + 1, end + 1 + size));
    at = end + 1 + size + 1;
  }
}
