// The command line keeps V8's compiled code for its own bundle where Node keeps
// its compile cache (NODE_COMPILE_CACHE, or the OS temp folder), on every Node.
// Code read back from there runs, so a folder or file that is not the user's
// own is not used, and a cache V8 refuses is made again. Each test names its
// own folder. On Node 22 and later Node keeps its own files there too (in a
// folder named for its version), by its own rules: the tests look at sdna's.

import fs from 'node:fs';
import * as nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { COMMAND_NAMES } from '../src/cli/command-names.js';
import { cacheAtExit, unwrapCodeCache, wrapCodeCache } from '../src/util/code-cache.js';
import { asMadeLong, FIXTURES, SMALL_PLAN_FLAGS, sdna } from './helpers.js';

const nodeKeepsIt = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const PLAN = ['plan', '--root', path.join(FIXTURES, 'stale-target'), '--no-cache'];

/** sdna's files in a compile cache folder (`v8-<file>-…bin`). */
const ours = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('v8-'));

function cacheFolder(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-compile-')), 'cache');
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

const plain = sdna(PLAN, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });

/** A folder of its own with the plan's cache a first run made in it, and the env that points there. */
async function plannedCache(): Promise<{ env: Record<string, string>; file: string }> {
  const dir = cacheFolder();
  const env = { NODE_COMPILE_CACHE: dir };
  await sdna(PLAN, { env });
  const [name] = ours(dir);
  return { env, file: path.join(dir, name) };
}


