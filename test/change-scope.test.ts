// `sdna plan --since <ref>`, `--staged` and file arguments, in real git
// repositories the tests build: only the specs a change touches (their file,
// a target, a linked test) and findings about the changed files are planned
// and gated.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { sdna, tempProject, write } from './helpers.js';

const spec = (name: string, target: string, test: string, extra = '') => `---
name: ${name}
targets:
  - ../${target}
---
# ${name}

## Capabilities

- **Works** [@test](../${test})
  It works.
${extra}`;

/** Two specs with their code and tests, committed on `main`; `src/old.ts` is code no spec targets. */
function repo(): { root: string; git: (...args: string[]) => string } {
  const root = tempProject();
  write(root, 'package.json', '{ "name": "shop" }\n');
  write(root, 'specs/cart.spec.md', spec('Cart', 'src/cart.ts', 'tests/cart.test.ts'));
  // A broken link: an error, but not the change's when only the cart changes.
  write(root, 'specs/users.spec.md', spec('Users', 'src/users.ts', 'tests/users.test.ts', '- **Signs in** [@test](../tests/missing.test.ts)\n  Signs in.\n'));
  write(root, 'src/cart.ts', 'export const total = 1;\n');
  write(root, 'src/users.ts', 'export const user = 1;\n');
  write(root, 'src/old.ts', 'export const old = 1;\n');
  write(root, 'tests/cart.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
  write(root, 'tests/users.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'start');
  git('checkout', '-q', '-b', 'feature');
  return { root, git };
}

interface JsonPlan {
  capabilities: { id: string }[];
  findings: { kind: string; file?: string; capability?: string }[];
  scope?: { by: string; files: number; specs: number; of: number };
}

async function plan(root: string, args: string[], cwd = root) {
  const r = await sdna(['plan', '--json', ...args], { root, cwd });
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as JsonPlan) : undefined };
}

const shown = (p: JsonPlan) => ({ capabilities: p.capabilities.map((c) => c.id), findings: p.findings.map((f) => `${f.kind} ${f.capability ?? f.file}`), scope: p.scope });

