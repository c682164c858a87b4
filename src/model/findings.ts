// Building findings: the kind table gives category and default level, `rules`
// may change the level or turn a kind off; a sorted list gets its fingerprints.

import { KINDS, type Kind } from './kinds.js';
import type { LevelOf } from './levels.js';
import type { Finding, FindingOf } from './model.js';
import { fingerprints, identityOf } from './fingerprint.js';

/** What a check reports: where, and the kind's data. Level, category and fingerprint are added here. */
export type FindingInput = { [K in Kind]: Omit<FindingOf<K>, 'category' | 'severity' | 'fingerprint'> }[Kind];
type Unprinted = Omit<Finding, 'fingerprint'>;

export class Findings {
  private readonly list: Unprinted[] = [];

  constructor(private readonly levelOf: LevelOf) {}

  add(input: FindingInput): void {
    const level = this.levelOf(input);
    if (level === 'off') return;
    this.list.push({ ...input, category: KINDS[input.kind].category, severity: level } as Unprinted);
  }

  /**
   * Grouped by spec, in the order of the spec files (`specFiles`: id → file),
   * then by file and line; findings outside every spec come last. Each gets its
   * fingerprint here, where the whole list is known.
   */
  sorted(specFiles: ReadonlyMap<string, string>): Finding[] {
    const group = (f: Unprinted) => (f.spec !== undefined ? (specFiles.get(f.spec) ?? '\uffff') : '\uffff\uffff');
    const sorted = this.list
      .map((f) => ({ f, id: identityOf(f), group: group(f) }))
      .sort(
        (a, b) =>
          cmp(a.group, b.group) ||
          cmp(a.f.file ?? '', b.f.file ?? '') ||
          (a.f.line ?? 0) - (b.f.line ?? 0) ||
          cmp(a.f.kind, b.f.kind) ||
          cmp(a.id, b.id),
      );
    const list = sorted.map(({ f }) => f);
    const prints = fingerprints(list, sorted.map(({ id }) => id));
    return list.map((f, i) => ({ ...f, fingerprint: prints[i] }) as Finding);
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
