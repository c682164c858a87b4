// Building findings: the kind table gives category and default level, `rules`
// may change the level or turn a kind off.

import { KINDS, type Kind, type Level } from './kinds.js';
import type { Finding } from './model.js';

export type FindingInput = Omit<Finding, 'category' | 'severity' | 'message'>;

export class Findings {
  readonly list: Finding[] = [];

  constructor(private readonly rules: Partial<Record<Kind, Level>>) {}

  add(input: FindingInput): void {
    const level = this.rules[input.kind] ?? KINDS[input.kind].level;
    if (level === 'off') return;
    this.list.push({
      ...input,
      category: KINDS[input.kind].category,
      severity: level,
      message: `${input.actual}; ${input.hint}`,
    });
  }

  /**
   * Grouped by spec, in the order of the spec files (`specFiles`: id → file),
   * then by file and line; findings outside every spec come last.
   */
  sorted(specFiles: ReadonlyMap<string, string>): Finding[] {
    const group = (f: Finding) => (f.spec !== undefined ? (specFiles.get(f.spec) ?? '\uffff') : '\uffff\uffff');
    return [...this.list].sort(
      (a, b) =>
        cmp(group(a), group(b)) ||
        cmp(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        cmp(a.kind, b.kind) ||
        cmp(a.message, b.message),
    );
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
