// Shared by the end-to-end tests: they spawn the built CLI (`npm test` builds
// it once first) on fixture projects and compare what it prints.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unwrapCodeCache, wrapCodeCache } from '../src/util/code-cache.js';
import { OPTIMISE_LATER, tagOf } from '../src/util/v8-flags.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(REPO, 'dist', 'cli.cjs');
export const FIXTURES = path.join(REPO, 'fixtures');
/** What the name of a code cache made in a plan of a small tree holds for the V8 flag such a plan sets, where it sets one (see OPTIMISE_LATER). */
export const SMALL_PLAN_FLAGS = OPTIMISE_LATER ? `${tagOf(OPTIMISE_LATER.on)}-` : '';

if (!fs.existsSync(CLI)) throw new Error('dist/cli.cjs is missing: run `npm run build` (npm test does) first');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sdna ...args` with no stdin; every occurrence of `root` in the output
 * becomes `<root>`. Asynchronous, so that concurrent tests really overlap.
 */
export function sdna(
  args: string[],
  options: { cwd?: string; root?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const clean = (b: Buffer[]) => {
    const s = Buffer.concat(b).toString('utf8');
    return options.root ? s.split(options.root).join('<root>') : s;
  };
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: clean(out), stderr: clean(err) }));
  });
}

/** A throw-away copy of a fixture (or an empty folder) for tests that change files. */
export function tempProject(fixture?: string): string {
  // In the run's own folder (test/global-setup.ts), removed when the run ends.
  const dir = fs.mkdtempSync(path.join(process.env.SDNA_TEST_TMP ?? os.tmpdir(), 'sdna-test-'));
  if (fixture) {
    fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
    settle(dir);
  }
  return dir;
}

/**
 * Dates every file below `dir` an hour back, as files are in a project used
 * daily: sdna's cache does not trust a file modified within the last seconds.
 */
export function settle(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath ?? entry.path, entry.name), past, past);
  }
}

/**
 * The parse cache file taken apart as its header says: the header line, each
 * kind with its section, and how many bytes the header accounts for (the
 * file's size when it is whole).
 */
export function cacheSections(bytes: Buffer): { header: string; kinds: [string, number][]; sections: string[]; measured: number } {
  const end = bytes.indexOf(10);
  const header = bytes.subarray(0, end).toString('utf8');
  const { kinds } = JSON.parse(header) as { kinds: [string, number][] };
  let at = end + 1;
  const sections = kinds.map(([, length]) => {
    const section = bytes.subarray(at, at + length).toString('utf8');
    at += length + 1;
    return section;
  });
  return { header, kinds, sections, measured: at };
}

export function write(root: string, file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/** Every file below `dir` with its size and mtime, to prove a command wrote nothing. */
export function snapshotTree(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = fs.lstatSync(p);
        out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.join('\n');
}

/** Reader problems as their words: what the message tests compare (codes are tested on their own). */
export function words<P extends { code: string; subject?: string }>(problems: P[]): Omit<P, 'code' | 'subject'>[] {
  return problems.map(({ code: _code, subject: _subject, ...rest }) => rest);
}

/** The JSON plan an HTML report carries in its `<script type="application/json" id="sdna-plan">`. */
export function embeddedPlan(html: string): unknown {
  const json = /<script type="application\/json" id="sdna-plan">([^<]*)<\/script>/.exec(html);
  if (!json) throw new Error('the HTML report embeds no JSON plan');
  return JSON.parse(json[1]);
}

/** A kept code cache marked as made by a long run: a run then makes it again only if V8 refused it (see runWithCodeCache). */
export const asMadeLong = (file: string): void => fs.writeFileSync(file, wrapCodeCache(unwrapCodeCache(fs.readFileSync(file))!.data, 1e9));
