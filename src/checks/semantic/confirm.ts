// `--confirm`: a `breaks` verdict stands only if a test proves it. For each,
// the model writes a Vitest test that should pass were the promise kept; sdna
// writes it under the cache folder (never into the project's own folders) and
// runs all of them once, with the project's own Vitest and config. The verdict
// is kept only when its test fails on an assertion; a test that passes, or that
// fails to load or on another error, leaves the capability unclear.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as z from 'zod/mini';
import type { SemanticReport } from '../../model/model.js';
import { writeFileAtomic } from '../../util/files.js';
import { contentKey } from '../../artifacts/cache.js';
import { CONFIRM_PROMPT, confirmMessage } from './confirm-prompt.js';
import { requestBody } from './prompt.js';
import type { Job } from './verdict.js';
import { ask, type RequestOptions, type Spent } from './requests.js';
import type { Slice } from './slice.js';
import type { CachedVerdict } from './verdicts.js';

export interface ConfirmOptions {
  root: string;
  /** The cache folder: tests go to its `confirm/` folder. */
  dir: string;
  within?: string;
  /** The Vitest run of all confirming tests, in ms (default 120 s). */
  timeoutMs?: number;
}

type Breaks = Extract<CachedVerdict, { verdict: 'breaks' }>;
export type Confirmation = NonNullable<Breaks['confirmation']>;

interface Context extends ConfirmOptions {
  request: RequestOptions;
  /** The run's report: the requests' tokens and cost add to it, within its --max-cost. */
  report: SemanticReport;
}

const VITEST_CONFIGS = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.cts', 'vitest.config.js', 'vitest.config.mjs', 'vitest.config.cjs', 'vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
const DEFAULT_TIMEOUT_MS = 120_000;
/** Output tokens a confirming test may take, for the cost a request may reach before it is sent. */
const TEST_TOKENS = 2000;
const testAnswer = z.strictObject({ code: z.string().check(z.minLength(1), z.maxLength(40_000)), explanation: z.string().check(z.maxLength(4000)) });

/** The confirmation of each `breaks`, by capability id; one left out could not be asked or run (the report says why). */
export async function confirmBreaks(items: { job: Job; slice: Slice; verdict: Breaks }[], ctx: Context): Promise<Map<string, Confirmation>> {
  const out = new Map<string, Confirmation>();
  const vitest = vitestOf(ctx.root);
  if (!vitest) {
    for (const { job } of items) ctx.report.notChecked.push({ capability: job.capability.id, reason: '--confirm: the project has no Vitest installed to run the confirming test (npm install -D vitest); the verdict is unconfirmed' });
    return out;
  }
  const folder = path.join(ctx.dir, 'confirm');
  const written: { id: string; file: string; shown: string }[] = [];
  // The tests' requests count toward the run's tokens and cost, but not as capabilities checked.
  const spent: Spent = { checked: 0, notChecked: [], usage: ctx.report.usage, cost: ctx.report.cost };
  await ask(
    items,
    ({ job, slice, verdict }) => ({
      capability: job.capability.id,
      body: requestBody(ctx.request.model, confirmMessage(job.spec, job.capability, slice, verdict), CONFIRM_PROMPT),
      answerTokens: TEST_TOKENS,
      answered(input) {
        const id = job.capability.id;
        const parsed = testAnswer.safeParse(input);
        if (!parsed.success) {
          out.set(id, { test: '', outcome: 'broken', detail: 'the model wrote no confirming test of the required form' });
          return;
        }
        const file = path.join(folder, `${id.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 80)}-${contentKey(id).slice(0, 8)}.test.ts`);
        const shown = path.relative(ctx.root, file).split(path.sep).join('/');
        writeFileAtomic(file, header(id) + withProjectImports(parsed.data.code, ctx.root, folder), { createDir: true, within: ctx.within, shown });
        written.push({ id, file, shown });
      },
    }),
    ctx.request,
    spent,
  );
  ctx.report.usage = spent.usage;
  ctx.report.cost = spent.cost;
  for (const n of spent.notChecked) ctx.report.notChecked.push({ capability: n.capability, reason: `--confirm: ${n.reason}; the verdict is unconfirmed` });
  // In capability order, whatever order the answers came in.
  written.sort((a, b) => (a.id < b.id ? -1 : 1));
  if (written.length === 0) return out;

  const results = await runVitest(vitest, ctx, folder, written.map((w) => w.file));
  for (const w of written) {
    const r = results.get(w.file) ?? { outcome: 'broken' as const, detail: results.get('*')?.detail ?? 'Vitest did not run it' };
    out.set(w.id, { test: w.shown, ...r, detail: `${describe(r)} (${w.shown})` });
  }
  return out;
}

function describe(r: { outcome: Confirmation['outcome']; detail: string }): string {
  if (r.outcome === 'fails') return `its confirming test fails: ${r.detail}`;
  if (r.outcome === 'passes') return 'the test written to show it passes';
  return `the test written to show it did not run to an assertion: ${r.detail}`;
}

const header = (id: string) => `// Written by \`sdna plan --semantic --confirm\` for ${id}: it should pass if the code keeps the promise.\n// Re-run it with the project's Vitest; it is not part of the project's tests.\n`;

