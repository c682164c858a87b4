#!/usr/bin/env node
// The only place besides the Vitest plugin that touches the process: argv,
// stdout/stderr and the exit code (0 clean, 1 gate failed, 2 sdna could not run).

import { readNamedFile } from '../util/guarded.js';
import path from 'node:path';
import picomatch from 'picomatch';
import { cac } from 'cac';
import pkg from '../../package.json' with { type: 'json' };
import { DEFAULTS, loadConfig } from '../config.js';
import { STATE_FILE } from '../artifacts/state.js';
import { BASELINE_FILE, baselineEntry, readBaseline, writeBaseline } from '../artifacts/baseline.js';
import { ParseCache } from '../artifacts/cache.js';
import { SdnaError } from '../util/errors.js';
import { checkRoot } from '../util/root.js';
import { changedFromMergeBase, changedSince, stagedFiles, untrackedFiles } from '../util/git.js';
import { showProgress, terminalProgress } from '../util/progress.js';
import { KINDS, KIND_NAMES, isKind, type KindInfo } from '../model/kinds.js';
import type { Plan } from '../model/model.js';
import type { ResolvedConfig } from '../config.js';
import { DEFAULT_CONCURRENCY } from '../checks/semantic/defaults.js';
import { DEFAULT_MODEL } from '../checks/semantic/cost.js';
import { createWorkspacePlan, workspacePackages } from '../workspace.js';
import { listFiles, listFilesAsync, writeFileAtomic, type FileList } from '../util/files.js';
import { closest, kebab, numbered, plural } from '../util/text.js';
import { FORMATS, READERS } from '../formats/readers.js';
import { enablePerformance, performanceReport, timed, timedAsync } from '../util/perf.js';
import type { ImportFlags } from './import.js';
import type { DiffFlags } from './diff.js';
import { refuseWithoutSemantic, requestOptions, type ModelFlags } from './model-flags.js';
import { DEFAULT_MIN_CONFIDENCE, SHORTLIST_SIZE } from '../checks/import/defaults.js';
import { BUILTIN_REPORTERS, isPureReport, loadReporters, parseReporterArg, reporterOptions, writeReport, writeReports, type WriteContext } from '../../reporters/write.js';
import type { ReporterOptions, ReportRequest } from '../../reporters/types.js';
import { explainKind } from '../../reporters/util/explain.js';
import { askedOf, keepReports, keptReports, memoKey, memoOf } from '../artifacts/plan-memo.js';
import { lendImport } from '../util/import-module.js';
import { flagsForTree, makeRoomForReports, print } from './heap.js';

interface PlanFlags extends ModelFlags {
  root?: string;
  config?: string;
  /** `--reporter name[:file]`, once or more. */
  reporter?: string | string[];
  json?: boolean;
  quiet?: boolean;
  full?: boolean;
  performance?: boolean;
  /** `--no-cache` sets it false. */
  cache?: boolean;
  cacheDir?: string;
  from?: string;
  /** `--workspace <name>`, once or more. */
  workspace?: string | string[];
  changed?: string;
  tests?: boolean;
  confirm?: boolean;
  batch?: boolean;
  /** `--since <ref>`: only what the branch changed since it left `ref`. */
  since?: string;
  /** `--staged`: only what is staged for the next commit. */
  staged?: boolean;
  /** `--capability <id|glob>`, once or more. */
  capability?: string | string[];
  /** `--base <ref>`: the markdown report gains the spec diff since the ref. */
  base?: string;
}

const KIND_HELP = KIND_NAMES.filter((k) => KINDS[k].static || (KINDS[k] as KindInfo).plugin)
  .map((k) => {
    const info = KINDS[k] as KindInfo;
    return `  ${k.padEnd(22)} ${info.category.padEnd(12)} ${info.level.padEnd(6)} ${info.meaning}${info.plugin ? ' (Vitest plugin, after a run)' : ''}`;
  })
  .join('\n');

/** Every kind, for `sdna explain` without one: those of the semantic check too. */
const KIND_LIST = KIND_NAMES.map((k) => `  ${k.padEnd(22)} ${KINDS[k].meaning}`).join('\n');

