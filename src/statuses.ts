// Capability statuses: one set of rules for the static plan and for a test run.
// A part (a Kiro criterion, an OpenSpec scenario) is proven by its own tests and
// its parent's; a parent with parts is what its parts are; a leaf's status comes
// from its tests, and an untested or failing leaf is a finding. The plan is
// assembled here too: findings sorted and fingerprinted, summed up, gated.

import path from 'node:path';
import { Findings, type FindingInput } from './model/findings.js';
import type { LevelOf } from './model/levels.js';
import type { BaselineEntry, Capability, CapabilityPlan, Finding, Plan, RunStatus, Spec, Summary, TestRef } from './model/model.js';
import { isRemoved } from './formats/removed.js';

/** The parts of each capability that has any, by parent id. */
function partsOf(spec: Spec): Map<string, Capability[]> {
  const parts = new Map<string, Capability[]>();
  for (const c of spec.capabilities) if (c.parent !== undefined) parts.set(c.parent, [...(parts.get(c.parent) ?? []), c]);
  return parts;
}

/**
 * Each capability of a spec with its tests (its own, its parent's, and a
 * parent's parts') and its status: `leaf` judges a capability without parts,
 * `combine` a parent from its parts' statuses.
 */
function judge<T, S extends string>(
  spec: Spec,
  own: (id: string) => readonly T[],
  key: (t: T) => unknown,
  leaf: (cap: Capability, tests: T[]) => S,
  combine: (parts: S[]) => S,
): Map<string, { status: S | 'removed'; tests: T[] }> {
  const parts = partsOf(spec);
  let byId: Map<string, Capability> | undefined;
  // A removed requirement's parts are removed with it.
  const removed = (cap: Capability) => {
    if (isRemoved(cap)) return true;
    if (cap.parent === undefined) return false;
    byId ??= new Map(spec.capabilities.map((c) => [c.id, c]));
    const parent = byId.get(cap.parent);
    return parent !== undefined && isRemoved(parent);
  };
  const out = new Map<string, { status: S | 'removed'; tests: T[] }>();
  // Parents last: their status is their parts'.
  const order = parts.size === 0 ? spec.capabilities : [...spec.capabilities].sort((a, b) => Number(parts.has(a.id)) - Number(parts.has(b.id)));
  for (const cap of order) {
    const children = parts.get(cap.id);
    const mine = own(cap.id);
    let list: T[];
    // Most capabilities stand alone with a test or none: nothing to merge.
    if (cap.parent === undefined && children === undefined && mine.length <= 1) list = mine.slice();
    else {
      const tests = new Map<unknown, T>();
      for (const t of [...mine, ...(cap.parent ? own(cap.parent) : []), ...(children ?? []).flatMap((c) => own(c.id))]) {
        if (!tests.has(key(t))) tests.set(key(t), t);
      }
      list = [...tests.values()];
    }
    const live = (children ?? []).map((c) => out.get(c.id)!.status).filter((st): st is S => st !== 'removed');
    const status = removed(cap) ? 'removed' : children ? (live.length > 0 ? combine(live) : 'removed') : leaf(cap, list);
    out.set(cap.id, { status, tests: list });
  }
  return out;
}

function entry(spec: Spec, cap: Capability, status: CapabilityPlan['status'], tests: TestRef[]): CapabilityPlan {
  return { id: cap.id, spec: spec.id, name: cap.name, file: cap.file, line: cap.line, status, tests };
}

/** The project's test folder as a link in `spec` writes it: from the spec's folder. */
function testDirFrom(spec: Spec, testDir: string): string {
  return path.posix.relative(path.posix.dirname(spec.file), testDir) || '.';
}

function untested(spec: Spec, cap: Capability, reason: 'unlinked' | 'links-missing' | 'not-run', fromSpec: string): FindingInput {
  return {
    kind: 'untested-capability',
    spec: spec.id,
    capability: cap.id,
    file: spec.file,
    line: cap.line,
    data: { promise: cap.text || cap.name, reason, testDir: fromSpec },
  };
}

