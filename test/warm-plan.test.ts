// A warm plan (its cache primed) opens no file it read before, and is exactly
// the cold plan, whatever the cache or the file system tries: another sdna's
// cache, an edit that keeps size and mtime, a clock set back, no git work tree,
// no git at all.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, type ExpectStatic } from 'vitest';
import { cacheSections, sdna, settle, tempProject } from './helpers.js';

/** The demo fixture (a spec with an API block, fragment links, generated-free code), with node_modules for the cache. */
function project(): string {
  const root = tempProject('demo');
  fs.mkdirSync(path.join(root, 'node_modules'), { recursive: true });
  return root;
}

const plan = async (root: string, ...more: string[]) => {
  const r = await sdna(['plan', '--json', '--performance', ...more], { root, cwd: root });
  const cache = /parse cache: .*?: (\d+) hits, (\d+) misses|parse cache: off/.exec(r.stderr);
  return { code: r.code, plan: r.stdout, hits: Number(cache?.[1] ?? 0), misses: Number(cache?.[2] ?? 0) };
};

const cold = (root: string) => plan(root, '--no-cache');

const git = (root: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });

/** The demo project committed to a new git repository. */
function committed(): string {
  const root = project();
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'demo');
  return root;
}

/** Two edits the plan must show: the spec's title, and the test a link's fragment names (the link breaks). */
const RENAMES = [
  ['specs/payments.spec.md', 'Payment Processing', 'Payment Prozessing'],
  ['tests/capture.test.ts', 'authorized hold', 'authorized halt'],
] as const;
const [SPEC_RENAME, TEST_RENAME] = RENAMES;

function rename(root: string, [file, from, to]: readonly [string, string, string]): void {
  const abs = path.join(root, file);
  fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(from, to));
}

/** The renames are in the warm plan, which is the cold plan. */
async function expectRenamesSeen(expect: ExpectStatic, root: string, r: { plan: string }, before: { plan: string }): Promise<void> {
  expect(r.plan).toContain('Payment Prozessing');
  expect(r.plan).toContain('broken-test-link');
  expect(r.plan).not.toBe(before.plan);
  expect(r.plan).toBe((await cold(root)).plan);
}

/** Rewrites a file with new content of the same size, and gives it back its old mtime. */
function sameSizeEdit(file: string, from: string, to: string): void {
  const before = fs.statSync(file);
  const text = fs.readFileSync(file, 'utf8');
  expect(to.length).toBe(from.length);
  fs.writeFileSync(file, text.replace(from, to));
  fs.utimesSync(file, before.atime, before.mtime);
  expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
  expect(fs.statSync(file).size).toBe(before.size);
}

