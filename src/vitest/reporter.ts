// The Vitest reporter sdna adds beside the user's own: after every run it maps
// outcomes onto capabilities, prints the plan and raises the exit code when
// the gate fails. It only ever raises `process.exitCode`; it never throws,
// since a throw would end watch mode.

import path from 'node:path';
import { GuardedReader } from '../util/guarded.js';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import { extractTests, type StaticTest } from '../checks/links/test-names.js';
import type { RunResult, RunTest } from './outcomes.js';
import type { Session } from './session.js';
import { CoverageCollector } from './coverage.js';
import { tagClaims, tagsIgnoredNote } from './tags.js';
import type { Plan } from '../model/model.js';
import { plural } from '../util/text.js';

/** `2 untested-capability, 1 api-drift (findings at level "error")`: what failed the gate, by kind. */
export function gateReasons(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const f of plan.findings) if (f.severity === 'error' && !f.baselined) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')} (${plural(total, 'finding')} at level "error")`;
}

export class SdnaReporter implements Reporter {
  private vitest!: Vitest;
  /** Static view of each test file (content-keyed), for lines and written modes. */
  private readonly written = new Map<string, { text: string; tests: Map<string, StaticTest> }>();
  private debounce?: NodeJS.Timeout;

  private coverage!: CoverageCollector;

  constructor(private readonly session: Session) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.coverage = new CoverageCollector(vitest, this.session.config.root);
    if (vitest.config.watch) {
      // A spec edit changes no module Vitest tracks: re-plan on it ourselves.
      const onSpec = (file: string) => {
        if (!this.session.isSpecFile(file) || !this.session.lastRun) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.replanAfterSpecEdit(), 50);
      };
      for (const event of ['change', 'add', 'unlink'] as const) vitest.vite.watcher.on(event, onSpec);
    }
  }

  onTestRunStart(): void {
    // The coverage provider exists by now (null when coverage is off).
    this.coverage.start();
  }

  onCoverage(coverage: unknown): void {
    this.coverage.setMerged(coverage);
  }

  /** Vitest 3.2 only (4.1+ never calls it): the merged coverage, beside `onTestRunEnd`; its `onCoverage` comes after. */
  onFinished(_files: unknown, _errors: unknown, coverage?: unknown): void {
    this.coverage.setMerged(coverage);
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason?: string): Promise<void> {
    // A run the user stopped says nothing about the capabilities.
    if (reason === 'interrupted') return;
    try {
      if (this.vitest.config.watch) await this.session.replan();
      // Read before Vitest removes its temporary coverage files.
      const coverage = await this.coverage.collect().catch(() => undefined);
      const plan = await this.session.withSemantic(this.session.runPlan(this.collect(testModules), coverage));
      this.session.output(plan);
      this.noteIgnoredTags(testModules);
      if (plan.failed) this.failRun(plan);
    } catch (error) {
      // Never throw from here (it would end watch mode); say what went wrong and fail the run.
      this.vitest.logger.error(`sdna: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }

  /**
   * `vitest run` exits 1. In watch mode the exit code shows nothing, so the
   * error also turns Vitest's own summary red ("FAIL Tests failed").
   */
  private failRun(plan: Plan): void {
    process.exitCode = 1;
    // The last line says why, also when every test passed (Vitest's own summary is green then).
    this.vitest.logger.error(`sdna: the run fails on the spec gate: ${gateReasons(plan)}`);
    if (this.vitest.config.watch) {
      this.vitest.state.catchError(new Error('sdna: the spec gate failed; see the plan above'), 'sdna');
    }
  }

  /**
   * Vitest before 4.1 has no test tags (`TestCase.tags` is undefined there):
   * a tag then links nothing, so say which tests claim a capability by one.
   */
  private noteIgnoredTags(testModules: ReadonlyArray<TestModule>): void {
    let first: TestCase | undefined;
    for (const m of testModules) if ((first = m.children.allTests().next().value)) break;
    if (!first || first.tags !== undefined) return;
    const claims = tagClaims(this.session.plan, (file) => this.writtenTests(file));
    if (claims.length > 0) this.vitest.logger.warn(tagsIgnoredNote(this.vitest.version, claims));
  }

  private async replanAfterSpecEdit(): Promise<void> {
    try {
      await this.session.replan();
      this.vitest.logger.log('sdna: a spec changed; re-planning with the last results.');
      const plan = this.session.runPlan(this.session.lastRun!, this.session.lastCoverage);
      this.session.output(plan);
    } catch (error) {
      this.vitest.logger.error(`sdna: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Every test Vitest knows in this session (watch mode keeps earlier results). */
  private collect(latest: ReadonlyArray<TestModule>): RunResult {
    const root = this.session.config.root;
    const modules = new Map<string, TestModule>();
    for (const m of [...this.vitest.state.getTestModules(), ...latest]) modules.set(`${m.project.name}\0${m.moduleId}`, m);
    const pattern = this.vitest.config.testNamePattern;
    const tagsFilter = (this.vitest.config as { tagsFilter?: unknown }).tagsFilter;
    const tests: RunTest[] = [];
    const ranFiles = new Set<string>();
    for (const m of modules.values()) {
      const file = path.relative(root, m.moduleId).split(path.sep).join('/');
      ranFiles.add(file);
      // The source is read only when a skipped or unlocated test needs it.
      let written: Map<string, StaticTest> | undefined;
      const lookup = (name: string) => (written ??= this.writtenTests(file)).get(name);
      for (const t of m.children.allTests()) tests.push(toRunTest(t, file, lookup, pattern, Boolean(tagsFilter)));
    }
    return { tests, ranFiles };
  }

  /** The tests the file declares, by full name; re-extracted only when the file changed. */
  private writtenTests(file: string): Map<string, StaticTest> {
    const text = new GuardedReader(this.session.config.root).tryText(file, 'test');
    if (text === undefined) return new Map();
    let entry = this.written.get(file);
    if (!entry || entry.text !== text) {
      entry = { text, tests: new Map(extractTests(text).tests.map((s) => [s.fullName, s])) };
      this.written.set(file, entry);
    }
    return entry.tests;
  }
}

function toRunTest(
  t: TestCase,
  file: string,
  source: (fullName: string) => StaticTest | undefined,
  pattern: RegExp | undefined,
  tagsFiltered: boolean,
): RunTest {
  const state = t.result().state;
  const needsSource = (state === 'skipped' && t.options.mode === 'skip') || (state === 'failed' && !t.location);
  const written = needsSource ? source(t.fullName) : undefined;
  // Vitest reports a test that `-t`, `--tags-filter` or an `.only` left out as
  // skipped with mode `skip`, like `it.skip`: the source tells them apart.
  const filtered =
    state === 'skipped' &&
    t.options.mode === 'skip' &&
    ((pattern !== undefined && !pattern.test(t.fullName)) ||
      tagsFiltered ||
      written?.mode === 'run' ||
      written?.mode === 'only');
  const meta = t.meta() as { capabilities?: unknown };
  return {
    file,
    fullName: t.fullName,
    line: t.location?.line ?? written?.line,
    state,
    filtered,
    capabilities: Array.isArray(meta.capabilities) ? meta.capabilities.filter((c): c is string => typeof c === 'string') : [],
    tags: t.tags ?? [],
  };
}