/** `sdna explain <kind>`: a kind the table has, or exit 2 with the nearest name. */
function knownKind(name: string) {
  if (isKind(name)) return name;
  // `untested` means untested-capability: a part of a name is as good a hint as a typo.
  const meant = closest(name, KIND_NAMES) ?? (name.length >= 4 ? KIND_NAMES.find((k) => k.includes(name)) : undefined);
  throw new SdnaError(`unknown finding kind "${name}" (${meant ? `did you mean \`sdna explain ${meant}\`? ` : ''}run sdna explain to list them)`);
}

const CONFIG_HELP = `Config (optional): sdna.config.{ts,mts,js,mjs,json} or "sdna" in package.json
  specs      globs of spec files             default ${JSON.stringify(DEFAULTS.specs)}
             ({ "path": <glob>, "targets": [<globs>] } also gives those specs targets)
  include    globs of source files in scope  default ${JSON.stringify(DEFAULTS.include)}
  exclude    globs left out of the scope     default: tests, *.d.ts, __mocks__, fixtures
  tests      globs of test files             default: Vitest's ${JSON.stringify(DEFAULTS.tests)}
  rules      { "<kind>": "error" | "warn" | "off" }
  overrides  [{ "capabilities": [<globs of capability or spec ids>], "rules": { … } }]: levels for some only
  root       project root, relative to the config file
  A glob that starts with ! takes files back out (specs, include, exclude).`;

const EXIT_HELP = `Exit codes:
  0  no finding at level "error"
  1  the gate failed: at least one finding at level "error"
  2  sdna could not run (bad config, unreadable root); one line on stderr`;

/** For every command but `plan` (and `import`, which has its own): they have no gate. */
const DONE_HELP = `Exit codes:
  0  done
  2  sdna could not run (bad config, unreadable root, a file it cannot write); one line on stderr`;

const EXPLAIN_EXIT_HELP = `Exit codes:
  0  done
  2  sdna could not run: an unknown kind (the nearest one is named); one line on stderr`;

const GLOBAL_EXIT_HELP = `Exit codes:
  0  done (sdna plan: no finding at level "error")
  1  sdna plan: the gate failed
  2  sdna could not run; one line on stderr`;

const IMPORT_HELP = `Evidence (each proposal shows its strongest):
  ids      the test's name, tags or a comment cites the capability's id, FR-001, or Kiro's "Requirements 2.3"
  names    words the test shares with the promise (BM25), code names the promise quotes and the test uses
  paths    files the spec, its tasks.md, design.md or plan.md names (targets)
  imports  source files the capability's tests import (targets)
  model    with --semantic: Claude read the test's body beside the promise and confirmed the link
           (the candidates are each capability's best proposals and, for one nothing links yet, tests
           near its spec: in files linked to its siblings or importing its targets); a link it
           rejects falls below the default --min-confidence
Records: .sdna/links.json, sorted, one entry per line; sdna plan and the Vitest plugin count them
  (marked "inferred"). Format: docs/import-format.md

