import type { FindingInput } from '../model/findings.js';
import type { ProblemKind } from '../model/kinds.js';

/** Something wrong in one spec file, before it becomes a `spec-error` finding. */
export interface SpecProblem {
  /** `spec-error` unless the reader says otherwise. */
  kind?: ProblemKind;
  /** Stable per kind of problem (`frontmatter-yaml`, `duplicate-requirement`): with `subject`, its identity. */
  code: string;
  /** What it is about, when a spec can have several problems of one code (the heading, the id, the glob). */
  subject?: string;
  line: number;
  /** The file the problem is in, when not the spec file itself (Kiro's tasks.md). */
  file?: string;
  /** What is wrong. */
  actual: string;
  /** The right form, or what to do. */
  hint: string;
  capability?: string;
  /** The problem is a target the spec wrote (so the spec is not target-less). */
  target?: boolean;
}

/** A problem as the finding it becomes, in the spec (or the companion file) it was found in. */
export function problemFinding(spec: string, file: string, p: SpecProblem): FindingInput {
  return {
    kind: p.kind ?? 'spec-error',
    spec,
    capability: p.capability,
    file: p.file ?? file,
    line: p.line,
    data: { code: p.code, ...(p.subject !== undefined && { subject: p.subject }), problem: p.actual, fix: p.hint },
  };
}
