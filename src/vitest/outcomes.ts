// Maps what a test run did onto capabilities: pure data in, a plan out. The
// plugin collects `RunTest`s from Vitest's reported tasks; everything here
// works without Vitest, so it is tested on its own and shared by both majors.

import type { FindingInput } from '../model/findings.js';
import type { LevelOf } from '../model/levels.js';
import type { CapabilityPlan, Plan } from '../model/model.js';
import { tagOf } from '../model/tags.js';
import { unknownClaim } from '../checks/links/index.js';
import { runPlan, runStatuses, type Outcome } from '../statuses.js';
import type { CoverageData } from './coverage.js';

/** A test as Vitest reported it (`file` root-relative), with what it claims. */
export interface RunTest extends Outcome {
  /** `meta.capabilities` as Vitest reports it (set in options or at run time). */
  capabilities: readonly string[];
  tags: readonly string[];
}

export interface RunResult {
  tests: RunTest[];
  /** Root-relative test files this run (or, in watch mode, this session) ran. */
  ranFiles: ReadonlySet<string>;
}


/**
 * The static plan after a run: each capability's tests found among the run's
 * (by file link, fragment, claim or tag), judged by the status rules; claims
 * made at run time and, with coverage, uncovered target lines become findings.
 */
export function applyRun(plan: Plan, run: RunResult, levelOf: LevelOf, coverage?: CoverageData): Plan {
  const byFile = new Map<string, RunTest[]>();
  const byClaim = new Map<string, RunTest[]>();
  for (const t of run.tests) {
    byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
    for (const id of new Set([...t.capabilities, ...t.tags])) byClaim.set(id, [...(byClaim.get(id) ?? []), t]);
  }
  const own = new Map<string, RunTest[]>();
  // Tests mapped onto a capability by nothing but a link `sdna import` recorded: shown as inferred.
  const inferredOnly = new Set<string>();
  for (const spec of plan.specs) {
    for (const cap of spec.capabilities) {
      const mapped = new Set<RunTest>();
      const written = new Set<RunTest>();
      for (const link of cap.links) {
        for (const t of byFile.get(link.file) ?? []) {
          if (link.fragment !== undefined && !t.fullName.includes(link.fragment)) continue;
          mapped.add(t);
          if (!link.inferred) written.add(t);
        }
      }
      for (const t of byClaim.get(cap.id) ?? []) written.add(mapped.add(t) && t);
      const tag = tagOf(cap.id);
      if (tag !== cap.id) for (const t of byClaim.get(tag) ?? []) written.add(mapped.add(t) && t);
      for (const t of mapped) if (!written.has(t)) inferredOnly.add(`${cap.id}\0${t.file}\0${t.fullName}`);
      own.set(cap.id, [...mapped]);
    }
  }
  const judged = runStatuses(plan, (id) => own.get(id) ?? [], run.ranFiles);
  if (inferredOnly.size > 0) {
    for (const c of judged.capabilities) {
      c.tests = c.tests.map((t) => (t.inferred || !inferredOnly.has(`${c.id}\0${t.file}\0${t.name}`) ? t : { ...t, inferred: true }));
    }
  }
  const found = [...judged.findings, ...runtimeClaims(plan, run)];
  if (coverage) found.push(...mapCoverage(plan, judged.capabilities, judged.testFilesOf, coverage));
  return runPlan(plan, levelOf, judged.capabilities, found);
}

/** Claims made at run time (e.g. `task.meta.capabilities = [...]`) of ids no spec declares. */
function runtimeClaims(plan: Plan, run: RunResult): FindingInput[] {
  const known = new Set<string>();
  for (const s of plan.specs) for (const c of s.capabilities) known.add(c.id);
  // The static scan already reported the claims it could see in the source.
  const already = new Set<string>();
  for (const f of plan.findings) if (f.kind === 'broken-test-link' && 'claim' in f.data) already.add(`${f.file}\0${f.data.claim}`);
  const found: FindingInput[] = [];
  for (const t of run.tests) {
    for (const id of t.capabilities) {
      const key = `${t.file}\0${id}`;
      if (known.has(id) || already.has(key)) continue;
      already.add(key);
      found.push(unknownClaim(t.file, t.line, t.fullName, id));
    }
  }
  return found;
}

/**
 * With coverage: each spec's target lines that none of its linked tests ran
 * (`uncovered-code`, in ranges), and each capability's share of those lines.
 * A spec with a capability this run did not run is left out: its picture is partial.
 */
function mapCoverage(
  plan: Plan,
  capabilities: CapabilityPlan[],
  testFilesOf: Map<string, Set<string>>,
  coverage: CoverageData,
): FindingInput[] {
  const found: FindingInput[] = [];
  const byId = new Map(capabilities.map((c) => [c.id, c]));
  for (const spec of plan.specs) {
    const caps = spec.capabilities.map((c) => byId.get(c.id)!);
    if (caps.some((c) => c.status === 'not-run')) continue;
    const targets = (plan.targetFiles.get(spec.id) ?? []).filter((f) => coverage.all.has(f));
    const executable = targets.reduce((n, f) => n + coverage.all.get(f)!.size, 0);
    if (executable === 0) continue;
    const ranBy = (testFiles: Iterable<string>, file: string): Set<number> => {
      const lines = new Set<number>();
      for (const tf of testFiles) {
        for (const [line, hits] of coverage.byTestFile.get(tf)?.get(file) ?? []) if (hits > 0) lines.add(line);
      }
      return lines;
    };
    const specTests = new Set(caps.flatMap((c) => [...(testFilesOf.get(c.id) ?? [])]));
    for (const file of targets) {
      const covered = ranBy(specTests, file);
      const missed = [...coverage.all.get(file)!.keys()].filter((l) => !covered.has(l)).sort((a, b) => a - b);
      if (missed.length === 0) continue;
      const ranges = lineRanges(missed);
      found.push({ kind: 'uncovered-code', spec: spec.id, file, line: missed[0], data: { source: spec.file, ranges, lines: missed.length } });
    }
    for (const cap of caps) {
      const files = testFilesOf.get(cap.id) ?? new Set<string>();
      const covered = targets.reduce((n, f) => n + ranBy(files, f).size, 0);
      cap.coverage = Math.round((covered / executable) * 1000) / 10;
    }
  }
  return found;
}

/** [3, 4, 5, 9] → ['3-5', '9']. */
export function lineRanges(lines: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(j === i ? String(lines[i]) : `${lines[i]}-${lines[j]}`);
    i = j;
  }
  return out;
}
