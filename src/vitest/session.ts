// One sdna session per Vitest instance: the config, the static plan (re-planned
// on every run in watch mode, re-reading only changed specs), the tags declared
// for capabilities, and where plans are written.

import path from 'node:path';
import type { TestProject, Vitest } from 'vitest/node';
import { resolveConfig, type ResolvedConfig, type UserConfig } from '../config.js';
import type { Plan } from '../model/model.js';
import { createPlan } from '../plan.js';
import type { SpecCache } from '../read-model.js';
import { changedSince } from '../util/git.js';
import { ParseCache } from '../artifacts/cache.js';
import { companionsOf } from '../formats/readers.js';
import pkg from '../../package.json' with { type: 'json' };
import { globSet } from '../util/globs.js';
import { loadReporters, parseReporterArg, writeReports, type LoadedReporter, type ReportRequest } from '../../reporters/index.js';
import { applyRun, type RunResult } from './outcomes.js';
import { machineOnStdout } from './machine-stdout.js';
import { levels, type LevelOf } from '../model/levels.js';
import type { CoverageData } from './coverage.js';
import { tagOf } from '../model/tags.js';
import { withFindings } from '../statuses.js';

/** A reporter in the plugin's options: `name`, `name:file`, or `[name, options]` (its own options, and `file`). */
export type PluginReporter = string | [name: string, options: { file?: string; [option: string]: unknown }];

export interface PluginOutput {
  /** Built-in reporter names or module paths, as `sdna plan --reporter` takes them; default `['terminal']`. */
  reporters?: PluginReporter[];
  /** Where a reporter writes instead of the console: one path (for every reporter but `terminal`), or one per reporter name. */
  outputFile?: string | Record<string, string>;
  /**
   * After each run, ask Claude whether the code keeps each capability's promise
   * (`sdna plan --semantic`); needs ANTHROPIC_API_KEY. `maxCost` in USD,
   * `timeout` in seconds; `capabilities`: ids or globs to check; `tests`: also
   * judge the linked tests (`weak-test`); `confirm`: keep a `breaks` only if a
   * test the model writes fails; `changed`: a git ref, as `--changed`.
   */
  semantic?: boolean | { model?: string; maxCost?: number; concurrency?: number; timeout?: number; capabilities?: string[]; tests?: boolean; confirm?: boolean; changed?: string };
}

export class Session {
  config!: ResolvedConfig;
  plan!: Plan;
  /** The last run's outcome, so that a spec edit alone can re-plan. */
  lastRun?: RunResult;
  lastCoverage?: CoverageData;
  private readonly specCache: SpecCache = new Map();
  private cache?: ParseCache;
  private reporters: LoadedReporter[] = [];
  private isSpec: (file: string) => boolean = () => false;
  /** The level of each finding (rules and overrides), compiled once. */
  private levelOf: LevelOf = levels({});

  constructor(
    readonly vitest: Vitest,
    private readonly fileConfig: { raw: unknown; file?: string },
    private readonly options: UserConfig & PluginOutput,
  ) {}

  async load(): Promise<void> {
    const { reporters, outputFile: _outputFile, semantic: _semantic, ...overrides } = this.options;
    const fromFile = (this.fileConfig.raw ?? {}) as UserConfig;
    // Options win key by key; `rules` merge kind by kind.
    const merged = { ...fromFile, ...overrides, rules: { ...fromFile.rules, ...overrides.rules } };
    this.config = resolveConfig(merged, this.fileConfig.file, this.vitest.config.root);
    this.isSpec = globSet(this.config.specs).test;
    this.levelOf = levels(this.config.rules, this.config.overrides);
    this.reporters = await loadReporters((reporters ?? ['terminal']).map((r) => this.request(r)), this.config.root);
    await this.replan();
  }

  /**
   * Re-plans statically; unchanged specs come from the cache. A capability
   * added since start-up gets its tag now (Vitest serialises project config
   * for every run, so the next run knows it).
   */
  async replan(): Promise<Plan> {
    // The parse cache the CLI uses: API comparisons and test names carry over between runs.
    this.cache ??= ParseCache.open(ParseCache.defaultDir(this.config.root), pkg.version, this.config.root);
    this.plan = await createPlan(this.config, { specCache: this.specCache, cache: this.cache });
    this.cache.save();
    for (const project of this.vitest.projects ?? []) this.declareTags(project);
    return this.plan;
  }

