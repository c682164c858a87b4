// Which source lines each test file executes, from Vitest's v8 coverage.
// Vitest has no public per-test-file coverage API: this wraps the provider's
// internal `onAfterSuiteRun` (one call per test file, raw V8 data on Vitest 3.2
// and 4, a path to a JSON file of it on Vitest 5) and converts each batch with
// the provider's own `convertCoverage`. Anything unexpected turns the feature off
// for the run rather than failing it.

import { readNamedFile } from '../util/guarded.js';
import path from 'node:path';
import type { Vitest } from 'vitest/node';

/** Line coverage: for each root-relative source file, the executable lines and their hits. */
export type LineHits = Map<string, Map<number, number>>;

export interface CoverageData {
  /** Every executable line Vitest's coverage knows, with its total hits (the merged map). */
  all: LineHits;
  /** Lines each test file executed. */
  byTestFile: Map<string, LineHits>;
}

interface Batch {
  testFiles: string[];
  coverage: unknown;
  projectName?: string;
  environment?: string;
  /** Vitest 3.2's name for `environment`: `ssr`, `web` or `browser`. */
  transformMode?: string;
}

interface V8Provider {
  name?: string;
  onAfterSuiteRun(meta: Batch): unknown;
  convertCoverage(raw: unknown, project: unknown, environment: string | undefined): Promise<IstanbulMap>;
  [WRAPPED]?: true;
}

interface IstanbulMap {
  files(): string[];
  fileCoverageFor(file: string): { getLineCoverage(): Record<string, number> };
}

const WRAPPED = Symbol.for('sdna.coverage');

export class CoverageCollector {
  private batches: Batch[] = [];
  private merged?: IstanbulMap;

  constructor(
    private readonly vitest: Vitest,
    private readonly root: string,
  ) {}

  /** At the start of each run: hook the provider once, forget the last run's batches. */
  start(): void {
    this.batches = [];
    this.merged = undefined;
    const provider = (this.vitest as unknown as { coverageProvider?: V8Provider | null }).coverageProvider;
    if (!provider || provider.name !== 'v8' || typeof provider.onAfterSuiteRun !== 'function' || provider[WRAPPED]) return;
    const original = provider.onAfterSuiteRun.bind(provider);
    provider.onAfterSuiteRun = (meta: Batch) => {
      this.batches.push(meta);
      return original(meta);
    };
    provider[WRAPPED] = true;
  }

  /** The merged coverage map Vitest reports (`onCoverage`). */
  setMerged(map: unknown): void {
    if (map && typeof (map as IstanbulMap).files === 'function') this.merged = map as IstanbulMap;
  }

  /** Per-test-file line hits, or undefined when coverage is off or not v8. */
  async collect(): Promise<CoverageData | undefined> {
    // Vitest 3.2 hands the merged map to `onFinished`, which it calls right after
    // starting `onTestRunEnd` (its `onCoverage` comes only after that ends): one tick.
    if (!this.merged) await Promise.resolve();
    const provider = (this.vitest as unknown as { coverageProvider?: V8Provider | null }).coverageProvider;
    if (!provider?.[WRAPPED] || !this.merged) return undefined;
    const byTestFile = new Map<string, LineHits>();
    for (const batch of this.batches) {
      const raw = typeof batch.coverage === 'string' ? JSON.parse(readNamedFile(batch.coverage, 'coverage')) : batch.coverage;
      const project = batch.projectName ? this.vitest.getProjectByName(batch.projectName) : this.vitest.getRootProject();
      const converted = await provider.convertCoverage(raw, project, batch.environment ?? batch.transformMode);
      const hits = this.lineHits(converted);
      for (const testFile of batch.testFiles) byTestFile.set(this.relative(testFile), hits);
    }
    return { all: this.lineHits(this.merged), byTestFile };
  }

  private lineHits(map: IstanbulMap): LineHits {
    const out: LineHits = new Map();
    for (const file of map.files()) {
      const lines = map.fileCoverageFor(file).getLineCoverage();
      out.set(this.relative(file), new Map(Object.entries(lines).map(([line, hits]) => [Number(line), hits])));
    }
    return out;
  }

  private relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }
}