describe('a warm plan is the cold plan', { timeout: 60_000 }, () => {
  it('primed, it reuses everything, reads no spec or test again, and prints the same plan', async ({ expect }) => {
    const root = project();
    const first = await plan(root);
    expect(first.misses).toBeGreaterThan(0);
    const warm = await plan(root);
    expect({ ...warm, hits: warm.hits > 0 }).toEqual({ code: first.code, plan: first.plan, hits: true, misses: 0 });
    expect(warm.plan).toBe((await cold(root)).plan);
  });

  it('a cache written by another sdna version is not used', async ({ expect }) => {
    const root = project();
    await plan(root);
    const file = path.join(root, 'node_modules/.cache/sdna/parse-cache.json');
    const [header, ...lines] = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, [JSON.stringify({ ...JSON.parse(header), sdna: '0.0.1' }), ...lines].join('\n'));
    // The other version's entries would say "nothing changed": the spec now says more.
    const spec = path.join(root, 'specs/payments.spec.md');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('## Capabilities\n\n', '## Capabilities\n\n- **Settle Payment**\n  Pays the merchant out.\n'));
    settle(root);
    const r = await plan(root);
    expect(r.hits).toBe(0);
    expect(r.plan).toBe((await cold(root)).plan);
    expect(r.plan).toContain('payments/settle-payment');
  });

  it('an edit that keeps the size and the mtime is still seen', async ({ expect }) => {
    const root = project();
    const before = await plan(root);
    for (const [file, from, to] of RENAMES) sameSizeEdit(path.join(root, file), from, to);
    await expectRenamesSeen(expect, root, await plan(root), before);
  });

  it('a test file that claimed nothing, edited to claim a capability, is read again: its claim counts, warm as cold', async ({ expect }) => {
    const root = project();
    settle(root);
    const before = await plan(root);
    const untested = 'no test is linked to payments/void-authorization';
    expect(before.plan).toContain(untested);
    // Many files claim nothing; sdna keeps them as one list with their stamps. This one leaves it.
    const file = path.join(root, 'tests/authorize.test.ts');
    fs.appendFileSync(file, "\nit('voids a hold', { meta: { capabilities: ['payments/void-authorization'] } }, () => {});\n");
    settle(root);
    const after = await plan(root);
    expect(after.plan).not.toContain(untested);
    expect(after.plan).toBe((await cold(root)).plan);
    // And back: it claims nothing again, and the next warm plan reads nothing.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\nit\('voids a hold'.*\n/, '\n'));
    settle(root);
    expect((await plan(root)).plan).toBe(before.plan);
    expect((await plan(root)).misses).toBe(0);
  });

  it('a clock set back: a file dated in the future is never trusted, and one dated back is read again', async ({ expect }) => {
    const root = project();
    const spec = path.join(root, 'specs/payments.spec.md');
    const future = new Date(Date.now() + 3_600_000);
    fs.utimesSync(spec, future, future);
    await plan(root);
    // Edited while the clock runs an hour behind: the same size, and an mtime that is neither new nor the one recorded.
    sameSizeEdit(spec, SPEC_RENAME[1], SPEC_RENAME[2]);
    const behind = new Date(Date.now() - 7_200_000);
    fs.utimesSync(spec, behind, behind);
    const r = await plan(root);
    expect(r.plan).toBe((await cold(root)).plan);
    expect(r.plan).toContain('Payment Prozessing');
  });

  it('the plan kept whole is used only while nothing it was made from changed: a new file, a file outside the listing it looked for', async ({ expect }) => {
    const root = project();
    fs.writeFileSync(path.join(root, '.gitignore'), 'ignored/\n');
    const spec = path.join(root, 'specs/payments.spec.md');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('## Capabilities\n\n', '## Capabilities\n\n- **Settle Payment** [@test](../ignored/settle.test.ts)\n  Pays the merchant out.\n'));
    settle(root);
    const first = await plan(root);
    expect(first.plan).toContain('ignored/settle.test.ts');
    // Nothing changed: the whole plan comes from the cache, in one lookup.
    const kept = await plan(root);
    expect({ plan: kept.plan, hits: kept.hits, misses: kept.misses }).toEqual({ plan: first.plan, hits: 1, misses: 0 });
    // A file the listing does not hold (git-ignored) but the plan looked for appears: the link is no longer broken.
    fs.mkdirSync(path.join(root, 'ignored'));
    const late = path.join(root, 'ignored/settle.test.ts');
    fs.writeFileSync(late, "import { it } from 'vitest';\nit('settles', () => {});\n");
    // Dated back alone: every other file keeps its stamp.
    fs.utimesSync(late, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const found = await plan(root);
    expect(found.plan).toBe((await cold(root)).plan);
    expect(found.plan).not.toBe(first.plan);
    // A new source file no spec targets.
    fs.writeFileSync(path.join(root, 'src/webhooks/retry.ts'), 'export const retry = 1;\n');
    settle(root);
    const added = await plan(root);
    expect(added.plan).toBe((await cold(root)).plan);
    expect(added.plan).toContain('src/webhooks/retry.ts');
  });

  it('in a git work tree, outside one, and with no git on PATH: the same plan, warm or cold', async ({ expect }) => {
    const plain = project();
    const inGit = committed();
    // Only node on PATH: sdna cannot run git and walks the folders.
    const bin = tempProject();
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const noGit = async (root: string, ...more: string[]) => {
      const r = await sdna(['plan', '--json', ...more], { root, cwd: root, env: { PATH: bin } });
      return r.stdout;
    };
    const expected = (await cold(plain)).plan.split(plain).join('<root>');
    for (const root of [plain, inGit]) {
      const shown = (text: string) => text.split(root).join('<root>');
      expect(shown((await cold(root)).plan)).toBe(expected);
      expect(shown((await plan(root)).plan)).toBe(expected);
      expect(shown((await plan(root)).plan)).toBe(expected);
      expect(shown(await noGit(root))).toBe(expected);
      expect(shown(await noGit(root, '--no-cache'))).toBe(expected);
    }
  });
});