describe('a plan scoped to a change', { timeout: 60_000 }, () => {
  it('--since <ref>: the specs a branch changed, whose targets or linked tests changed, and findings about its changed files', async ({ expect }) => {
    const { root, git } = repo();
    const whole = await plan(root, []);
    expect(whole.code).toBe(1);
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'tax');
    // Not committed, not even added: still the branch's change.
    write(root, 'src/new.ts', 'export const fresh = 1;\n');
    const r = await plan(root, ['--since', 'main']);
    expect(shown(r.json!)).toEqual({
      capabilities: ['cart/works'],
      findings: ['unspecified-code src/new.ts'],
      scope: { by: '--since main', files: 2, specs: 1, of: 2 },
    });
    // The users spec's broken link is not this change's: the gate stands on the change alone.
    expect(r.code).toBe(1);
    fs.rmSync(path.join(root, 'src/new.ts'));
    const clean = await sdna(['plan', '--since', 'main'], { root, cwd: root });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('Scoped to --since main: 1 of 2 specs touched by 1 changed file (and findings about those files); `sdna plan` plans them all.\n');
    // A linked test that changed brings its spec in.
    fs.appendFileSync(path.join(root, 'tests/users.test.ts'), "it('also', () => {});\n");
    const users = await plan(root, ['--since', 'main']);
    expect(shown(users.json!).capabilities).toEqual(['cart/works', 'users/works', 'users/signs-in']);
    expect(users.code).toBe(1);
  });

  it('--since with a git older than `diff --merge-base` (2.30): the merge base is asked first, and the plan is the same', async ({ expect }) => {
    const { root, git } = repo();
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'tax');
    fs.appendFileSync(path.join(root, 'tests/users.test.ts'), "it('also', () => {});\n");
    // A git that refuses the option, as 2.29 does, and logs what it was asked.
    // Outside the project: a file it writes is no change of the branch's.
    const bin = tempProject();
    const log = path.join(bin, 'asked.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    write(bin, 'git', `#!/bin/sh\necho "$*" >> '${log}'\nfor a in "$@"; do [ "$a" = --merge-base ] && { echo "error: unknown option \\\`merge-base'" >&2; exit 129; }; done\nexec '${real}' "$@"\n`);
    fs.chmodSync(path.join(bin, 'git'), 0o755);
    const now = await plan(root, ['--since', 'main']);
    const old = await sdna(['plan', '--json', '--since', 'main'], { root, cwd: root, env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    expect(old.code).toBe(now.code);
    expect(old.stdout).toBe(now.stdout);
    expect(shown(now.json!).capabilities).toEqual(['cart/works', 'users/works', 'users/signs-in']);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^merge-base main HEAD$/m);
  });

  it('--since reads the cache a whole plan left and writes nothing to it', async ({ expect }) => {
    const { root } = repo();
    const cacheDir = path.join(root, '.cache-here');
    expect((await plan(root, ['--cache-dir', cacheDir])).code).toBe(1);
    const file = path.join(cacheDir, 'parse-cache.json');
    const before = { text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs };
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    fs.appendFileSync(path.join(root, 'tests/cart.test.ts'), "it('also', { meta: { capabilities: ['cart/works'] } }, () => {});\n");
    const r = await plan(root, ['--since', 'main', '--cache-dir', cacheDir]);
    expect(shown(r.json!).capabilities).toEqual(['cart/works']);
    expect({ text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
    expect(fs.readdirSync(cacheDir).filter((f) => f.startsWith('parse-cache'))).toEqual(['parse-cache.json']);
  });

  it('--since: a target of any shape (folder, list in braces, glob, class) brings its spec in when a changed file falls under it, and a target that is no glob brings it in always', async ({ expect }) => {
    const { root, git } = repo();
    const target = (name: string, pattern: string) => `---\nname: ${name}\ntargets:\n  - ${pattern}\n---\n# ${name}\n\n## Capabilities\n\n- **Works**\n  It works.\n`;
    write(root, 'specs/folder.spec.md', target('Folder', './../lib/'));
    write(root, 'specs/braces.spec.md', target('Braces', '../src/{cart,tax}.ts'));
    write(root, 'specs/deep.spec.md', target('Deep', '../src/**/*.ts'));
    write(root, 'specs/class.spec.md', target('Class', '../lib/[ab].ts'));
    write(root, 'specs/broken.spec.md', target('Broken', '../src/[oops'));
    write(root, 'lib/a.ts', 'export const a = 1;\n');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'more specs');
    git('branch', '-f', 'main');
    const touched = async () => {
      const r = await plan(root, ['--since', 'main']);
      return r.json!.capabilities.map((c) => c.id.split('/')[0]).filter((id, i, all) => all.indexOf(id) === i).sort();
    };
    fs.appendFileSync(path.join(root, 'lib/a.ts'), 'export const b = 2;\n');
    expect(await touched()).toEqual(['broken', 'class', 'folder']);
    git('checkout', '-q', '--', 'lib/a.ts');
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    expect(await touched()).toEqual(['braces', 'broken', 'cart', 'deep']);
    git('checkout', '-q', '--', 'src/cart.ts');
    write(root, 'docs/readme.md', 'Nothing a spec targets.\n');
    expect(await touched()).toEqual(['broken']);
  });

  it('--since from the merge base: what main did after the branch left it is not the branch\'s change', async ({ expect }) => {
    const { root, git } = repo();
    git('checkout', '-q', 'main');
    fs.appendFileSync(path.join(root, 'src/users.ts'), 'export const admin = 2;\n');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'on main');
    git('checkout', '-q', 'feature');
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '- **Empties**\n  An empty cart totals 0.\n');
    const r = await plan(root, ['--since', 'main']);
    expect(shown(r.json!).capabilities).toEqual(['cart/works', 'cart/empties']);
  });

  it('--since sees a change in every state: committed, staged, only in the work tree, deleted, untracked; a file staged and changed back is no change', async ({ expect }) => {
    const { root, git } = repo();
    write(root, 'specs/orders.spec.md', spec('Orders', 'src/orders.ts', 'tests/orders.test.ts'));
    write(root, 'src/orders.ts', 'export const order = 1;\n');
    write(root, 'specs/stock.spec.md', spec('Stock', 'src/stock.ts', 'tests/stock.test.ts'));
    write(root, 'src/stock.ts', 'export const stock = 1;\n');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'orders and stock');
    const base = await plan(root, ['--since', 'HEAD']);
    expect(base.json!.scope).toEqual({ by: '--since HEAD', files: 0, specs: 0, of: 4 });
    // Staged, not committed.
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    git('add', 'src/cart.ts');
    // Only in the work tree.
    fs.appendFileSync(path.join(root, 'src/users.ts'), 'export const admin = 2;\n');
    // Deleted, not staged.
    fs.rmSync(path.join(root, 'src/orders.ts'));
    // Staged, then changed back in the work tree: no change.
    fs.appendFileSync(path.join(root, 'src/stock.ts'), 'export const more = 2;\n');
    git('add', 'src/stock.ts');
    fs.writeFileSync(path.join(root, 'src/stock.ts'), 'export const stock = 1;\n');
    const r = await plan(root, ['--since', 'HEAD']);
    // The deleted file was the orders spec's only target: its glob now matches nothing.
    expect(r.json!.scope).toEqual({ by: '--since HEAD', files: 3, specs: 3, of: 4 });
    expect(shown(r.json!).capabilities).toEqual(['cart/works', 'orders/works', 'users/works', 'users/signs-in']);
    expect(shown(r.json!).findings).toContain('stale-target specs/orders.spec.md');
  });

  it('--since compares with the base, one by one and by their literal names, the files whose work-tree copy git has not indexed; past 500 such files, the whole work tree', async ({ expect }) => {
    const { root, git } = repo();
    const commit = () => git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'more');
    // A name git would read as pathspec magic (`:m`) unless it is taken literally.
    write(root, ':memo.ts', 'export const memo = 1;\n');
    write(root, 'src/stock.ts', 'export const stock = 1;\n');
    git('add', '-A');
    commit();
    fs.appendFileSync(path.join(root, ':memo.ts'), 'export const more = 2;\n');
    // Staged, then changed back in the work tree: the index differs from the base, the work tree does not.
    fs.appendFileSync(path.join(root, 'src/stock.ts'), 'export const more = 2;\n');
    git('add', 'src/stock.ts');
    fs.writeFileSync(path.join(root, 'src/stock.ts'), 'export const stock = 1;\n');
    // Staged and left so: the index alone says it changed.
    fs.appendFileSync(path.join(root, 'src/old.ts'), 'export const more = 2;\n');
    git('add', 'src/old.ts');
    expect((await plan(root, ['--since', 'HEAD'])).json!.scope).toEqual({ by: '--since HEAD', files: 2, specs: 0, of: 2 });
    // Committed with them: the memo and src/old.ts; changed since HEAD~1 with the 501 in the work tree and src/cart.ts.
    for (let i = 0; i < 501; i++) write(root, `src/many/m${i}.ts`, `export const m${i} = 1;\n`);
    git('add', '-A');
    commit();
    for (let i = 0; i < 501; i++) fs.appendFileSync(path.join(root, `src/many/m${i}.ts`), 'export const more = 2;\n');
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    const many = await plan(root, ['--since', 'HEAD~1']);
    expect(many.json!.scope).toEqual({ by: '--since HEAD~1', files: 504, specs: 1, of: 2 });
  });

  it('--staged: what the next commit holds, not what is only in the working tree', async ({ expect }) => {
    const { root, git } = repo();
    fs.appendFileSync(path.join(root, 'src/users.ts'), 'export const admin = 2;\n');
    git('add', 'src/users.ts');
    fs.appendFileSync(path.join(root, 'src/cart.ts'), 'export const tax = 2;\n');
    const r = await plan(root, ['--staged']);
    expect(shown(r.json!)).toEqual({
      capabilities: ['users/works', 'users/signs-in'],
      findings: ['broken-test-link users/signs-in', 'untested-capability users/signs-in'],
      scope: { by: '--staged', files: 1, specs: 1, of: 2 },
    });
    expect(r.code).toBe(1);
    git('reset', '-q');
    const nothing = await sdna(['plan', '--staged'], { root, cwd: root });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('No changes. Specs, code and tests agree.\n');
    expect(nothing.stdout).toContain('Scoped to --staged: 0 of 2 specs touched by 0 changed files');
  });

  it('file arguments, as lint-staged passes them (absolute, or from the current folder), plan those files; other packages\' files are left out', async ({ expect }) => {
    const { root } = repo();
    const r = await plan(root, [path.join(root, 'src/cart.ts'), path.join(path.dirname(root), 'elsewhere.ts')]);
    expect(shown(r.json!)).toEqual({ capabilities: ['cart/works'], findings: [], scope: { by: '2 files', files: 1, specs: 1, of: 2 } });
    const fromSrc = await plan(root, ['--root', root, 'old.ts'], path.join(root, 'src'));
    expect(shown(fromSrc.json!)).toEqual({ capabilities: [], findings: ['unspecified-code src/old.ts'], scope: { by: '1 file', files: 1, specs: 0, of: 2 } });
  });

  it('a package.json change concerns every spec only when it holds the config; a config file always does', async ({ expect }) => {
    const { root, git } = repo();
    const commit = (message: string) => git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', message);
    write(root, 'package.json', '{ "name": "shop", "devDependencies": { "vitest": "4.1.12" } }\n');
    commit('bump');
    const bump = await plan(root, ['--since', 'main']);
    expect(bump.json!.scope).toEqual({ by: '--since main', files: 1, specs: 0, of: 2 });
    write(root, 'package.json', '{ "name": "shop", "sdna": { "rules": { "unspecified-code": "off" } } }\n');
    commit('config');
    const configured = await plan(root, ['--since', 'main']);
    expect(configured.json!.scope).toEqual({ by: '--since main', files: 1, specs: 2, of: 2 });
    write(root, 'sdna.config.json', '{ "rules": { "unspecified-code": "off" } }\n');
    write(root, 'package.json', '{ "name": "shop" }\n');
    const own = await plan(root, ['--since', 'main']);
    expect(own.json!.scope).toEqual({ by: '--since main', files: 1, specs: 2, of: 2 });
  });

  it('bad input: a ref that does not exist, no git repository, two ways at once', async ({ expect }) => {
    const { root } = repo();
    const ref = await sdna(['plan', '--since', 'no-such-ref'], { root, cwd: root });
    expect({ code: ref.code, stderr: ref.stderr }).toEqual({
      code: 2,
      stderr: 'sdna: --since no-such-ref: Not a valid object name no-such-ref (pass a branch, tag or commit of this repository, such as origin/main)\n',
    });
    const both = await sdna(['plan', '--since', 'main', '--staged', 'src/cart.ts'], { root, cwd: root });
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 2, stderr: 'sdna: --since and --staged and file arguments each choose what to plan: give one of them\n' });
    const bare = tempProject();
    write(bare, 'package.json', '{ "name": "bare" }\n');
    const outside = await sdna(['plan', '--staged'], { root: bare, cwd: bare, env: { GIT_CEILING_DIRECTORIES: path.dirname(bare) } });
    expect({ code: outside.code, stderr: outside.stderr }).toEqual({
      code: 2,
      stderr: 'sdna: --staged: <root> is not in a git repository (run it in a clone, or pass the changed files as arguments)\n',
    });
  });
});
