// Maps what a test run did onto capabilities: pure data in, a plan out. The
// plugin collects `RunTest`s from Vitest's reported tasks; everything here
// works without Vitest, so it is tested on its own and shared by both majors.

import { Findings } from '../model/findings.js';
import type { Kind, Level } from '../model/kinds.js';
import type { Capability, CapabilityPlan, Plan, RunStatus, Spec } from '../model/model.js';
import { clip } from '../util/text.js';
import { capabilityEntry, partsOf, reportUntested, summarize } from '../plan.js';
import { tagOf } from '../model/tags.js';
import type { CoverageData } from './coverage.js';

export interface RunTest {
  /** Root-relative test file. */
  file: string;
  fullName: string;
  line?: number;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /**
   * Skipped because this run chose not to run it (`-t`, `--tags-filter`, an
   * `.only` elsewhere), not because it is written `.skip`/`.todo`.
   */
  filtered: boolean;
  /** `meta.capabilities` as Vitest reports it (set in options or at run time). */
  capabilities: readonly string[];
  tags: readonly string[];
}

export interface RunResult {
  tests: RunTest[];
  /** Root-relative test files this run (or, in watch mode, this session) ran. */
  ranFiles: ReadonlySet<string>;
}


/** The static plan's capability status becomes a run status; drift findings follow the run. */
export function applyRun(plan: Plan, run: RunResult, rules: Partial<Record<Kind, Level>>, coverage?: CoverageData): Plan {
  const findings = new Findings(rules);
  // Static findings stand, except `untested-capability`, which the run decides.
  for (const f of plan.findings) if (f.kind !== 'untested-capability') findings.list.push(f);

  const byFile = new Map<string, RunTest[]>();
  const byClaim = new Map<string, RunTest[]>();
  for (const t of run.tests) {
    byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
    for (const id of new Set([...t.capabilities, ...t.tags])) byClaim.set(id, [...(byClaim.get(id) ?? []), t]);
  }
  const known = new Set<string>();
  for (const s of plan.specs) for (const c of s.capabilities) known.add(c.id);
  reportRuntimeClaims(plan, run, known, findings);

  const staticTests = new Map(plan.capabilities.map((c) => [c.id, c.tests]));
  const testFilesOf = new Map<string, Set<string>>();
  const capabilities: CapabilityPlan[] = [];
  for (const spec of plan.specs) {
    const ownMapped = new Map<string, Set<RunTest>>();
    for (const cap of spec.capabilities) {
      const mapped = new Set<RunTest>();
      for (const link of cap.links) {
        for (const t of byFile.get(link.file) ?? []) {
          if (link.fragment === undefined || t.fullName.includes(link.fragment)) mapped.add(t);
        }
      }
      for (const t of byClaim.get(cap.id) ?? []) mapped.add(t);
      const tag = tagOf(cap.id);
      if (tag !== cap.id) for (const t of byClaim.get(tag) ?? []) mapped.add(t);
      ownMapped.set(cap.id, mapped);
    }
    // A part is also proven by its parent's own tests; a parent with parts is what its parts are.
    const parts = partsOf(spec);
    const statuses = new Map<string, RunStatus>();
    const entries = new Map<string, CapabilityPlan>();
    for (const cap of [...spec.capabilities].sort((a, b) => Number(parts.has(a.id)) - Number(parts.has(b.id)))) {
      const children = parts.get(cap.id);
      const mapped = new Set([...(ownMapped.get(cap.id) ?? []), ...(cap.parent ? (ownMapped.get(cap.parent) ?? []) : [])]);
      if (children) for (const c of children) for (const t of ownMapped.get(c.id) ?? []) mapped.add(t);
      const written = staticTests.get(cap.id) ?? [];
      const status = children ? combined(children.map((c) => statuses.get(c.id)!)) : statusOf([...mapped], written.map((w) => w.file), run.ranFiles);
      statuses.set(cap.id, status);
      if (!children) report(spec, cap, status, [...mapped], written.length > 0, findings);
      const tests = [...mapped].map((t) => ({ file: t.file, name: t.fullName }));
      testFilesOf.set(cap.id, new Set([...mapped].filter((t) => t.state === 'passed' || t.state === 'failed').map((t) => t.file)));
      // Tests that did not run this time are still this capability's tests.
      entries.set(cap.id, capabilityEntry(spec, cap, status, tests.length > 0 ? dedupe(tests) : written));
    }
    for (const cap of spec.capabilities) capabilities.push(entries.get(cap.id)!);
  }
  if (coverage) mapCoverage(plan, capabilities, testFilesOf, coverage, findings);
  // Unreadable specs have no model, only their spec-error (which names the file).
  const specFiles = new Map(plan.findings.filter((f) => f.kind === 'spec-error' && f.spec && f.file).map((f) => [f.spec!, f.file!]));
  for (const s of plan.specs) if (!specFiles.has(s.id) || s.file < specFiles.get(s.id)!) specFiles.set(s.id, s.file);
  const list = findings.sorted(specFiles);
  return { ...plan, mode: 'run', capabilities, findings: list, summary: summarize(list), failed: list.some((f) => f.severity === 'error') };
}