describe("in a git work tree, git's word stamps the files it vouches for", { timeout: 60_000 }, () => {
  it('primed, a plan in git is all from the cache and the cold plan', async ({ expect }) => {
    const root = committed();
    const first = await plan(root);
    expect(first.misses).toBeGreaterThan(0);
    // The plan kept whole is not used: the test is of the files' entries.
    fs.appendFileSync(path.join(root, 'src/webhooks/retry.ts'), 'export const retry = 1;\n');
    dateBack(path.join(root, 'src/webhooks/retry.ts'));
    const warm = await plan(root);
    expect(warm.misses).toBeLessThanOrEqual(2);
    expect(warm.plan).toBe((await cold(root)).plan);
  });

  it('an edit git does not look at (assume-unchanged, skip-worktree) is still seen', async ({ expect }) => {
    const root = committed();
    const before = await plan(root);
    git(root, 'update-index', '--assume-unchanged', 'tests/capture.test.ts');
    git(root, 'update-index', '--skip-worktree', 'specs/payments.spec.md');
    for (const edit of RENAMES) {
      rename(root, edit);
      dateBack(path.join(root, edit[0]));
    }
    await expectRenamesSeen(expect, root, await plan(root), before);
  });

  it('a commit, a file deleted and one staged are seen, the plan kept whole too', async ({ expect }) => {
    const root = committed();
    await plan(root);
    rename(root, TEST_RENAME);
    git(root, 'commit', '-qam', 'rename a test');
    const renamed = await plan(root);
    expect(renamed.plan).toContain('broken-test-link');
    expect(renamed.plan).toBe((await cold(root)).plan);
    fs.rmSync(path.join(root, 'src/webhooks/retry.ts'), { force: true });
    rename(root, SPEC_RENAME);
    git(root, 'add', SPEC_RENAME[0]);
    for (let i = 0; i < 2; i++) {
      const r = await plan(root);
      expect(r.plan).toContain('Payment Prozessing');
      expect(r.plan).toBe((await cold(root)).plan);
    }
  });
});

describe('what is derived from a file git vouches for', () => {
  it('is kept only when the file was not written as git looked (or a moment before)', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const root = tempProject();
    const dir = path.join(root, 'cache');
    fs.writeFileSync(path.join(root, 'a.ts'), 'one');
    const listing = () => ({ set: new Set(['a.ts']), oids: new Map([['a.ts', 'f'.repeat(40)]]), askedAt: Date.now() });
    const run = (value: string) => {
      const cache = ParseCache.open(dir, 'test');
      cache.markListed(root, listing());
      const got = cache.fromFile('file:test', root, 'a.ts', () => value);
      cache.save();
      return got;
    };
    // Written a moment ago: git's word may predate the write, so nothing is kept.
    expect(run('first')).toBe('first');
    expect(run('second')).toBe('second');
    dateBack(path.join(root, 'a.ts'));
    expect(run('third')).toBe('third');
    // Settled: kept, and the file is not read again while git vouches for the same object.
    expect(run('fourth')).toBe('third');
  });
});

/** Dates one file an hour back, as `settle` does a whole tree: the others keep the stat git indexed. */
function dateBack(file: string): void {
  fs.utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
}

describe('the reports made of a plan kept', { timeout: 60_000 }, () => {
  /** A plan run; `reused` when it printed kept reports without making or reading the plan (no `plan` phase). */
  const run = async (root: string, ...args: string[]) => {
    const r = await sdna(['plan', '--performance', ...args], { root, cwd: root });
    return { code: r.code, stdout: r.stdout, reused: r.stderr.includes('kept reports') && !/^ {2}plan /m.test(r.stderr) };
  };
  const fresh = async (root: string, ...args: string[]) => (await sdna(['plan', '--no-cache', ...args], { root, cwd: root })).stdout;

  it('are kept with it, each built-in report for its options, and printed as made while nothing changed; a reporter module is always run', async ({ expect }) => {
    const root = project();
    settle(root);
    const first = await run(root, '--json');
    expect(first.reused).toBe(false);
    // The plan and its JSON report were kept: the next run prints the report alone, with the plan's exit code.
    expect(await run(root, '--json')).toEqual({ ...first, reused: true });
    // Another report of the same plan is made once from the plan kept, then kept beside the first.
    const terminal = await run(root);
    expect({ ...terminal, reused: false }).toEqual({ code: first.code, stdout: await fresh(root), reused: false });
    expect((await run(root)).reused).toBe(true);
    expect(await run(root, '--json')).toEqual({ ...first, reused: true });
    // Options are part of what was asked: --quiet is its own report.
    const quiet = await run(root, '--quiet');
    expect(quiet).toEqual({ code: first.code, stdout: await fresh(root, '--quiet'), reused: false });
    expect(await run(root, '--quiet')).toEqual({ ...quiet, reused: true });
    // A report written to a file is written again, as made.
    const sarif = path.join(root, 'out/plan.sarif');
    expect((await run(root, '--reporter', 'sarif:out/plan.sarif')).reused).toBe(false);
    const written = fs.readFileSync(sarif, 'utf8');
    fs.rmSync(sarif);
    expect((await run(root, '--reporter', 'sarif:out/plan.sarif')).reused).toBe(true);
    expect(fs.readFileSync(sarif, 'utf8')).toBe(written);
    // A reporter module may print anything: it runs every time.
    fs.writeFileSync(path.join(root, 'count.mjs'), "export default (plan) => `${plan.capabilities.length} ${Date.now()}\\n`;\n");
    const custom = [await run(root, '--reporter', './count.mjs'), await run(root, '--reporter', './count.mjs')];
    expect(custom.map((r) => r.reused)).toEqual([false, false]);
    // A change: the reports kept are of another plan.
    const spec = path.join(root, 'specs/payments.spec.md');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('## Capabilities\n\n', '## Capabilities\n\n- **Settle Payment**\n  Pays the merchant out.\n'));
    settle(root);
    const changed = await run(root, '--json');
    expect(changed.reused).toBe(false);
    expect(changed.stdout).toContain('payments/settle-payment');
    expect(changed.stdout).toBe(await fresh(root, '--json'));
    expect((await run(root, '--json')).reused).toBe(true);
  });
});