describe.concurrent('compiled code of the command line', () => {
  it('is kept per command on the first run, used as it is by the next, and changes no output', async ({ expect }) => {
    const dir = cacheFolder();
    const env = { NODE_COMPILE_CACHE: dir };
    const first = await sdna(PLAN, { env });
    expect(first).toEqual(await plain);
    expect(first.stdout).toContain('Plan: ');
    const kept = ours(dir);
    expect(kept).toEqual([expect.stringMatching(/^v8-cli-main-plan-[0-9a-f]{16}\.bin$/)]);
    const file = path.join(dir, kept[0]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // See the next test for a cache made by a shorter run.
    asMadeLong(file);
    const made = fs.statSync(file);
    const again = await sdna(PLAN, { env });
    expect(again).toEqual(first);
    // Accepted by V8: not made again.
    expect(fs.statSync(file).mtimeMs).toBe(made.mtimeMs);
    // A module the bundle imports at run time, with the cache accepted.
    const counted = await sdna([...PLAN, '--reporter', 'test/reporters/count.mjs'], { env });
    expect(counted).toEqual({ code: 1, stdout: '2 findings, 1 capabilities\n', stderr: '' });
    expect(fs.statSync(file).mtimeMs).toBe(made.mtimeMs);
    await sdna(['--version'], { env });
    expect(ours(dir).sort()).toEqual([kept[0], expect.stringMatching(/^v8-cli-main-other-[0-9a-f]{16}\.bin$/)].sort());
  });

  it('is made again by a run that lasts twice as long as the one that made it, and not by a shorter one', async ({ expect }) => {
    const { env, file } = await plannedCache();
    const made = unwrapCodeCache(fs.readFileSync(file))!;
    // The run that made it lasted as long as a process that ran sdna's plan.
    expect(made.madeIn).toBeGreaterThan(10);
    expect(made.madeIn).toBeLessThan(600_000);
    const written = (madeIn: number) => {
      fs.writeFileSync(file, madeIn < 0 ? made.data : wrapCodeCache(made.data, madeIn));
      return fs.readFileSync(file);
    };
    // Made by a run of a millisecond (an empty folder's plan, say): made again, with this run's length.
    const short = written(1);
    expect(await sdna(PLAN, { env })).toEqual(await plain);
    expect(fs.readFileSync(file).equals(short)).toBe(false);
    expect(unwrapCodeCache(fs.readFileSync(file))!.madeIn).toBeGreaterThan(10);
    // Without the length (as an older sdna wrote it): made again too.
    written(-1);
    expect(await sdna(PLAN, { env })).toEqual(await plain);
    expect(unwrapCodeCache(fs.readFileSync(file))!.madeIn).toBeGreaterThan(10);
    // Made by a longer run: kept as it is.
    const long = written(1e9);
    expect(await sdna(PLAN, { env })).toEqual(await plain);
    expect(fs.readFileSync(file).equals(long)).toBe(true);
  });

  it('a run that ends with less compiled code than it was given keeps what it was given, as made by itself', ({ expect }) => {
    const small = Buffer.from('small cache');
    const large = Buffer.from('a larger cache, as given');
    let made = 0;
    const make = (data: Buffer) => () => {
      made++;
      return data;
    };
    const given = { taken: true, size: large.length, madeIn: 100 };
    // Not twice as long: nothing is made.
    expect(cacheAtExit(given, 199, make(small), () => large)).toBeUndefined();
    expect(made).toBe(0);
    // Twice as long, and more compiled code: this run's.
    expect(unwrapCodeCache(cacheAtExit({ ...given, size: 4 }, 200, make(small), () => large))).toEqual({ data: small, madeIn: 200 });
    // Twice as long, with less (V8 dropped what it had not run for a while): the cache given, as made by this run.
    expect(unwrapCodeCache(cacheAtExit(given, 250, make(small), () => large))).toEqual({ data: large, madeIn: 250 });
    // Refused or missing: this run's, however small.
    expect(unwrapCodeCache(cacheAtExit({ ...given, taken: false }, 10, make(small), () => large))).toEqual({ data: small, madeIn: 10 });
    // Read from another folder: kept here however short the run.
    expect(unwrapCodeCache(cacheAtExit({ ...given, copy: true }, 10, make(small), () => large))).toEqual({ data: large, madeIn: 10 });
    expect(made).toBe(4);
  });

  it('a cache V8 refuses (garbage, truncated) is made again, and the run is as without it', async ({ expect }) => {
    const { env, file } = await plannedCache();
    const good = fs.readFileSync(file);
    for (const bad of [Buffer.from('not a code cache'), good.subarray(0, good.length >> 1)]) {
      fs.writeFileSync(file, bad);
      const run = await sdna(PLAN, { env });
      expect(run).toEqual(await plain);
      expect(fs.readFileSync(file).length).toBeGreaterThan(bad.length);
    }
  });

  it.runIf(process.getuid !== undefined)('a folder others may write to is neither read nor written; a symlink in its place is not followed', async ({ expect }) => {
    const open = cacheFolder();
    fs.chmodSync(open, 0o777);
    expect(await sdna(PLAN, { env: { NODE_COMPILE_CACHE: open } })).toEqual(await plain);
    expect(ours(open)).toEqual([]);

    const real = cacheFolder();
    const link = path.join(path.dirname(real), 'link');
    fs.symlinkSync(real, link);
    expect(await sdna(PLAN, { env: { NODE_COMPILE_CACHE: link } })).toEqual(await plain);
    expect(ours(real)).toEqual([]);

    // A symlink at the cache file's name, to a cache V8 would take: not read through (the run makes its own in its place), nor written through.
    const { env, file } = await plannedCache();
    const elsewhere = path.join(path.dirname(path.dirname(file)), 'elsewhere.bin');
    fs.renameSync(file, elsewhere);
    const valid = fs.readFileSync(elsewhere);
    fs.symlinkSync(elsewhere, file);
    expect(await sdna(PLAN, { env })).toEqual(await plain);
    expect(fs.lstatSync(file).isFile()).toBe(true);
    expect(fs.readFileSync(elsewhere)).toEqual(valid);
  });

  it("without a parse cache (--no-cache), TypeScript's compiled code is kept there too, made as the first run exits and used by the next", async ({ expect }) => {
    const dir = cacheFolder();
    const env = { NODE_COMPILE_CACHE: dir };
    const api = ['plan', '--root', path.join(FIXTURES, 'api-drift'), '--no-cache'];
    const without = await sdna(api, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    const first = await sdna(api, { env });
    expect(first).toEqual(without);
    expect(first.stdout).toContain('~ ');
    const kept = ours(dir).filter((f) => f.startsWith('v8-typescript-'));
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^v8-typescript-${SMALL_PLAN_FLAGS}[0-9a-f]{16}\\.bin$`))]);
    const file = path.join(dir, kept[0]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    asMadeLong(file);
    const made = fs.statSync(file);
    expect(await sdna(api, { env })).toEqual(first);
    // Accepted by V8: not made again.
    expect(fs.statSync(file).mtimeMs).toBe(made.mtimeMs);
  });

  it("a parse cache folder without TypeScript's compiled code reads the one a plan without a parse cache kept (if its folder is there: none is made for the look), and keeps its own", async ({ expect }) => {
    const { inCacheFolder } = await import('../src/util/compiled.js');
    const { codeCacheName } = await import('../src/util/code-cache.js');
    const nodeDir = cacheFolder();
    const cacheDir = path.join(path.dirname(nodeDir), 'parse-cache');
    const file = path.join(path.dirname(nodeDir), 'mod.cjs');
    fs.writeFileSync(file, 'module.exports = 1;\n');
    fs.writeFileSync(path.join(nodeDir, codeCacheName(file, fs.statSync(file))), 'kept without a parse cache');
    const at = (env: string) => {
      const before = process.env.NODE_COMPILE_CACHE;
      process.env.NODE_COMPILE_CACHE = env;
      try {
        const cache = inCacheFolder(file, { dir: cacheDir });
        return { cache, read: cache.read() };
      } finally {
        // Assigned undefined, an environment variable would be the text 'undefined'.
        if (before === undefined) delete process.env.NODE_COMPILE_CACHE;
        else process.env.NODE_COMPILE_CACHE = before;
      }
    };
    const first = at(nodeDir);
    expect(first.read?.toString()).toBe('kept without a parse cache');
    expect(first.cache.borrowed?.()).toBe(true);
    first.cache.write(Buffer.from('its own'));
    expect(fs.readdirSync(cacheDir)).toEqual([codeCacheName(file, fs.statSync(file))]);
    const second = at(nodeDir);
    expect(second.read?.toString()).toBe('its own');
    expect(second.cache.borrowed?.()).toBe(false);
    // Node's folder not there: nothing read, and it is not made.
    fs.rmSync(cacheDir, { recursive: true });
    const missing = path.join(path.dirname(nodeDir), 'no-such-folder');
    expect(at(missing).read).toBeUndefined();
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('NODE_DISABLE_COMPILE_CACHE keeps nothing', async ({ expect }) => {
    const dir = cacheFolder();
    const run = await sdna(PLAN, { env: { NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(run).toEqual(await plain);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.runIf(nodeKeepsIt)('on Node 22 and later, Node keeps what it compiles beside the bundle (the launcher, a reporter) in its own folder', async ({ expect }) => {
    const dir = cacheFolder();
    expect(await sdna(PLAN, { env: { NODE_COMPILE_CACHE: dir } })).toEqual(await plain);
    expect(fs.readdirSync(dir)).toContainEqual(expect.stringMatching(new RegExp(`^${process.version}-`)));
  });

  it('names every command the command line has', async ({ expect }) => {
    const help = (await sdna(['--help'])).stdout;
    const listed = help
      .slice(help.indexOf('Commands:'), help.indexOf('For more info'))
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(' ')[0])
      .filter(Boolean);
    expect(new Set(listed)).toEqual(COMMAND_NAMES);
  });
});