/** A parent's status from its parts': passing only when every part passes. */
function combined(parts: RunStatus[]): RunStatus {
  for (const status of ['failing', 'untested', 'not-run', 'skipped'] as const) if (parts.includes(status)) return status;
  return 'passing';
}

function statusOf(mapped: RunTest[], writtenFiles: string[], ranFiles: ReadonlySet<string>): RunStatus {
  const ran = mapped.filter((t) => t.state === 'passed' || t.state === 'failed');
  if (ran.some((t) => t.state === 'failed')) return 'failing';
  if (ran.length > 0) return 'passing';
  if (mapped.some((t) => t.filtered || t.state === 'pending')) return 'not-run';
  if (mapped.length > 0) return 'skipped';
  // Nothing of it ran: its tests exist in files this run left out, or it has none.
  return writtenFiles.some((f) => !ranFiles.has(f)) ? 'not-run' : 'untested';
}

function report(spec: Spec, cap: Capability, status: RunStatus, mapped: RunTest[], hasTests: boolean, findings: Findings) {
  const expected = `"${clip(cap.text || cap.name)}"`;
  if (status === 'failing') {
    const failed = mapped.filter((t) => t.state === 'failed');
    const first = failed[0];
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    findings.add({
      kind: 'failing-capability',
      spec: spec.id,
      capability: cap.id,
      file: first.file,
      line: first.line,
      expected,
      actual: `test "${first.fullName}" failed${more}`,
      hint: 'make the code keep the promise (or fix the test) until every linked test passes',
    });
  } else if (status === 'untested') {
    reportUntested(findings, spec, cap, hasTests || cap.links.length > 0 ? `no test linked to ${cap.id} ran` : undefined);
  }
}

/** Claims made at run time (e.g. `task.meta.capabilities = [...]`) of ids no spec declares. */
function reportRuntimeClaims(plan: Plan, run: RunResult, known: Set<string>, findings: Findings) {
  // The static scan already reported the claims it could see in the source.
  const already = new Set(
    plan.findings
      .filter((f) => f.kind === 'broken-test-link' && f.spec === undefined)
      .map((f) => `${f.file}\0${/claims `([^`]+)`/.exec(f.message)?.[1]}`),
  );
  for (const t of run.tests) {
    for (const id of t.capabilities) {
      const key = `${t.file}\0${id}`;
      if (known.has(id) || already.has(key)) continue;
      already.add(key);
      findings.add({
        kind: 'broken-test-link',
        file: t.file,
        line: t.line,
        expected: `meta: { capabilities: ['${id}'] }`,
        actual: `test "${t.fullName}" claims \`${id}\`, which no spec declares`,
        hint: 'claim an existing capability id (`<spec-id>/<slug>`; `sdna plan --json` lists them), or add the capability to a spec',
      });
    }
  }
}

function dedupe(tests: { file: string; name: string }[]) {
  const seen = new Set<string>();
  return tests.filter((t) => {
    const key = `${t.file}\0${t.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
  findings: Findings,
): void {
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
      findings.add({
        kind: 'uncovered-code',
        spec: spec.id,
        file,
        line: missed[0],
        expected: `targets of ${spec.id} (${spec.file})`,
        actual: `${file}:${ranges.join(', ')} run${missed.length === 1 ? 's' : ''} in no test linked to ${spec.id}`,
        hint: 'link a test that exercises these lines to one of its capabilities, or move the code out of the spec\'s targets',
      });
    }
    for (const cap of caps) {
      const files = testFilesOf.get(cap.id) ?? new Set<string>();
      const covered = targets.reduce((n, f) => n + ranBy(files, f).size, 0);
      cap.coverage = Math.round((covered / executable) * 1000) / 10;
    }
  }
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
