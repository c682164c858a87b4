// Test tags came in Vitest 4.1. On Vitest 3.2 `it(name, { tags }, fn)` runs
// but `TestCase.tags` is undefined, so a tag links no test to a capability and
// the plan calls that capability untested. This names the tests whose source
// tags them with a capability, so that the reason is on screen.

import type { StaticTest } from '../checks/links/test-names.js';
import type { Plan } from '../model/model.js';
import { tagOf } from '../model/tags.js';

/** `test/a.test.ts:12 "adds" (cart/add)` for each test the static plan links to a capability by a tag alone. */
export function tagClaims(plan: Plan, written: (file: string) => Map<string, StaticTest>): string[] {
  const out: string[] = [];
  for (const cap of plan.capabilities) {
    for (const ref of cap.tests) {
      if (ref.name === undefined) continue;
      const test = written(ref.file).get(ref.name);
      // A test that also claims it by meta still proves it.
      if (!test?.tags.includes(tagOf(cap.id)) || test.capabilities.some((c) => c.id === cap.id)) continue;
      out.push(`${ref.file}:${test.line} "${test.fullName}" (${cap.id})`);
    }
  }
  return out;
}

/** The warning printed after the plan when this Vitest has no test tags and some test claims a capability by one. */
export function tagsIgnoredNote(version: string, claims: string[]): string {
  const shown = claims.slice(0, 3).join(', ') + (claims.length > 3 ? ` and ${claims.length - 3} more` : '');
  return (
    `sdna: Vitest ${version} has no test tags (they came in Vitest 4.1), so a tag links no test to its capability: ${shown}. ` +
    'Claim the capability with { meta: { capabilities: [...] } } instead, or use Vitest 4.1 or later.'
  );
}
