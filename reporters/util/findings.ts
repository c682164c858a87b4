// Helpers the reporters share to place and order findings.

import { KINDS, type Category, type KindInfo } from '../../src/model/kinds.js';
import type { Finding, Plan } from '../../src/model/model.js';

/** What a finding is about, in a word: `spec: symbol`, the capability, the file or the spec. */
export function subjectOf(f: Finding): string {
  if (f.symbol !== undefined) return `${f.spec}: ${f.symbol}`;
  const info: KindInfo = KINDS[f.kind];
  return f.capability ?? (info.aboutFile ? f.file : f.spec) ?? f.file ?? '(project)';
}

/**
 * The file (and line) a finding points at. One without a file (an untested
 * capability, a stale target) points at its spec's file: annotations and code
 * scanning need a file to show it on.
 */
export function locationOf(plan: Plan, f: Finding): { file?: string; line?: number } {
  if (f.file !== undefined) return { file: f.file, ...(f.line !== undefined && { line: f.line }) };
  const spec = f.spec === undefined ? undefined : plan.specFiles.get(f.spec);
  return spec === undefined ? {} : { file: spec };
}

/** A spec that cannot be read hides everything in it, so it comes first; a file without a spec is the least telling. */
const CATEGORY_RANK: Record<Category, number> = { error: 0, drift: 1, stale: 2, unspecified: 3 };
const rank = (f: Finding) => (f.baselined ? 20 : f.severity === 'error' ? 0 : 10) + CATEGORY_RANK[f.category];

/** Most severe first (errors, then warnings, then baselined findings), else in the plan's order. */
export function mostSevereFirst(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}
