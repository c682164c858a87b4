// Runs the real `vitest` as a child process on a throw-away copy of a fixture
// that uses the plugin. Which Vitest and which Node come from the environment,
// so the same tests run on Vitest 4.1 / Node 20 (default), Vitest 3.2 / Node 20
// and Vitest 5.1 / Node 24 (`npm run test:vitest3`, `npm run test:vitest5`:
// scripts/test-vitest-compat.mjs sets SDNA_E2E_VITEST and SDNA_E2E_NODE).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, REPO, tempProject } from './helpers.js';

/** A folder whose node_modules holds the Vitest under test (and its coverage provider). */
export const VITEST_HOME = process.env.SDNA_E2E_VITEST ?? REPO;
export const NODE = process.env.SDNA_E2E_NODE ?? process.execPath;
/** The version of the Vitest under test, e.g. `3.2.7`. */
export const VITEST_VERSION: string = JSON.parse(fs.readFileSync(path.join(VITEST_HOME, 'node_modules/vitest/package.json'), 'utf8')).version;
const [major, minor] = VITEST_VERSION.split('.').map(Number);
export const VITEST_MAJOR = major;
/** Test tags (`tags` option, `test.tags`, `--tags-filter`, `strictTags`) came in Vitest 4.1. */
export const VITEST_HAS_TAGS = major > 4 || (major === 4 && minor >= 1);

/** A copy of `fixtures/<name>` that resolves `sdna` to this package and `vitest` to the one under test. */
export function vitestProject(fixture: string): string {
  const root = tempProject(fixture);
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(path.join(modules, '@vitest'), { recursive: true });
  // sdna as npm installs it: a real folder, so that its types resolve `vitest`
  // from this project (the Vitest under test), as a peer dependency does.
  fs.mkdirSync(path.join(modules, 'sdna'));
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(modules, 'sdna', 'package.json'));
  fs.cpSync(path.join(REPO, 'dist'), path.join(modules, 'sdna', 'dist'), { recursive: true });
  fs.symlinkSync(path.join(VITEST_HOME, 'node_modules/vitest'), path.join(modules, 'vitest'));
  // sdna's own dependency, loaded for `## API` blocks.
  fs.symlinkSync(path.join(REPO, 'node_modules/typescript'), path.join(modules, 'typescript'));
  // And for the semantic check.
  fs.symlinkSync(path.join(REPO, 'node_modules/@anthropic-ai'), path.join(modules, '@anthropic-ai'));
  const coverage = path.join(VITEST_HOME, 'node_modules/@vitest/coverage-v8');
  if (fs.existsSync(coverage)) fs.symlinkSync(coverage, path.join(modules, '@vitest/coverage-v8'));
  return root;
}

export interface VitestRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each plan sdna printed, from `Analyzing spec drift` to the `Plan:` line. */
  plans: string[];
}

export function plansIn(output: string): string[] {
  const plans: string[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('Analyzing spec drift for ')) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('Plan: '));
    if (end === -1) break;
    plans.push(lines.slice(i, end + 1).join('\n') + '\n');
    i = end;
  }
  return plans;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Called with the output so far; resolve it to stop waiting and kill the run (watch mode). */
  until?: (output: string) => boolean;
  /** Called once per new chunk of output, for driving watch mode. */
  onOutput?: (output: string) => void;
  timeoutMs?: number;
}

/** `vitest <args>` in `root`, with no stdin and no colour; killed after `timeoutMs`. */
export function runVitest(root: string, args: string[], options: RunOptions = {}): Promise<VitestRun> {
  const child = spawn(NODE, [path.join(root, 'node_modules/vitest/vitest.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let done = false;
  const check = () => {
    options.onOutput?.(stdout);
    if (!done && options.until?.(stdout)) {
      done = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    check();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const clean = (s: string) => s.split(root).join('<root>');
      resolve({ code, stdout: clean(stdout), stderr: clean(stderr), plans: plansIn(clean(stdout)) });
    });
  });
}

/** `node <args>` with the project's own Node (for tools such as tsc), output merged. */
export function runNode(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

export { FIXTURES };