Exit codes:
  0  proposals shown (and, with --write, recorded)
  2  sdna could not run (bad config, a bad entry in .sdna/links.json with --write); one line on stderr`;

function colorWanted(): boolean {
  return Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

/** The reporters `--reporter` (repeatable) and `--json` ask for; at most one prints to stdout. */
function reportRequests(flags: PlanFlags): ReportRequest[] {
  const given = flags.reporter === undefined ? [] : Array.isArray(flags.reporter) ? flags.reporter : [flags.reporter];
  const requests = given.map((r) => parseReporterArg(String(r)));
  if (flags.json) {
    const other = requests.find((r) => r.file === undefined && r.name !== 'json');
    if (other) throw new SdnaError(`--json and --reporter ${other.name} disagree: pick one`);
    // --quiet shortens the terminal plan; the JSON plan always holds every finding.
    if (flags.quiet) throw new SdnaError('--json and --quiet disagree: the JSON plan always lists every finding; drop --quiet (it shortens the terminal plan only)');
    if (!requests.some((r) => r.file === undefined)) requests.push({ name: 'json' });
  }
  const printing = requests.filter((r) => r.file === undefined);
  if (printing.length > 1) {
    throw new SdnaError(
      `--reporter ${printing.map((r) => r.name).join(' and ')} would both print to stdout: give all but one a file (--reporter ${printing[1].name}:<file>)`,
    );
  }
  const all = requests.length > 0 ? requests : [{ name: 'terminal' }];
  // `--full` is the terminal reporter's own option.
  return flags.full ? all.map((r) => (r.name === 'terminal' ? { ...r, options: { ...r.options, full: true } } : r)) : all;
}

/** `sdna plan` (scoped to `files` when given), and `sdna report` with the reporters it names instead of the flags'. */
async function runPlan(flags: PlanFlags, files: string[] = [], requests = reportRequests(flags)): Promise<number> {
  if (flags.performance) enablePerformance();
  showProgress(terminalProgress());
  const cwd = process.cwd();
  if (flags.base !== undefined && !requests.some((r) => r.name === 'markdown')) {
    throw new SdnaError('--base adds the spec diff to the markdown report: add --reporter markdown (or markdown:<file>), or drop --base; `sdna diff <ref>` prints the diff alone');
  }
  // A reporter module is loaded (and a bad one refused) first; the built-ins when the plan is made.
  const early = requests.every(isPureReport) ? undefined : await loadReporters(requests, cwd);
  const config = await timedAsync('load config', () => loadConfig(flags.root, flags.config, cwd));
  const wanted = flags.workspace === undefined ? undefined : [flags.workspace].flat().map(String);
  // A workspace root without a config of its own plans each package as the package would.
  const found = config.source === undefined && flags.from === undefined ? await workspacePackages(config.root, wanted) : undefined;
  const packages = found?.packages;
  const workspace = packages !== undefined && packages.length > 0;
  if (wanted && !packages) throw new SdnaError(`--workspace: ${config.root} is not the root of an npm or pnpm workspace without an sdna config of its own (no "workspaces" in package.json, no pnpm-workspace.yaml)`);
  // git lists the files while the change is asked for and the cache loads.
  const listing = flags.from === undefined && !workspace ? listFilesAsync(config.root) : undefined;
  // V8's flags follow the tree's size, set before the checks run: a workspace's is known once its packages are found.
  const treeSize = workspace ? Promise.resolve(found!.files) : listing?.then((l) => l.files.length);
  flagsForTree(treeSize);
  // git answers while the plan reads the specs and claims; a bad ref is still one line, and nothing is printed before it.
  const change = changeOf(flags, files, config.root, cwd, listing);
  const cacheDir = flags.cache === false ? undefined : flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : ParseCache.defaultDir(config.root);
  // A plan scoped to a change leaves the cache as it was (rewriting all of it would cost more than the few files it read): it stores nothing.
  const cache = timed('load cache', () => ParseCache.open(cacheDir, pkg.version, flags.cacheDir ? undefined : config.root, { readOnly: change !== undefined }));
  const model = flags.from === undefined ? undefined : await readInterchange(path.resolve(cwd, flags.from));
  const context: WriteContext = { color: colorWanted(), quiet: Boolean(flags.quiet), cwd, stepSummary: process.env.GITHUB_STEP_SUMMARY };
  // A whole plan of an unchanged tree whose every report was kept: printed as made, the plan neither made nor read.
  const reused = listing && !change && !flags.semantic && flags.base === undefined ? await keptRun(cache, config, listing, requests, context) : undefined;
  const performance = () => {
    const where = cacheDir ? `${path.relative(cwd, cacheDir) || '.'}: ${cache.hits} hits, ${cache.misses} misses` : 'off';
    if (flags.performance) process.stderr.write(performanceReport() + `  parse cache: ${where}\n`);
  };
  if (reused) {
    for (const { text } of reused.printed) print(text);
    performance();
    return reused.failed ? 1 : 0;
  }
  // The plan is made for the change, unless the spec diff (--base) or a workspace's merge needs the whole plan first.
  const madeForChange = change !== undefined && flags.base === undefined && !workspace;
  const { createPlan } = await import('../plan.js');
  let plan = await timedAsync('plan', () =>
    workspace
      ? createWorkspacePlan(wanted ? undefined : config, config.root, packages, { cache })
      : createPlan(config, { cache, model, listing, ...(madeForChange && { changed: change.files, by: change.by }) }),
  );
  // The spec diff sees the whole plan (a capability removed from a spec the change no longer has), then the scope narrows it.
  if (flags.base !== undefined) {
    if (workspace) throw new SdnaError('--base does not compare the packages of a workspace yet: give --root <package>, or run `sdna diff <ref>` at the root');
    const { specDiffFor } = await import('./diff.js');
    const whole = plan;
    plan = { ...plan, specDiff: await timedAsync('spec diff', () => specDiffFor(config, whole, String(flags.base), `--base ${flags.base}`)) };
  }
  if (change && !madeForChange) {
    const [{ scopeToChange }, { levels }] = await Promise.all([import('../change-scope.js'), import('../model/levels.js')]);
    plan = scopeToChange(plan, await change.files, change.by, levels(config.rules, config.overrides), config.source);
  }
  refuseWithoutSemantic(flags, ['model', 'maxCost', 'concurrency', 'timeout', 'changed', 'tests', 'confirm', 'batch', 'capability']);
  if (flags.semantic) plan = await timedAsync('semantic', () => semantic(plan, config, flags, cacheDir, cache));
  await makeRoomForReports(treeSize);
  // What the built-in reporters make of a plan that was kept is kept with it (see `keptRun`).
  const made: [string, string][] = [];
  const making = (early ?? (await loadReporters(requests, cwd))).map((r) =>
    isPureReport(r.request) ? { ...r, reporter: (p: Plan, o: ReporterOptions) => remember(made, askedOf(r.request.name, o), r.reporter(p, o)) } : r,
  );
  let printed: { text: string }[];
  try {
    printed = timed('report', () => writeReports(plan, making, context));
    const tag = memoOf(plan);
    if (tag) keepReports(cache, tag, plan.failed, made);
  } finally {
    if (cache.keeps) timed('save cache', () => cache.save());
  }
  for (const { text } of printed) print(text);
  performance();
  return plan.failed ? 1 : 0;
}

/**
 * The reports of the whole plan of an unchanged tree, as made when that plan
 * was kept, if every one asked for is a built-in's and was kept: the tree is
 * listed and stamped as for the plan kept, and nothing else is read.
 */
async function keptRun(cache: ParseCache, config: ResolvedConfig, listing: Promise<FileList>, requests: ReportRequest[], context: WriteContext) {
  if (!cache.enabled || !requests.every(isPureReport)) return undefined;
  const files = await timedAsync('list files', () => listing);
  cache.markListed(config.root, files);
  const key = timed('stamps', () => memoKey(cache, config, files, false));
  const asked = requests.map((r) => askedOf(r.name, reporterOptions(r, context)));
  const kept = key === undefined ? undefined : timed('kept reports', () => keptReports(cache, config.root, key, asked));
  return kept && { failed: kept.failed, printed: requests.flatMap((r, i) => writeReport(r, kept.texts[i], context)) };
}

const remember = (made: [string, string][], asked: string, text: string) => {
  made.push([asked, text]);
  return text;
};

/**
 * The change a plan is scoped to: `--since <ref>` (with the untracked files:
 * they belong to the branch), `--staged`, or files (as a hook passes them);
 * undefined for the whole project. The files come as git answers.
 */
function changeOf(flags: PlanFlags, files: string[], root: string, cwd: string, listing: Promise<FileList> | undefined): { files: Promise<Set<string>>; by: string } | undefined {
  const ways = [flags.since !== undefined && '--since', flags.staged && '--staged', files.length > 0 && 'file arguments'].filter(Boolean);
  if (ways.length > 1) throw new SdnaError(`${ways.join(' and ')} each choose what to plan: give one of them`);
  const asked = (promise: Promise<Set<string>>) => {
    const timed = timedAsync('ask git what changed', () => promise);
    // Awaited later (by the plan, once it needs the change): a failure before then is not an unhandled one.
    timed.catch(() => undefined);
    return timed;
  };
  if (flags.since !== undefined) {
    const since = async () => {
      // The listing's diff-files tells which tracked files to compare with the base in the work tree: the rest are compared in the index.
      // A listing that fails says nothing (the plan reports its failure): the whole work tree is compared then.
      const dirty = listing?.then((l) => l.dirty, () => undefined);
      const changed = await changedFromMergeBase(root, String(flags.since), '--since', dirty);
      // git's listing knows the untracked files a branch adds: no second walk of the tree for them.
      for (const f of (listing && (await listing).untracked) ?? untrackedFiles(root, '--since')) changed.add(f);
      return changed;
    };
    return { files: asked(since()), by: `--since ${String(flags.since)}` };
  }
  if (flags.staged) return { files: asked(stagedFiles(root)), by: '--staged' };
  if (files.length === 0) return undefined;
  // As lint-staged passes them: absolute, or from the current folder; files of other packages are not this project's.
  const inRoot = files.map((f) => path.relative(root, path.resolve(cwd, String(f)))).filter((f) => f !== '' && !f.startsWith('..') && !path.isAbsolute(f));
  return { files: Promise.resolve(new Set(inRoot.map((f) => f.split(path.sep).join('/')))), by: plural(files.length, 'file') };
}

/** `--semantic`: the model's verdicts join the plan, gated at the same levels. Without a key, the static plan stands. */
async function semantic(plan: Plan, config: ResolvedConfig, flags: PlanFlags, cacheDir: string | undefined, parseCache: ParseCache): Promise<Plan> {
  const capabilities = flags.capability === undefined ? undefined : [flags.capability].flat().map(String);
  for (const pattern of capabilities ?? []) {
    const ids = plan.capabilities.map((c) => c.id);
    const match = picomatch(pattern);
    if (ids.some((id) => match(id))) continue;
    const near = closest(pattern, ids);
    throw new SdnaError(`--capability ${pattern}: no capability has that id${near ? ` (did you mean ${near}?)` : ''}; ids are spec/capability, as \`sdna plan --json\` lists them, and globs such as "payments/*" work`);
  }
  if (flags.confirm && !cacheDir) {
    throw new SdnaError(flags.cache === false ? '--confirm writes its tests under the cache folder: drop --no-cache, or give --cache-dir' : `--confirm runs the project's Vitest, and ${config.root} has no node_modules: install the project's dependencies first`);
  }
  if (flags.batch && flags.confirm) throw new SdnaError('--batch and --confirm do not go together yet: collect the verdicts with --batch, then run --semantic --confirm (the verdicts are cached, so only the confirming requests are sent)');
  if (flags.batch && !cacheDir) {
    throw new SdnaError(flags.cache === false ? '--batch keeps the batches it sent in the cache folder: drop --no-cache, or give --cache-dir' : `--batch keeps the batches it sent in the cache folder, and ${config.root} has no node_modules: give --cache-dir`);
  }
  const options = requestOptions(flags, 'semantic check', 'the static plan follows');
  if (!options) return plan;
  const { checkSemantic } = await import('../checks/semantic/index.js');
  const { findings, report } = await checkSemantic(plan, {
    ...options,
    cacheDir,
    cacheWithin: flags.cacheDir ? undefined : config.root,
    parseCache,
    changed: flags.changed === undefined ? undefined : changedSince(config.root, String(flags.changed)),
    capabilities,
    tests: flags.tests === true,
    confirm: flags.confirm === true,
    batch: flags.batch === true,
  });
  const [{ withFindings }, { levels }] = await Promise.all([import('../statuses.js'), import('../model/levels.js')]);
  return { ...withFindings(plan, levels(config.rules, config.overrides), findings), semantic: report };
}