describe("the tests' claims a plan reads", { timeout: 60_000 }, () => {
  /** The cache file's `test-claims-1` section: its one line's key and rows, and the file rewritten with `rows` instead. */
  function claimTable(root: string) {
    const file = path.join(root, 'node_modules/.cache/sdna/parse-cache.json');
    const { header, kinds, sections } = cacheSections(fs.readFileSync(file));
    const i = kinds.findIndex(([kind]) => kind === 'test-claims-1');
    expect(i).not.toBe(-1);
    const line = sections[i];
    expect(line.split('\n')).toHaveLength(1);
    const tab = line.indexOf('\t');
    const rows = JSON.parse(line.slice(tab + 1)) as [string, string, { capabilities: { id: string }[] }[] | 0][];
    const rewrite = (value: string) => {
      const text = line.slice(0, tab + 1) + value;
      const parsed = JSON.parse(header) as { kinds: [string, number, number][] };
      parsed.kinds[i][1] = Buffer.byteLength(text);
      fs.writeFileSync(file, [JSON.stringify(parsed), ...sections.map((s, j) => (j === i ? text : s))].join('\n') + '\n');
    };
    return { rows, rewrite };
  }

  it('are one entry of the cache, every test file with its stamp and its claims; a garbled row is read again', async ({ expect }) => {
    const root = project();
    fs.appendFileSync(path.join(root, 'tests/authorize.test.ts'), "\nit('voids a hold', { meta: { capabilities: ['payments/void-authorization'] } }, () => {});\n");
    settle(root);
    const first = await plan(root);
    const claimed = (rows: ReturnType<typeof claimTable>['rows']) => rows.map(([file, , tests]) => [file, tests === 0 ? 0 : tests.flatMap((t) => t.capabilities.map((c) => c.id))]);
    const { rows } = claimTable(root);
    expect(claimed(rows)).toEqual([
      ['tests/authorize.test.ts', ['payments/void-authorization']],
      ['tests/capture.test.ts', 0],
      ['tests/refund.test.ts', 0],
    ]);
    // Each row garbled in turn, in each way: the plan is the same, and the table whole again after it.
    const value = JSON.stringify(rows);
    for (const [n, garbled] of [
      value.replace('"tests/authorize.test.ts"', '5'),
      value.replace(/("tests\/authorize\.test\.ts",)"[^"]+"/, '$17'),
      value.replace(/\[\{"name"[^]*?\}\]\]/, '[{"name":"x"}]]'),
      value.replace(/("tests\/capture\.test\.ts","[^"]+",)0/, '$1"no"'),
      value.replace(/^\[\[/, '[5,['),
      '{"rows":1}',
    ].entries()) {
      expect(garbled).not.toBe(value);
      claimTable(root).rewrite(garbled);
      // A new source file each time (dated back alone: the tests keep their stamps), so that the plan is made again, not the one kept.
      const extra = path.join(root, `src/extra-${n}.ts`);
      fs.writeFileSync(extra, 'export const extra = 1;\n');
      fs.utimesSync(extra, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
      const r = await plan(root);
      expect(r.plan).not.toBe(first.plan);
      expect(r.plan).toBe((await cold(root)).plan);
      expect(claimTable(root).rows).toEqual(rows);
    }
  });
});