/** The folder that holds the most test files, root-relative: where a new test would go. */
export function testDirOf(testFiles: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const f of testFiles) {
    const top = f.includes('/') ? f.slice(0, f.indexOf('/')) : '';
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  let best = 'test';
  let most = 0;
  for (const [dir, n] of counts) if (n > most || (n === most && dir < best)) [best, most] = [dir, n];
  return best;
}

/** Before any test runs: a capability is `linked` when it has tests (each part, for a parent), else `untested`. */
export function staticStatuses(specs: Spec[], testsOf: Map<string, TestRef[]>, testDir: string): { capabilities: CapabilityPlan[]; findings: FindingInput[] } {
  const capabilities: CapabilityPlan[] = [];
  const findings: FindingInput[] = [];
  for (const spec of specs) {
    const fromSpec = testDirFrom(spec, testDir);
    const judged = judge(
      spec,
      (id) => testsOf.get(id) ?? [],
      (t) => `${t.file}\0${t.name ?? ''}`,
      (cap, tests): 'linked' | 'untested' => {
        if (tests.length > 0) return 'linked';
        findings.push(untested(spec, cap, cap.links.length > 0 ? 'links-missing' : 'unlinked', fromSpec));
        return 'untested';
      },
      (parts) => (parts.every((s) => s === 'linked') ? 'linked' : 'untested'),
    );
    for (const cap of spec.capabilities) capabilities.push(entry(spec, cap, judged.get(cap.id)!.status, judged.get(cap.id)!.tests));
  }
  return { capabilities, findings };
}

/** A test as a run reported it. */
export interface Outcome {
  file: string;
  fullName: string;
  line?: number;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Left out by this run's filters (`-t`, `--tags-filter`, an `.only` elsewhere), not written `.skip`. */
  filtered: boolean;
}

/** A parent's status from its parts' (removed ones left out): passing only when every part passes. */
function combined(parts: RunStatus[]): RunStatus {
  for (const status of ['failing', 'untested', 'not-run', 'skipped'] as const) if (parts.includes(status)) return status;
  return 'passing';
}

function statusOf(mapped: Outcome[], writtenFiles: string[], ranFiles: ReadonlySet<string>): RunStatus {
  const ran = mapped.filter((t) => t.state === 'passed' || t.state === 'failed');
  if (ran.some((t) => t.state === 'failed')) return 'failing';
  if (ran.length > 0) return 'passing';
  if (mapped.some((t) => t.filtered || t.state === 'pending')) return 'not-run';
  if (mapped.length > 0) return 'skipped';
  // Nothing of it ran: its tests exist in files this run left out, or it has none.
  return writtenFiles.some((f) => !ranFiles.has(f)) ? 'not-run' : 'untested';
}

export interface RunStatuses {
  capabilities: CapabilityPlan[];
  findings: FindingInput[];
  /** The test files that ran each capability's tests (for coverage), by id. */
  testFilesOf: Map<string, Set<string>>;
}

/**
 * After a run: each capability's status from the outcomes of its own tests
 * (`outcomesOf`, by id), with the static plan's tests for what did not run.
 */
export function runStatuses(plan: Plan, outcomesOf: (id: string) => readonly Outcome[], ranFiles: ReadonlySet<string>): RunStatuses {
  const staticTests = new Map(plan.capabilities.map((c) => [c.id, c.tests]));
  const capabilities: CapabilityPlan[] = [];
  const findings: FindingInput[] = [];
  const testFilesOf = new Map<string, Set<string>>();
  for (const spec of plan.specs) {
    const fromSpec = testDirFrom(spec, plan.testDir);
    const judged = judge(
      spec,
      outcomesOf,
      (t) => t,
      (cap, mapped): RunStatus => {
        const written = staticTests.get(cap.id) ?? [];
        const status = statusOf(mapped, written.map((w) => w.file), ranFiles);
        if (status === 'failing') {
          const failed = mapped.filter((t) => t.state === 'failed');
          const first = failed[0];
          findings.push({
            kind: 'failing-capability',
            spec: spec.id,
            capability: cap.id,
            file: first.file,
            line: first.line,
            data: { promise: cap.text || cap.name, test: { file: first.file, name: first.fullName, ...(first.line !== undefined && { line: first.line }) }, more: failed.length - 1 },
          });
        } else if (status === 'untested') {
          findings.push(untested(spec, cap, written.length > 0 || cap.links.length > 0 ? 'not-run' : 'unlinked', fromSpec));
        } else if (status === 'skipped') {
          const tests = new Set(mapped.map((t) => `${t.file}\0${t.fullName}`)).size;
          findings.push({ kind: 'skipped-capability', spec: spec.id, capability: cap.id, file: spec.file, line: cap.line, data: { promise: cap.text || cap.name, tests } });
        }
        return status;
      },
      combined,
    );
    for (const cap of spec.capabilities) {
      const { status, tests } = judged.get(cap.id)!;
      testFilesOf.set(cap.id, new Set(tests.filter((t) => t.state === 'passed' || t.state === 'failed').map((t) => t.file)));
      // Tests that did not run this time are still this capability's tests.
      const refs = tests.length > 0 ? uniqueRefs(tests.map((t) => ({ file: t.file, name: t.fullName }))) : (staticTests.get(cap.id) ?? []);
      capabilities.push(entry(spec, cap, status, refs));
    }
  }
  return { capabilities, findings, testFilesOf };
}