async function readInterchange(file: string) {
  const { parseInterchange } = await import('../artifacts/interchange.js');
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readNamedFile(file, 'model', shown);
  } catch (error) {
    if (error instanceof SdnaError) throw new SdnaError(`${error.message} (pass the file \`sdna export --out\` wrote)`);
    throw error;
  }
  return parseInterchange(text, shown);
}

/** `sdna report --html`: the static plan as a page in `<out>/index.html`. It has no gate: `sdna plan` is the gate. */
async function runReport(flags: { root?: string; config?: string; html?: boolean; out?: string }): Promise<void> {
  if (!flags.html) throw new SdnaError('name the report to write: sdna report --html (the only kind so far)');
  const file = path.join(flags.out ?? 'sdna-report', 'index.html');
  await runPlan({ root: flags.root, config: flags.config }, [], [{ name: 'html', file }]);
  process.stdout.write(`sdna: wrote ${file}\n`);
}

async function runBaseline(flags: { root?: string; config?: string; prune?: boolean }): Promise<void> {
  const config = await loadConfig(flags.root, flags.config);
  // A baseline that cannot be read stops here: it is never overwritten silently.
  const before = readBaseline(config.root);
  if (flags.prune && !before) {
    process.stdout.write(`sdna: no ${BASELINE_FILE} to prune; run \`sdna baseline\` to write one\n`);
    return;
  }
  const cache = ParseCache.open(ParseCache.defaultDir(config.root), pkg.version, config.root);
  const { createPlan } = await import('../plan.js');
  const plan = await createPlan(config, { cache, ignoreBaseline: true });
  cache.save();
  const now = new Map(plan.findings.map((f) => [f.fingerprint, baselineEntry(f)]));
  if (flags.prune) {
    const kept = [...before!.values()].filter((e) => now.has(e.fingerprint));
    writeBaseline(config.root, kept);
    process.stdout.write(`sdna: dropped ${plural(before!.size - kept.length, 'gone finding')} from ${BASELINE_FILE}; ${kept.length} remain\n`);
    return;
  }
  writeBaseline(config.root, now.values());
  const added = [...now.keys()].filter((k) => !before?.has(k)).length;
  const dropped = before ? [...before.keys()].filter((k) => !now.has(k)).length : 0;
  process.stdout.write(
    `sdna: recorded ${plural(now.size, 'finding')} in ${BASELINE_FILE}${before ? ` (${added} new, ${dropped} gone)` : ''}; \`sdna plan\` and the Vitest plugin now fail only on findings not in it\n`,
  );
}

