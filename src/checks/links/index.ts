// Links and claims: each capability's own tests, from its `[@test]` links (a
// broken one is a finding) and from the tests that claim it (`meta.capabilities`
// or a tag); a claim of an id no spec declares is a broken link at the test.

import type { FindingInput } from '../../model/findings.js';
import type { Spec, TestLink, TestRef } from '../../model/model.js';
import { tagOf } from '../../model/tags.js';
import { closest } from '../../util/text.js';
import type { Claim } from './claims.js';
import type { TestIndex } from './test-index.js';

export interface LinkResult {
  /** Each capability's own tests (not its parent's), by id. */
  testsOf: Map<string, TestRef[]>;
  findings: FindingInput[];
}

/** `known`: every capability id of the project, when only some specs are checked (a plan scoped to a change): a claim of one is no broken link. */
export function checkLinks(specs: Spec[], claims: Claim[], index: TestIndex, known: readonly string[] = specs.flatMap((s) => s.capabilities.map((c) => c.id))): LinkResult {
  const findings: FindingInput[] = [];
  const claimsOf = sortClaims(known, claims, findings);
  const testsOf = new Map<string, TestRef[]>();
  const checked = (spec: Spec, capability: string | undefined, link: TestLink): boolean => {
    const check = index.check(link);
    if (check.ok) return true;
    findings.push({
      kind: 'broken-test-link',
      spec: spec.id,
      capability,
      file: link.in ?? spec.file,
      line: link.line,
      data: { link: link.raw, target: link.file, ...(link.fragment !== undefined && { fragment: link.fragment }), reason: check.reason },
    });
    return false;
  };
  for (const spec of specs) {
    for (const link of spec.links) checked(spec, undefined, link);
    for (const cap of spec.capabilities) {
      const tests = new Map<string, TestRef>();
      const add = (ref: TestRef) => tests.set(`${ref.file}\0${ref.name ?? ''}`, ref);
      for (const link of cap.links) {
        if (!checked(spec, cap.id, link)) continue;
        const ref: TestRef = link.fragment === undefined ? { file: link.file } : { file: link.file, name: link.fragment };
        // A test written in the spec and also recorded is written.
        const key = `${ref.file}\0${ref.name ?? ''}`;
        if (link.inferred && !tests.has(key)) add({ ...ref, inferred: true });
        else if (!link.inferred) add(ref);
      }
      for (const claim of claimsOf.get(cap.id) ?? []) add({ file: claim.file, name: claim.test });
      testsOf.set(cap.id, [...tests.values()]);
    }
  }
  return { testsOf, findings };
}

/** Claims by capability id (`ids`: every capability's); claims of ids no spec declares are broken links. */
function sortClaims(ids: readonly string[], claims: Claim[], findings: FindingInput[]): Map<string, Claim[]> {
  const known = new Set(ids);
  // A capability's Vitest tag is its id, or the id made tag-safe (see tagOf): worked out for every id only when a test claims by tag.
  let byTag: Map<string, string> | undefined;
  const tagged = (tag: string) => (byTag ??= new Map(ids.map((id) => [tagOf(id), id]))).get(tag);
  const claimsOf = new Map<string, Claim[]>();
  for (const claim of claims) {
    const id = claim.via === 'tag' ? tagged(claim.id) : known.has(claim.id) ? claim.id : undefined;
    if (id !== undefined) {
      const list = claimsOf.get(id);
      if (list) list.push(claim);
      else claimsOf.set(id, [claim]);
    }
    // Other tags are the user's own; Vitest's strictTags checks them.
    else if (claim.via === 'meta') findings.push(unknownClaim(claim.file, claim.line, claim.test, claim.id, closest(claim.id, known)));
  }
  return claimsOf;
}

/** A test's claim of a capability no spec declares (found in its source, or reported by Vitest at run time). */
export function unknownClaim(file: string, line: number | undefined, test: string, claim: string, near?: string): FindingInput {
  return { kind: 'broken-test-link', file, line, data: { claim, test, ...(near !== undefined && { near }) } };
}
