// One sdna session per Vitest instance: the config, the static plan (re-planned
// on every run in watch mode, re-reading only changed specs), the tags declared
// for capabilities, and where plans are written.

import path from 'node:path';
import type { TestProject, Vitest } from 'vitest/node';
import { resolveConfig, type ResolvedConfig, type UserConfig } from '../config.js';
import type { Plan } from '../model/model.js';
import { createPlan } from '../plan.js';
import type { SpecCache } from '../formats/read-model.js';
import { ParseCache } from '../artifacts/cache.js';
import { companionsOf } from '../formats/readers.js';
import pkg from '../../package.json' with { type: 'json' };
import { globSet } from '../util/globs.js';
import { writeFileAtomic } from '../util/files.js';
import { loadReporter, type Reporter } from '../../reporters/index.js';
import { applyRun, type RunResult } from './outcomes.js';
import type { CoverageData } from './coverage.js';
import { tagOf } from '../model/tags.js';

export interface PluginOutput {
  /** Built-in reporter names or module paths; default `['terminal']`. */
  reporters?: string[];
  /** Where a reporter writes instead of the console: one path, or one per reporter name. */
  outputFile?: string | Record<string, string>;
}

export class Session {
  config!: ResolvedConfig;
  plan!: Plan;
  /** The last run's outcome, so that a spec edit alone can re-plan. */
  lastRun?: RunResult;
  lastCoverage?: CoverageData;
  private readonly specCache: SpecCache = new Map();
  private cache?: ParseCache;
  private reporters: { name: string; reporter: Reporter }[] = [];
  private isSpec: (file: string) => boolean = () => false;

  constructor(
    readonly vitest: Vitest,
    private readonly fileConfig: { raw: unknown; file?: string },
    private readonly options: UserConfig & PluginOutput,
  ) {}

  async load(): Promise<void> {
    const { reporters, outputFile: _outputFile, ...overrides } = this.options;
    const fromFile = (this.fileConfig.raw ?? {}) as UserConfig;
    // Options win key by key; `rules` merge kind by kind.
    const merged = { ...fromFile, ...overrides, rules: { ...fromFile.rules, ...overrides.rules } };
    this.config = resolveConfig(merged, this.fileConfig.file, this.vitest.config.root);
    this.isSpec = globSet(this.config.specs).test;
    this.reporters = await Promise.all(
      (reporters ?? ['terminal']).map(async (name) => ({ name, reporter: await loadReporter(name, this.config.root) })),
    );
    await this.replan();
  }

  /**
   * Re-plans statically; unchanged specs come from the cache. A capability
   * added since start-up gets its tag now (Vitest serialises project config
   * for every run, so the next run knows it).
   */
  async replan(): Promise<Plan> {
    // The parse cache the CLI uses: API comparisons and test names carry over between runs.
    this.cache ??= ParseCache.open(ParseCache.defaultDir(this.config.root), pkg.version);
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
    const tags = (project.config.tags ??= []);
    const known = new Set(tags.map((t) => t.name));
    for (const cap of this.plan.capabilities) {
      const name = tagOf(cap.id);
      if (known.has(name)) continue;
      known.add(name);
      tags.push({ name, description: `${cap.name} (${cap.file}:${cap.line})` });
    }
  }

  runPlan(run: RunResult, coverage?: CoverageData): Plan {
    this.lastRun = run;
    this.lastCoverage = coverage;
    return applyRun(this.plan, run, this.config.rules, coverage);
  }

  /** Prints or writes the plan with every configured reporter. */
  output(plan: Plan): void {
    const color = Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env);
    for (const { name, reporter } of this.reporters) {
      const file = typeof this.options.outputFile === 'string' && name !== 'terminal' ? this.options.outputFile : (this.options.outputFile as Record<string, string> | undefined)?.[name];
      const text = reporter(plan, { color: color && !file, quiet: false });
      if (file) writeFileAtomic(path.resolve(this.config.root, file), text);
      else this.vitest.logger.log(text.replace(/\n$/, ''));
    }
  }
}
