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