/** Imports written from the project root (`/src/a.ts`, as the model was shown the paths) point at the project's files from the test's folder. */
export function withProjectImports(code: string, root: string, folder: string): string {
  return code.replace(/((?:from|import|vi\.mock|vi\.doMock)\s*\(?\s*)(['"])\/([^'"\n]+)\2/g, (whole, lead: string, quote: string, rel: string) => {
    const target = path.join(root, rel);
    if (!fs.existsSync(target)) return whole;
    let relative = path.relative(folder, target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `${lead}${quote}${relative}${quote}`;
  });
}

/** The project's Vitest: its CLI script, or undefined. */
function vitestOf(root: string): string | undefined {
  try {
    const pkg = createRequire(path.join(root, 'package.json')).resolve('vitest/package.json');
    const script = path.join(path.dirname(pkg), 'vitest.mjs');
    return fs.existsSync(script) ? script : undefined;
  } catch {
    return undefined;
  }
}

/** The project's config, running only the confirming tests (all of them, or those named on the command line): no other test, no coverage, not the sdna plugin (it would check the plan again). */
function wrapperConfig(root: string, folder: string): string {
  const config = VITEST_CONFIGS.map((name) => path.join(root, name)).find((f) => fs.existsSync(f));
  return [
    '// Written by `sdna plan --semantic --confirm`: the project\'s Vitest config, running only the confirming tests.',
    config ? `import base from ${JSON.stringify(config)};` : 'const base = {};',
    'const flat = async (list) => (await Promise.all((list ?? []).map(async (p) => { const v = await p; return Array.isArray(v) ? flat(v) : [v]; }))).flat();',
    'export default async (env) => {',
    "  const c = (typeof base === 'function' ? await base(env) : await base) ?? {};",
    "  const plugins = (await flat(c.plugins)).filter((p) => p && p.name !== 'sdna');",
    // Projects would run the tests once per project (and `workspace` is refused by Vitest 4): both go.
    '  const { projects: _projects, workspace: _workspace, ...own } = c.test ?? {};',
    `  const test = { ...own, dir: ${JSON.stringify(folder)}, include: ['*.test.ts'], exclude: [], coverage: { enabled: false }, watch: false, passWithNoTests: true };`,
    '  return { ...c, plugins, test };',
    '};',
    '',
  ].join('\n');
}

interface JsonResult {
  testResults?: { name: string; status: string; message?: string; assertionResults?: { status: string; fullName?: string; failureMessages?: string[] }[] }[];
}

/** Runs the tests once; each file's outcome, and `*` for a run that failed as a whole. */
async function runVitest(vitest: string, ctx: Context, folder: string, files: string[]): Promise<Map<string, { outcome: Confirmation['outcome']; detail: string }>> {
  const out = new Map<string, { outcome: Confirmation['outcome']; detail: string }>();
  const config = path.join(folder, 'vitest.config.mjs');
  const resultFile = path.join(folder, 'results.json');
  writeFileAtomic(config, wrapperConfig(ctx.root, folder), { createDir: true, within: ctx.within });
  fs.rmSync(resultFile, { force: true });
  const args = [vitest, 'run', '--root', ctx.root, '--config', config, '--reporter=json', `--outputFile=${resultFile}`, ...files];
  const { code, stderr, timedOut } = await run(args, ctx.root, ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let json: JsonResult | undefined;
  try {
    json = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as JsonResult;
  } catch {
    json = undefined;
  }
  if (!json?.testResults) {
    const why = timedOut ? `Vitest took longer than ${Math.round((ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s` : `Vitest exited with ${code}: ${lastLine(stderr)}`;
    out.set('*', { outcome: 'broken', detail: why });
    return out;
  }
  for (const r of json.testResults) {
    const tests = r.assertionResults ?? [];
    const failed = tests.filter((t) => t.status === 'failed');
    const messages = failed.map((t) => firstLine(t.failureMessages?.[0] ?? ''));
    const entry =
      tests.length === 0
        ? { outcome: 'broken' as const, detail: loadError(r.message ?? '', ctx.root) || 'it declares no test' }
        : failed.length === 0
          ? { outcome: (tests.some((t) => t.status === 'passed') ? 'passes' : 'broken') as Confirmation['outcome'], detail: 'all its tests pass' }
          : messages.some((m) => /^AssertionError\b/.test(m))
            ? { outcome: 'fails' as const, detail: messages.find((m) => /^AssertionError\b/.test(m))! }
            : { outcome: 'broken' as const, detail: `it failed with ${messages[0] || 'an error'}, not an assertion` };
    out.set(path.resolve(r.name), entry);
  }
  return out;
}

/** Why a file did not load: a transform error says where on its second line. */
const loadError = (message: string, root: string) =>
  message.replace(/\x1b\[[0-9;]*m/g, '').split(root + path.sep).join('').split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ').slice(0, 300);
const firstLine = (s: string) => s.split('\n')[0].trim().slice(0, 300);
/** The error Vitest stopped on, or its last words. */
const lastLine = (s: string) => {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /^[A-Z]\w*Error\b/.test(l)) ?? lines.filter((l) => !l.startsWith('at ')).pop() ?? 'no output').slice(0, 300);
};

function run(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    // CI set: Vitest neither watches nor draws; NO_COLOR: the messages read plain.
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'ignore', 'pipe'], detached: process.platform !== 'win32' });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: error.message, timedOut });
    });
  });
}