function uniqueRefs(tests: { file: string; name: string }[]): TestRef[] {
  const seen = new Set<string>();
  return tests.filter((t) => {
    const key = `${t.file}\0${t.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Counts the findings by category; baselined ones are not counted. */
function summarize(findings: readonly Finding[]): Summary {
  const s: Summary = { drift: 0, unspecified: 0, stale: 0, errors: 0 };
  for (const f of findings) {
    if (f.baselined) continue;
    if (f.category === 'error') s.errors++;
    else s[f.category]++;
  }
  return s;
}

/**
 * Findings at their levels, sorted and fingerprinted, with the summary and the
 * gate. With a baseline, the findings it holds are marked and do not fail it.
 */
export function gate(
  levelOf: LevelOf,
  specFiles: ReadonlyMap<string, string>,
  inputs: Iterable<FindingInput>,
  baseline?: { file: string; entries: ReadonlyMap<string, BaselineEntry> },
): Pick<Plan, 'findings' | 'summary' | 'failed' | 'baseline' | 'baselineEntries'> {
  const collected = new Findings(levelOf);
  for (const f of inputs) collected.add(f);
  let findings = collected.sorted(specFiles);
  let report: Pick<Plan, 'baseline' | 'baselineEntries'> = {};
  if (baseline) {
    findings = findings.map((f) => (baseline.entries.has(f.fingerprint) ? { ...f, baselined: true as const } : f));
    const found = new Set(findings.map((f) => f.fingerprint));
    const gone = [...baseline.entries.values()].filter((e) => !found.has(e.fingerprint));
    report = { baseline: { file: baseline.file, baselined: findings.filter((f) => f.baselined).length, gone }, baselineEntries: baseline.entries };
  }
  return { findings, summary: summarize(findings), failed: findings.some((f) => f.severity === 'error' && !f.baselined), ...report };
}

/**
 * The plan after a run: the static findings stand (at the levels the same
 * rules give them), except `untested-capability`, which the run decides.
 */
export function runPlan(plan: Plan, levelOf: LevelOf, capabilities: CapabilityPlan[], found: FindingInput[]): Plan {
  const kept = ungated(plan).filter((f) => f.kind !== 'untested-capability');
  return { ...plan, mode: 'run', capabilities, ...regate(plan, levelOf, [...kept, ...found]) };
}

/** The plan with more findings (the semantic check's), gated again at the same levels and baseline. */
export function withFindings(plan: Plan, levelOf: LevelOf, found: FindingInput[]): Plan {
  return { ...plan, ...regate(plan, levelOf, [...ungated(plan), ...found]) };
}

function ungated(plan: Plan): FindingInput[] {
  return plan.findings.map(({ category: _c, severity: _s, fingerprint: _f, baselined: _b, ...f }) => f as FindingInput);
}

function regate(plan: Plan, levelOf: LevelOf, inputs: FindingInput[]): ReturnType<typeof gate> {
  const baseline = plan.baseline && plan.baselineEntries ? { file: plan.baseline.file, entries: plan.baselineEntries } : undefined;
  return gate(levelOf, plan.specFiles, inputs, baseline);
}
