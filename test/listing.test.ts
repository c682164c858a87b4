// The two ways sdna lists a project: git's (`git ls-files` in a work tree) and
// the walk (elsewhere, or without git). They must give the same set: on every
// fixture, and on trees built to test ignore rules, symlinks and deletions.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { ceilingOf, gitListing, listFiles, mayBeGitWorkTree, walkListing } from '../src/util/files.js';
import { FIXTURES, sdna, tempProject, write } from './helpers.js';

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Makes `root` a git work tree with every second file committed (the rest untracked). */
function commitHalf(root: string, exclude = ''): void {
  git(root, 'init', '-q', '-b', 'main');
  fs.appendFileSync(path.join(root, '.git/info/exclude'), exclude);
  const all = walkListing(root).files;
  const half = all.filter((_, i) => i % 2 === 0);
  if (half.length > 0) git(root, 'add', '-f', '--', ...half);
  git(root, 'commit', '-q', '--allow-empty', '-m', 'half');
}

const both = (root: string) => {
  const byGit = gitListing(root);
  const byWalk = walkListing(root);
  return { git: byGit && { files: byGit.files, refused: byGit.refused }, walk: { files: byWalk.files, refused: byWalk.refused } };
};

describe("git's listing and the walk agree", () => {
  it.for(fs.readdirSync(FIXTURES))('on the fixture %s, half committed', (fixture, { expect }) => {
    const root = tempProject(fixture);
    commitHalf(root);
    const { git: byGit, walk } = both(root);
    expect(byGit).toEqual(walk);
    expect(listFiles(root).by).toBe('git');
  });

  it('with nested .gitignore files, a negation, .git/info/exclude, build folders, symlinks and a deleted file', ({ expect }) => {
    const root = tempProject();
    const files: Record<string, string> = {
      '.gitignore': '*.log\nlogs/\n/top.txt\n',
      'a.log': '',
      'top.txt': '',
      'src/top.txt': '',
      'logs/x.ts': '',
      'pkg/.gitignore': '!keep.log\n/local.ts\nout/\n',
      'pkg/keep.log': '',
      'pkg/local.ts': '',
      'pkg/sub/local.ts': '',
      'pkg/out/x.ts': '',
      'src/a.ts': '',
      'src/a.secret': '',
      'dist/bundle.js': '',
      'packages/p/node_modules/x/index.js': '',
      'src/gone.ts': '',
    };
    for (const [file, content] of Object.entries(files)) write(root, file, content);
    commitHalf(root, '*.secret\n');
    // A tracked build folder is skipped all the same.
    git(root, 'add', '-f', 'dist/bundle.js');
    fs.symlinkSync('a.ts', path.join(root, 'src/alias.ts'));
    fs.symlinkSync('../pkg', path.join(root, 'src/pkg-link'));
    const outside = tempProject();
    write(outside, 'secret.ts', '');
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/escape.ts'));
    fs.symlinkSync('missing.ts', path.join(root, 'src/dangling.ts'));
    git(root, 'add', '-f', 'src/gone.ts');
    git(root, 'commit', '-q', '-m', 'gone');
    fs.rmSync(path.join(root, 'src/gone.ts'));
    const { git: byGit, walk } = both(root);
    expect(byGit).toEqual(walk);
    expect(walk.files).toEqual(['.gitignore', 'pkg/.gitignore', 'pkg/keep.log', 'pkg/sub/local.ts', 'src/a.ts', 'src/alias.ts', 'src/dangling.ts', 'src/top.txt']);
    expect(walk.refused.map((r) => `${r.file} ${r.reason}`)).toEqual(['src/escape.ts outside']);
  });

  it('a file in a merge conflict (in the index once per side) is listed once', ({ expect }) => {
    const root = tempProject();
    write(root, 'src/c.ts', 'export const c = 0;\n');
    write(root, 'src/d.ts', 'export const d = 0;\n');
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'start');
    git(root, 'checkout', '-q', '-b', 'side');
    write(root, 'src/c.ts', 'export const c = 1;\n');
    git(root, 'commit', '-qam', 'side');
    git(root, 'checkout', '-q', 'main');
    write(root, 'src/c.ts', 'export const c = 2;\n');
    git(root, 'commit', '-qam', 'main');
    expect(() => git(root, 'merge', '-q', 'side')).toThrow();
    expect(git(root, 'ls-files', '--stage', 'src/c.ts').trim().split('\n')).toHaveLength(3);
    const { git: byGit, walk } = both(root);
    expect(byGit).toEqual(walk);
    expect(byGit!.files).toEqual(['src/c.ts', 'src/d.ts']);
  });


  it('git vouches only for tracked files whose work-tree copy it has not seen change; deleted ones are not listed', ({ expect }) => {
    const root = tempProject();
    for (const name of ['changed', 'deleted', 'touched', 'kept']) write(root, `src/${name}.ts`, `export const ${name} = 0;\n`);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'start');
    write(root, 'src/changed.ts', 'export const changed = 1;\n');
    fs.rmSync(path.join(root, 'src/deleted.ts'));
    // A stat that changed over the same bytes: git does not read the file, and vouches for nothing.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'src/touched.ts'), later, later);
    write(root, 'src/new.ts', '');
    const listing = gitListing(root)!;
    expect(listing.files).toEqual(['src/changed.ts', 'src/kept.ts', 'src/new.ts', 'src/touched.ts']);
    expect(listing.files).toEqual(walkListing(root).files);
    expect([...listing.oids!.keys()]).toEqual(['src/kept.ts']);
    expect([...listing.dirty!].sort()).toEqual(['src/changed.ts', 'src/deleted.ts', 'src/touched.ts']);
    expect(listing.untracked).toEqual(['src/new.ts']);
  });

  it("names that git sorts otherwise than JavaScript (by UTF-8 bytes, not UTF-16 units) are listed in JavaScript's order", ({ expect }) => {
    const root = tempProject();
    // U+FF01 sorts before U+1F600 in UTF-8, after it in UTF-16 (a surrogate pair starts at U+D83D).
    for (const name of ['src/\u{ff01}.ts', 'src/\u{1f600}.ts', 'src/a.ts']) write(root, name, 'export {};\n');
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'start');
    const listed = git(root, '-c', 'core.quotePath=false', 'ls-files').trim().split('\n');
    expect(listed).toEqual(['src/a.ts', 'src/\u{ff01}.ts', 'src/\u{1f600}.ts']);
    const { git: byGit, walk } = both(root);
    expect(byGit).toEqual(walk);
    expect(byGit!.files).toEqual(['src/a.ts', 'src/\u{1f600}.ts', 'src/\u{ff01}.ts']);
  });
  it('a folder the enclosing repository ignores, and a folder outside any repository, are walked', ({ expect }) => {
    const outer = tempProject();
    write(outer, '.gitignore', 'ignored/\n');
    write(outer, 'ignored/project/src/a.ts', '');
    commitHalf(outer);
    const inner = path.join(outer, 'ignored/project');
    expect(gitListing(inner)).toBeUndefined();
    expect(listFiles(inner)).toMatchObject({ files: ['src/a.ts'], by: 'walk' });
    const plain = tempProject('clean');
    expect(listFiles(plain).by).toBe('walk');
  });

  it('GIT_CEILING_DIRECTORIES is read as git reads it', ({ expect }) => {
    const top = fs.realpathSync(tempProject('clean'));
    const deep = path.join(top, 'a/b/c');
    fs.mkdirSync(deep, { recursive: true });
    fs.symlinkSync(path.join(top, 'a'), path.join(top, 'link'));
    const d = path.delimiter;
    expect(ceilingOf(deep, undefined)).toBeUndefined();
    expect(ceilingOf(deep, deep)).toBeUndefined();
    expect(ceilingOf(deep, `${top}${d}${path.join(top, 'a')}`)).toBe(path.join(top, 'a'));
    expect(ceilingOf(deep, `${path.join(top, 'a')}${d}${top}`)).toBe(path.join(top, 'a'));
    expect(ceilingOf(deep, `a${d}${path.join(top, 'x')}`)).toBeUndefined();
    // Entries are taken as their real paths, those after an empty entry as written.
    expect(ceilingOf(deep, path.join(top, 'link'))).toBe(path.join(top, 'a'));
    expect(ceilingOf(deep, `${d}${path.join(top, 'link')}`)).toBeUndefined();
  });

  it('git is started only where a `.git` (or GIT_DIR) could make the folder a work tree', async ({ expect }) => {
    const repo = tempProject('clean');
    commitHalf(repo);
    fs.mkdirSync(path.join(repo, 'sub/src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'sub/src/a.ts'), '');
    const plain = tempProject('clean');
    // A git that notes each time it is started, then does its work.
    const bin = tempProject();
    const log = path.join(bin, 'started');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    write(bin, 'git', `#!/bin/sh\necho "$PWD" >> '${log}'\nexec '${realGit}' "$@"\n`);
    fs.chmodSync(path.join(bin, 'git'), 0o755);
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const started = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').length : 0);
    const plan = (root: string, more: Record<string, string> = {}) => sdna(['plan', '--json', '--no-cache'], { root, cwd: root, env: { ...env, ...more } });

    const outside = await plan(plain);
    expect(outside.stderr).toBe('');
    expect(started()).toBe(0);
    // GIT_DIR names a repository wherever the folder is: git is asked (and the folder listed as git lists it).
    await plan(plain, { GIT_DIR: path.join(repo, '.git') });
    expect(started()).toBeGreaterThan(0);
    fs.rmSync(log);
    // A folder below a work tree's root: the `.git` is above it.
    await plan(path.join(repo, 'sub'));
    expect(started()).toBeGreaterThan(0);
    expect(mayBeGitWorkTree(path.join(repo, 'sub'))).toBe(true);
    expect(mayBeGitWorkTree(plain)).toBe(false);
    // Unless git is told to look no higher than the folder below the work tree's root, as git itself then would not.
    const sub = path.join(repo, 'sub');
    const planSub = (more: Record<string, string> = {}) => sdna(['plan', '--json', '--no-cache', '--root', sub], { root: sub, cwd: sub, env: { ...env, ...more } });
    const inGit = await planSub();
    expect(started()).toBeGreaterThan(0);
    fs.rmSync(log);
    const ceiled = await planSub({ GIT_CEILING_DIRECTORIES: `relative${path.delimiter}${repo}` });
    expect(started()).toBe(0);
    expect(ceiled.stdout).toBe(inGit.stdout);
    // The folder git starts from is looked at, whatever the ceiling.
    await planSub({ GIT_CEILING_DIRECTORIES: sub });
    expect(started()).toBeGreaterThan(0);
    // Not asking git changes nothing: the plan is the one made without git on PATH.
    const bare = tempProject();
    fs.symlinkSync(process.execPath, path.join(bare, 'node'));
    const noGit = await sdna(['plan', '--json', '--no-cache'], { root: plain, cwd: plain, env: { PATH: bare } });
    expect(noGit.stdout).toBe(outside.stdout);
  });
});