async function runExport(flags: { root?: string; config?: string; out?: string }): Promise<void> {
  const { toInterchange } = await import('../artifacts/interchange.js');
  const config = await loadConfig(flags.root, flags.config);
  const { files } = listFiles(config.root);
  const { readModel } = await import('../read-model.js');
  const model = await readModel(config, files);
  const text = JSON.stringify(toInterchange(model, config.root), null, 2) + '\n';
  if (flags.out === undefined) {
    print(text);
    return;
  }
  const out = path.resolve(process.cwd(), flags.out);
  writeFileAtomic(out, text, { createDir: false });
  const caps = model.specs.reduce((n, s) => n + s.capabilities.length, 0);
  process.stderr.write(`sdna: exported ${plural(model.specs.length, 'spec')} (${plural(caps, 'capability', 'capabilities')}, ${plural(model.problems.length, 'problem')}) to ${path.relative(process.cwd(), out) || out}\n`);
}

async function runInit(root: string, force: boolean): Promise<void> {
  const { initProject, CONFIG_FILE } = await import('../init.js');
  checkRoot(root);
  const r = await initProject(root, force);
  const formats = FORMATS.filter((f) => r.found[f]).map((f) => plural(r.found[f]!, ...READERS[f].names));
  const where = path.relative(process.cwd(), path.join(root, CONFIG_FILE)) || CONFIG_FILE;
  const lines = [
    formats.length ? `sdna: found ${formats.join(', ')}` : 'sdna: found no specs yet; the config reads Tessl `*.spec.md` files',
    `sdna: ${r.replaced ? 'replaced' : 'wrote'} ${where}`,
  ];
  if (r.inferred.length > 0) {
    const n = r.inferred.length;
    lines.push(`sdna: ${plural(n, 'spec gets', 'specs get')} the source files ${numbered(n, 'its', 'their')} tasks.md, design.md or plan.md name as targets; review them in ${CONFIG_FILE}:`);
    for (const { file, targets } of r.inferred) lines.push(`  ${file}: ${targets.join(', ')}`);
  }
  if (r.untargeted.length > 0) {
    const n = r.untargeted.length;
    lines.push(`sdna: ${plural(n, 'spec names', 'specs name')} no code; fill in "targets" for ${numbered(n, 'it', 'them')} in ${CONFIG_FILE}:`);
    for (const f of r.untargeted) lines.push(`  ${f}`);
  }
  if (r.pluginAdded) lines.push('', `${r.vitestConfig} already uses the plugin.`, '', 'Run `npx sdna plan` (or `npx vitest`).');
  else lines.push(
    '',
    `Add the plugin to ${r.vitestConfig ?? 'vitest.config.ts'}:`,
    '',
    "  import { sdna } from 'sdna/vitest';",
    '  export default defineConfig({ plugins: [sdna()] });',
    '',
    'Then run `npx sdna plan` (or `npx vitest`).',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/** The options every command that reads a project takes. */
const ROOT_OPTION = ['--root <dir>', 'Project root (default: the current folder)'] as const;
const CONFIG_OPTION = ['--config <file>', 'Config file (default: sdna.config.{ts,mts,js,mjs,json} or "sdna" in package.json)'] as const;
/** The options of the model's requests, which `plan` and `import` take with --semantic. */
const MODEL_OPTION = ['--model <id>', `With --semantic: the model (default: ${DEFAULT_MODEL})`] as const;
const MAX_COST_OPTION = ['--max-cost <usd>', 'With --semantic: send no request that would take the run past this estimated cost'] as const;
const CONCURRENCY_OPTION = ['--concurrency <n>', `With --semantic: requests in flight at once (default: ${DEFAULT_CONCURRENCY})`] as const;
const TIMEOUT_OPTION = ['--timeout <seconds>', "With --semantic: per request, after the SDK's own retries (default: 120)"] as const;

function main(argv: string[]): void {
  const cli = cac('sdna');
  cli
    .command('plan [...files]', 'Compare specs, code and tests without running tests; exit 1 when the gate fails. With files (as lint-staged passes them), --since or --staged: only the specs the change touches')
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--reporter <name[:file]>', `Output: ${BUILTIN_REPORTERS.join(', ')}, or a path to a module (default: terminal); repeatable, each to stdout or to its :file`)
    .option('--json', 'Print the JSON plan (same as --reporter json)')
    .option('--quiet', 'Print only findings at level "error" and the closing line')
    .option('--full', 'Print every finding and every spec (default: at most 8 of each kind, 20 specs, then "… and N more")')
    .option('--performance', 'Print the time each phase took to stderr')
    .option('--cache-dir <dir>', 'Where parse results are cached (default: node_modules/.cache/sdna, when node_modules exists)')
    .option('--cache', 'Read and write the parse cache (--no-cache: neither)', { default: true })
    .option('--from <file>', 'Plan from an interchange file (`sdna export`) instead of reading the spec files')
    .option('--workspace <name>', 'In an npm or pnpm workspace: plan only this package (its name or folder); repeatable. Without it, every package')
    .option('--since <ref>', 'Plan only the specs a branch changed since it left <ref> (from their merge base, committed or not): changed specs, and specs whose targets or linked tests changed')
    .option('--staged', 'Plan only the specs that the files staged for the next commit touch (for a pre-commit hook)')
    .option('--base <ref>', 'With --reporter markdown: add the spec diff since this git ref (from its merge base with HEAD)')
    .option('--semantic', 'Also ask Claude whether the code keeps each capability\'s promise (needs ANTHROPIC_API_KEY; verdicts are cached)')
    .option(...MODEL_OPTION)
    .option(...MAX_COST_OPTION)
    .option(...CONCURRENCY_OPTION)
    .option(...TIMEOUT_OPTION)
    .option('--changed <ref>', 'With --semantic: check only capabilities whose spec, tests (and what they import) or targets changed since this git ref')
    .option('--capability <id>', 'With --semantic: check only this capability (an id or a glob such as "payments/*"); repeatable')
    .option('--tests', 'With --semantic: also ask whether each linked test asserts what its capability promises (weak-test findings)')
    .option('--confirm', 'With --semantic: keep a "breaks" verdict only if a test the model writes (under the cache folder) fails on an assertion when the project\'s Vitest runs it; runs code the model wrote')
    .option('--batch', 'With --semantic: send the requests through the Message Batches API (half the price, answers within 24 hours); run the same command again to collect them')
    .example('  $ sdna plan')
    .example('  $ sdna plan --root fixtures/demo')
    .example('  $ sdna plan --json > plan.json')
    .example('  $ sdna plan --reporter terminal --reporter json:reports/sdna-plan.json')
    .example('  $ sdna plan --quiet --staged   # in a pre-commit hook')
    .example('  $ sdna plan --since origin/main   # in CI, what the pull request changes')
    .example('  $ sdna plan src/cart.ts specs/cart.spec.md   # these files, as lint-staged passes them')
    .example('  $ sdna plan --workspace @acme/api   # one package of a workspace')
    .example('  $ sdna plan --semantic --changed origin/main --max-cost 2   # in CI, on what a pull request changed')
    .example('  $ sdna plan --reporter markdown:sdna.md --base origin/main   # a pull-request comment')
    .example('  $ sdna plan --semantic --batch   # nightly: collects the last run\'s batch, sends what changed since')
    .action(async (files: string[], flags: PlanFlags) => {
      exitWhenFlushed(await runPlan(flags, files));
    });
  cli
    .command('report', 'Write a spec-coverage report of the static plan (--html: one self-contained page)')
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--html', 'Write <out>/index.html: per spec a bar of capability statuses and a drill-down, filters, the drift list; no network')
    .option('--out <dir>', 'The folder to write it in (default: sdna-report)')
    .example('  $ sdna report --html --out public/sdna')
    .action(async (flags: { root?: string; config?: string; html?: boolean; out?: string }) => {
      await runReport(flags);
    });
  cli
    .command('diff <ref>', 'Show what the change since a git ref does to the specs: capabilities added, removed, renamed and changed')
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--json', 'Print the spec diff as versioned JSON (docs/diff-format.md)')
    .example('  $ sdna diff main          # this branch against main, from their merge base')
    .example('  $ sdna diff origin/main --json')
    .action(async (ref: string, flags: DiffFlags) => {
      const { runDiff } = await import('./diff.js');
      await runDiff(String(ref), flags);
    });
  cli
    .command('accept [...files]', `Record the hash of generated files (after a generator ran) in ${STATE_FILE}`)
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .example('  $ sdna accept                    # every generated file; rebuilds the record')
    .example('  $ sdna accept src/api/client.ts  # just this one, after regenerating it')
    .action(async (files: string[], flags: { root?: string; config?: string }) => {
      const { acceptGenerated } = await import('../accept.js');
      const config = await loadConfig(flags.root, flags.config);
      const r = await acceptGenerated(config, files, process.cwd());
      const lines = [`sdna: recorded ${plural(r.recorded.length, 'generated file')} in ${STATE_FILE}`];
      for (const f of r.recorded) lines.push(`  + ${f}`);
      for (const f of r.dropped) lines.push(`  - ${f} (gone)`);
      if (r.stamped.length > 0) lines.push(`  (${plural(r.stamped.length, 'carries its', 'carry their')} own stamp: ${r.stamped.join(', ')})`);
      process.stdout.write(lines.join('\n') + '\n');
    });
  cli
    .command('baseline', `Record today's findings in ${BASELINE_FILE}: the gate then fails only on new ones`)
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--prune', 'Only drop the baselined findings that are gone; add none')
    .example('  $ sdna baseline          # adopt sdna on an existing repository; commit the file')
    .example('  $ sdna baseline --prune  # after fixing baselined findings')
    .action(async (flags: { root?: string; config?: string; prune?: boolean }) => {
      await runBaseline(flags);
    });
  cli
    .command('import', 'Infer test links and targets from what the repository has; --write records them in .sdna/links.json')
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--json', 'Print every proposal as versioned JSON (docs/import-format.md)')
    .option('--write', 'Record the proposals at or above --min-confidence in .sdna/links.json (adds; never removes)')
    .option('--min-confidence <n>', `The least confidence (0-1) to show as recommended and to record (default: ${DEFAULT_MIN_CONFIDENCE}, measured; see README)`)
    .option('--full', 'Show every proposal (default: the best 8 links and targets of each spec)')
    .option('--semantic', `Also ask Claude which of each capability's ${SHORTLIST_SIZE} best candidate tests verify it, from their bodies, weak candidates included (needs ANTHROPIC_API_KEY; answers are cached)`)
    .option(...MODEL_OPTION)
    .option(...MAX_COST_OPTION)
    .option(...CONCURRENCY_OPTION)
    .option(...TIMEOUT_OPTION)
    .option('--performance', 'Print the time each phase took to stderr')
    .example('  $ sdna import                  # what sdna would link; writes nothing')
    .example('  $ sdna import --write          # record it; review .sdna/links.json in the pull request')
    .example('  $ sdna import --json > proposals.json   # every proposal, whatever its confidence')
    .example('  $ sdna import --semantic --max-cost 1   # links the words miss, confirmed by Claude')
    .action(async (flags: ImportFlags) => {
      const { runImport } = await import('./import.js');
      await runImport(flags, colorWanted());
    });
  cli
    .command('export', 'Write the model of every spec (all formats) as versioned JSON (docs/interchange.md)')
    .option(...ROOT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--out <file>', 'Write it to this file (atomically) instead of stdout')
    .example('  $ sdna export --out specs.json')
    .example('  $ sdna plan --from specs.json   # the same plan, from the file')
    .action(async (flags: { root?: string; config?: string; out?: string }) => {
      await runExport(flags);
    });
  cli
    .command('init', 'Write a starter sdna.config.json for the spec formats this project uses')
    .option(...ROOT_OPTION)
    .option('--force', 'Replace an existing sdna.config.json')
    .example('  $ sdna init')
    .action(async (flags: { root?: string; force?: boolean }) => {
      await runInit(path.resolve(flags.root ?? process.cwd()), Boolean(flags.force));
    });
  cli
    .command('explain [kind]', 'What a finding kind means, an example and how to fix it; without a kind, every kind')
    .example('  $ sdna explain untested-capability')
    .action((kind: string | undefined) => {
      process.stdout.write(kind === undefined ? `${KIND_LIST}\n\nRun \`sdna explain <kind>\` for one kind's example and fix.\n` : explainKind(knownKind(String(kind))));
    });
  cli.help((sections: { title?: string; body: string }[]) => {
    const isPlan = argv.includes('plan');
    if (argv.includes('import')) {
      sections.push({ body: IMPORT_HELP });
      return sections;
    }
    const command = ['plan', 'report', 'diff', 'accept', 'baseline', 'export', 'init', 'explain'].find((c) => argv.includes(c));
    sections.push({ body: command === undefined ? GLOBAL_EXIT_HELP : isPlan ? EXIT_HELP : command === 'explain' ? EXPLAIN_EXIT_HELP : DONE_HELP });
    if (isPlan) {
      sections.push({ title: 'Finding kinds (kind, category, default level, meaning)', body: KIND_HELP });
      sections.push({ body: CONFIG_HELP });
    }
    else sections.push({ body: 'Docs: README.md; the JSON plan: docs/plan-format.md' });
    return sections;
  });
  cli.version(pkg.version);

  cli.on('command:*', () => {
    const meant = closest(String(cli.args[0]), cli.commands.map((c) => c.name.split(' ')[0]).filter(Boolean));
    throw new SdnaError(`unknown command "${cli.args.join(' ')}" (${meant ? `did you mean \`sdna ${meant}\`? ` : ''}run sdna --help)`);
  });

  const parsed = cacCall(() => cli.parse(['node', 'sdna', ...argv], { run: false }));
  if (parsed.options.help || parsed.options.version) return;
  if (!cli.matchedCommand) {
    if (cli.args.length === 0) {
      cli.outputHelp();
      return;
    }
  }
  // Options a command does not know are errors, not silently ignored.
  cacCall(() => {
    try {
      cli.matchedCommand?.checkUnknownOptions();
    } catch (error) {
      const name = /`(--?[^`]+)`/.exec((error as Error).message)?.[1];
      const known = [...(cli.matchedCommand?.options ?? []), ...cli.globalCommand.options].flatMap((o) => o.names.map((n) => (n.length === 1 ? `-${n}` : `--${kebab(n)}`)));
      const meant = name === undefined ? undefined : closest(name, known);
      throw new SdnaError(`${(error as Error).message}${meant ? ` (did you mean ${meant}?)` : ''}; run sdna ${cli.matchedCommand?.name.split(' ')[0] ?? ''} --help`.replace('  ', ' '));
    }
  });
  checkValues(parsed.options, argv);
  const result = cacCall(() => cli.runMatchedCommand());
  if (result && typeof (result as Promise<unknown>).catch === 'function') (result as Promise<unknown>).catch(fail);
}

/**
 * Options that take a path: given once, not empty (`--root ""` would silently
 * mean the current folder), and kept as written (cac turns `--root 0` and
 * `--root ""` into numbers).
 */
function checkValues(options: Record<string, unknown>, argv: string[]): void {
  for (const name of ['root', 'config', 'out', 'from', 'cacheDir', 'changed', 'model', 'since', 'base']) {
    const value = options[name];
    if (value === undefined) continue;
    const flag = `--${kebab(name)}`;
    if (Array.isArray(value)) throw new SdnaError(`${flag} is given ${value.length} times: give it once`);
    const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    const raw = at === -1 ? String(value) : argv[at] === flag ? argv[at + 1] : argv[at].slice(flag.length + 1);
    if (raw === undefined || raw === '' || value === true) throw new SdnaError(`${flag} needs a value (got ${raw === '' ? 'an empty one' : 'none'})`);
    options[name] = raw;
  }
}

/** cac reports usage errors (unknown option, missing value) by throwing: they are the user's, not bugs. */
function cacCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw error instanceof Error && !(error instanceof SdnaError) ? new SdnaError(error.message) : error;
  }
}

function fail(error: unknown): void {
  if (error instanceof SdnaError) {
    process.stderr.write(`sdna: ${error.message}\n`);
  } else {
    // Not an error sdna knows: show everything, it is a bug to report.
    process.stderr.write(`sdna: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.stderr.write(`sdna: this is a bug in sdna ${pkg.version}; please report it with the lines above\n`);
  }
  process.exitCode = 2;
}

// A reader that stops early (`sdna plan | head`) is not an error of sdna's.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

/**
 * Ends the process with `code` once what it printed is flushed: a plan has
 * awaited all its work by then, and Node's teardown of the heap it leaves
 * (which a natural exit waits for) is 2 % of a pre-commit plan of 2,000 files.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength === 0) flushed();
    else stream.once('drain', flushed);
  }
}

/** Runs the command line; its launcher (./launch.ts) calls this with its own `import()` to lend. */
export function start(importer: (specifier: string) => Promise<unknown>): void {
  lendImport(importer);
  try {
    main(process.argv.slice(2));
  } catch (error) {
    fail(error);
  }
}
