// A finding's identity across edits: a hash of its kind and what it is about
// (spec, capability, file, symbol, and the kind's own identity: the glob, the
// link, the claimed id, a reader problem's code and subject), never of a line
// number, a count or the words. Baselines and code scanning key on it.

import { hash } from 'node:crypto';
import type { Kind, ProblemData } from './kinds.js';
import type { FindingOf } from './model.js';

type Identity = (string | undefined)[];
type Located = Pick<FindingOf<Kind>, 'spec' | 'capability' | 'file' | 'symbol'>;

const problem = (f: Located & { data: ProblemData }): Identity => [f.spec, f.capability, f.file, f.data.code, f.data.subject];

const IDENTITY: { [K in Kind]: (f: Located & { data: FindingOf<K>['data'] }) => Identity } = {
  // The failing test may change from run to run; the capability failing is the finding.
  'failing-capability': (f) => [f.spec, f.capability],
  'untested-capability': (f) => [f.spec, f.capability],
  'skipped-capability': (f) => [f.spec, f.capability],
  'api-drift': (f) => ('unparsable' in f.data ? [f.file] : [f.spec, f.symbol]),
  'generated-edited': (f) => [f.file],
  'generated-unrecorded': (f) => [f.file],
  'needs-clarification': problem,
  'unplanned-requirement': problem,
  'pending-change': (f) => [f.capability, f.file, f.data.op],
  'semantic-drift': (f) => [f.spec, f.capability, f.data.clause],
  'semantic-unclear': (f) => [f.spec, f.capability],
  'weak-test': (f) => [f.spec, f.capability, f.data.test],
  'uncovered-code': (f) => [f.spec, f.file],
  'unspecified-code': (f) => [f.file],
  'stale-target': (f) => [f.spec, f.data.glob],
  'outdated-link': (f) => [f.capability, f.data.test],
  'bad-link-record': (f) => [f.file, f.data.entry],
  'broken-test-link': (f) => ('claim' in f.data ? [f.file, f.data.test, f.data.claim] : [f.spec, f.capability, f.data.link]),
  'broken-requirement-ref': problem,
  'spec-error': problem,
  'spec-warning': problem,
  'unread-file': (f) => [f.file],
};

/** The identity of a finding as one string: kind first, then the fields that say what it is about. */
export function identityOf(f: Located & { kind: Kind; data: unknown }): string {
  const identity = (IDENTITY[f.kind] as (f: unknown) => Identity)(f);
  return JSON.stringify([f.kind, ...identity.map((v) => v ?? null)]);
}

/**
 * Fingerprints for a plan's findings, in their order. Findings with one identity
 * (a heading written twice, a link repeated) are told apart by their order
 * among themselves, which inserting lines above them keeps.
 */
export function fingerprints(findings: readonly (Located & { kind: Kind; data: unknown })[], ids = findings.map(identityOf)): string[] {
  const seen = new Map<string, number>();
  return findings.map((_, i) => {
    const id = ids[i];
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    // One call, not a Hash object a finding: half the time for twelve thousand findings.
    return hash('sha256', n === 1 ? id : `${id}#${n}`, 'hex').slice(0, 16);
  });
}
