// What a change does to the specs, as data: capabilities added, removed,
// renamed (the same words under a new id) and changed (words, name or links),
// each with its status in the new plan, and the targets each spec gained or
// lost. Code review starts from the intent; reporters turn this into words.

import type { Capability, CapabilityPlan, Plan, Spec, TestLink } from '../model/model.js';
import { capabilityHash } from '../artifacts/links.js';

interface Change {
  id: string;
  spec: string;
  name: string;
  /** Where it is declared: in the working tree, or at the base for a removed one. */
  file: string;
  line: number;
}

export interface LinkChange {
  /** Links as `file` or `file#fragment`, root-relative. */
  added: string[];
  removed: string[];
}

export type CapabilityChange =
  | (Change & { change: 'added'; status: CapabilityPlan['status'] })
  /** `testsLeft`: test files that still link to it (as the base did) or claim it: tests of a promise no spec makes any more. */
  | (Change & { change: 'removed'; testsLeft: string[] })
  | (Change & { change: 'renamed'; from: string; status: CapabilityPlan['status']; links?: LinkChange })
  | (Change & {
      change: 'changed';
      status: CapabilityPlan['status'];
      text?: { from: string; to: string };
      nameFrom?: string;
      links?: LinkChange;
      /** The words changed and none of its tests did: the files of its tests, to review against the new words. */
      testsUnchanged?: string[];
    });

export interface TargetChange {
  spec: string;
  file: string;
  /** Target patterns, root-relative. */
  added: string[];
  removed: string[];
}

export interface SpecDiff {
  /** The ref as given. */
  ref: string;
  /** The commit compared against: the merge base of the ref and HEAD. */
  base: string;
  capabilities: CapabilityChange[];
  targets: TargetChange[];
}

export interface DiffInputs {
  ref: string;
  base: string;
  /** The specs at the base. */
  before: Spec[];
  /** Files that differ between the base and the working tree. */
  changed: ReadonlySet<string>;
  /** Whether a root-relative file exists in the working tree. */
  exists: (file: string) => boolean;
}

const ORDER = { added: 0, removed: 1, renamed: 2, changed: 3 } as const;

const linkKey = (l: TestLink) => (l.fragment === undefined ? l.file : `${l.file}#${l.fragment}`);

/** Capabilities by id; a duplicated id (a spec error of its own) keeps its first. */
function byId(specs: Spec[]): Map<string, Capability> {
  const map = new Map<string, Capability>();
  for (const s of specs) for (const c of s.capabilities) if (!map.has(c.id)) map.set(c.id, c);
  return map;
}

function linkChange(before: Capability, after: Capability): LinkChange | undefined {
  const was = new Set(before.links.map(linkKey));
  const now = new Set(after.links.map(linkKey));
  const added = [...now].filter((l) => !was.has(l)).sort();
  const removed = [...was].filter((l) => !now.has(l)).sort();
  return added.length + removed.length > 0 ? { added, removed } : undefined;
}

const where = (c: Capability): Change => ({ id: c.id, spec: c.spec, name: c.name, file: c.file, line: c.line });

/** The diff between the specs at the base and the new plan (whose specs are the working tree's). */
export function diffSpecs(plan: Plan, inputs: DiffInputs): SpecDiff {
  const before = byId(inputs.before);
  const after = byId(plan.specs);
  const status = new Map(plan.capabilities.map((c) => [c.id, c]));
  const statusOf = (id: string) => status.get(id)?.status ?? 'untested';
  const added = [...after.values()].filter((c) => !before.has(c.id));
  const removed = [...before.values()].filter((c) => !after.has(c.id));
  const changes: CapabilityChange[] = [];

  // A removed capability and an added one with the same words are one, renamed.
  const removedByHash = new Map<string, Capability[]>();
  for (const c of removed) removedByHash.set(capabilityHash(c), [...(removedByHash.get(capabilityHash(c)) ?? []), c]);
  const renamedFrom = new Set<string>();
  for (const c of added) {
    const was = removedByHash.get(capabilityHash(c))?.shift();
    if (was === undefined) {
      changes.push({ ...where(c), change: 'added', status: statusOf(c.id) });
      continue;
    }
    renamedFrom.add(was.id);
    const links = linkChange(was, c);
    changes.push({ ...where(c), change: 'renamed', from: was.id, status: statusOf(c.id), ...(links && { links }) });
  }
  for (const c of removed) {
    if (renamedFrom.has(c.id)) continue;
    changes.push({ ...where(c), change: 'removed', testsLeft: testsLeft(plan, c, inputs.exists) });
  }
  for (const [id, now] of after) {
    const was = before.get(id);
    if (was === undefined) continue;
    const textChanged = was.text.trim() !== now.text.trim();
    const links = linkChange(was, now);
    if (!textChanged && was.name === now.name && !links) continue;
    const tests = [...new Set(status.get(id)?.tests.map((t) => t.file) ?? [])].sort();
    const unchanged = textChanged && tests.length > 0 && !tests.some((f) => inputs.changed.has(f));
    changes.push({
      ...where(now),
      change: 'changed',
      status: statusOf(id),
      ...(textChanged && { text: { from: was.text.trim(), to: now.text.trim() } }),
      ...(was.name !== now.name && { nameFrom: was.name }),
      ...(links && { links }),
      ...(unchanged && { testsUnchanged: tests }),
    });
  }
  changes.sort((a, b) => ORDER[a.change] - ORDER[b.change] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ref: inputs.ref, base: inputs.base, capabilities: changes, targets: targetChanges(inputs.before, plan.specs) };
}

/** Test files of a removed capability that are still there: those it linked, and those that claim it by id. */
function testsLeft(plan: Plan, c: Capability, exists: (file: string) => boolean): string[] {
  const files = new Set(c.links.map((l) => l.file).filter(exists));
  for (const f of plan.findings) {
    if (f.kind === 'broken-test-link' && 'claim' in f.data && f.data.claim === c.id && f.file !== undefined) files.add(f.file);
  }
  return [...files].sort();
}

/** Targets of the specs present on both sides (by id) that one side has and the other has not. */
function targetChanges(before: Spec[], after: Spec[]): TargetChange[] {
  const was = new Map(before.map((s) => [s.id, new Set(s.targets.map((t) => t.pattern))]));
  const changes: TargetChange[] = [];
  for (const s of after) {
    const old = was.get(s.id);
    if (old === undefined) continue;
    was.delete(s.id);
    const now = new Set(s.targets.map((t) => t.pattern));
    const added = [...now].filter((p) => !old.has(p)).sort();
    const removed = [...old].filter((p) => !now.has(p)).sort();
    if (added.length + removed.length > 0) changes.push({ spec: s.id, file: s.file, added, removed });
  }
  return changes.sort((a, b) => (a.spec < b.spec ? -1 : 1));
}

/** How many of each change, and the two that ask a reviewer to look twice. */
export function diffCounts(diff: SpecDiff) {
  const count = (kind: CapabilityChange['change']) => diff.capabilities.filter((c) => c.change === kind).length;
  return {
    added: count('added'),
    removed: count('removed'),
    renamed: count('renamed'),
    changed: count('changed'),
    targets: diff.targets.length,
    removedWithTests: diff.capabilities.filter((c) => c.change === 'removed' && c.testsLeft.length > 0).length,
    changedTestsUnchanged: diff.capabilities.filter((c) => c.change === 'changed' && c.testsUnchanged !== undefined).length,
  };
}