  /** Is this absolute path one of the project's spec files, or a file a spec's reader reads beside it (tasks.md)? */
  isSpecFile(file: string): boolean {
    const rel = path.relative(this.config.root, file).split(path.sep).join('/');
    if (rel.startsWith('..')) return false;
    if (this.isSpec(rel)) return true;
    const dir = path.posix.dirname(rel);
    const name = path.posix.basename(rel);
    return (this.plan?.specs ?? []).some((s) => path.posix.dirname(s.file) === dir && companionsOf(s.file).includes(name));
  }

  /** One Vitest tag per capability, so `tags: ['links/create-link']` is checked by `strictTags`. */
  declareTags(project: TestProject): void {
    // Vitest 4.1+ always resolves `tags` to an array; before 4.1 there are no test tags to declare.
    const tags = project.config.tags as typeof project.config.tags | undefined;
    if (!Array.isArray(tags)) return;
    const known = new Set(tags.map((t) => t.name));
    for (const cap of this.plan.capabilities) {
      const name = tagOf(cap.id);
      if (known.has(name)) continue;
      known.add(name);
      tags.push({ name, description: `${cap.name} (${cap.file}:${cap.line})` });
    }
  }

  /** With the `semantic` option: the model's verdicts join the run's plan, gated at the same levels. */
  async withSemantic(plan: Plan): Promise<Plan> {
    const option = this.options.semantic;
    if (!option) return plan;
    if (!process.env.ANTHROPIC_API_KEY) {
      this.vitest.logger.warn('sdna: the semantic check was skipped: ANTHROPIC_API_KEY is not set (export ANTHROPIC_API_KEY=<a key from console.anthropic.com>)');
      return plan;
    }
    const given = option === true ? {} : option;
    const { checkSemantic } = await import('../checks/semantic/index.js');
    const { findings, report } = await checkSemantic(plan, {
      model: given.model,
      maxCost: given.maxCost,
      concurrency: given.concurrency,
      timeoutMs: given.timeout === undefined ? undefined : given.timeout * 1000,
      capabilities: given.capabilities,
      tests: given.tests,
      confirm: given.confirm,
      changed: given.changed === undefined ? undefined : changedSince(this.config.root, given.changed),
      cacheDir: ParseCache.defaultDir(this.config.root),
      cacheWithin: this.config.root,
      parseCache: this.cache,
    });
    this.cache?.save();
    return { ...withFindings(plan, this.levelOf, findings), semantic: report };
  }

  runPlan(run: RunResult, coverage?: CoverageData): Plan {
    this.lastRun = run;
    this.lastCoverage = coverage;
    return applyRun(this.plan, run, this.levelOf, coverage);
  }

  /** A reporter as the options give it; `outputFile` names the file of one that gives none. */
  private request(given: PluginReporter): ReportRequest {
    const [name, own] = typeof given === 'string' ? [given, {}] : given;
    const { file: ownFile, ...options } = own;
    const parsed = parseReporterArg(name);
    const outputFile = this.options.outputFile;
    const fallback = typeof outputFile === 'string' ? (parsed.name === 'terminal' ? undefined : outputFile) : outputFile?.[parsed.name];
    const file = ownFile ?? parsed.file ?? fallback;
    return { name: parsed.name, ...(file !== undefined && { file }), options };
  }

  /**
   * Prints or writes the plan with every configured reporter. Printed to stderr
   * when a Vitest reporter prints JSON, JUnit or TAP to stdout (`--reporter=json`).
   */
  output(plan: Plan): void {
    const toStderr = machineOnStdout(this.vitest);
    const stream = toStderr ? process.stderr : process.stdout;
    const color = Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
    for (const { text } of writeReports(plan, this.reporters, { color, quiet: false, cwd: this.config.root, stepSummary: process.env.GITHUB_STEP_SUMMARY })) {
      if (toStderr) this.vitest.logger.error(text.replace(/\n$/, ''));
      else this.vitest.logger.log(text.replace(/\n$/, ''));
    }
  }
}
