// A plan scoped to a change checks only the specs the change touches, and reads
// the others only as far as their outlines (kept in the parse cache). What it
// shows must be exactly what scoping the whole plan shows: on every fixture,
// for changes of every kind of file, with the cache cold and primed, and where
// links and targets that `sdna import` recorded join the specs.

import { describe, it, type ExpectStatic } from 'vitest';
import { createPlan } from '../src/plan.js';
import { resolveConfig } from '../src/config.js';
import { scopeToChange } from '../src/change-scope.js';
import { levels } from '../src/model/levels.js';
import { toJsonPlan } from '../src/artifacts/plan-format.js';
import { ParseCache } from '../src/artifacts/cache.js';
import { capabilityHash } from '../src/artifacts/links.js';
import { listFiles } from '../src/util/files.js';
import { FIXTURES, tempProject, write } from './helpers.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** For each file changed alone, every third file, and a missing file: the scoped plan, cold and from a primed cache, against the whole plan scoped. */
async function expectScopedAsWhole(root: string, expect: ExpectStatic) {
  const config = resolveConfig({}, undefined, root);
  const levelOf = levels(config.rules, config.overrides);
  const whole = await createPlan(config);
  // The cache a whole plan leaves: every spec with its outline.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-scope-cache-'));
  const primer = ParseCache.open(dir, 'test');
  await createPlan(config, { cache: primer });
  primer.save();
  const files = listFiles(root).files;
  const changes = [...files.map((f) => [f]), files.filter((_, i) => i % 3 === 0), ['src/not-there.ts']];
  let fromOutlines = 0;
  for (const change of changes) {
    const changed = new Set(change);
    const expected = toJsonPlan(scopeToChange(whole, changed, 'test', levelOf));
    const cold = toJsonPlan(await createPlan(config, { changed, by: 'test' }));
    expect({ change, plan: cold }).toEqual({ change, plan: expected });
    const cache = ParseCache.open(dir, 'test');
    const warm = toJsonPlan(await createPlan(config, { changed, by: 'test', cache }));
    expect({ change, cached: warm }).toEqual({ change, cached: expected });
    if (cache.hits > 0) fromOutlines++;
  }
  // The primed cache was used: the outlines came from it.
  expect(fromOutlines).toBe(changes.length);
}

describe('a plan scoped to a change is the whole plan, scoped', () => {
  it.for(fs.readdirSync(FIXTURES))('on the fixture %s', async (fixture, { expect }) => {
    await expectScopedAsWhole(path.join(FIXTURES, fixture), expect);
  });

  it('where recorded links and targets join the specs, nested spec ids among them', async ({ expect }) => {
    const root = tempProject();
    const requirement = (name: string, text: string) => `### Requirement: ${name}\n${text}\n\n#### Scenario: It works\n- **WHEN** asked\n- **THEN** done\n`;
    const words = { totals: 'The cart SHALL add up its lines.', moved: 'The cart SHALL keep a code once applied.', codes: 'Discounts SHALL accept a valid code.' };
    write(root, 'openspec/specs/cart/spec.md', `# cart Specification\n\n## Purpose\n\nThe cart.\n\n## Requirements\n\n${requirement('Totals', words.totals)}\n${requirement('Moved', words.moved)}\n${requirement('Codes too', words.codes)}`);
    write(root, 'openspec/specs/cart/discounts/spec.md', `# discounts Specification\n\n## Purpose\n\nCodes.\n\n## Requirements\n\n${requirement('Codes', words.codes)}`);
    write(root, 'openspec/specs/shipping/spec.md', `# shipping Specification\n\n## Purpose\n\nShips.\n\n## Requirements\n\n${requirement('Rates', 'Shipping SHALL quote a rate.')}`);
    for (const f of ['src/cart.ts', 'src/discounts.ts', 'src/shipping.ts']) write(root, f, `export const x = 1;\n`);
    for (const f of ['test/cart.test.ts', 'test/discounts.test.ts', 'test/other.test.ts', 'test/shipping.test.ts']) write(root, f, `import { it } from 'vitest';\nit('works', () => {});\n`);
    const hash = (text: string) => capabilityHash({ name: '', text });
    const records = [
      // Attaches where its capability is, though the enclosing spec has the same words: a plan of
      // `cart` alone would take it for a renumbered criterion of cart's, so both are planned.
      { capability: 'cart/discounts/codes', text: hash(words.codes), file: 'test/discounts.test.ts' },
      // Its capability is gone; the same words under the enclosing spec `cart` take it (a renumbered criterion).
      { capability: 'cart/discounts/gone', text: hash(words.moved), file: 'test/other.test.ts' },
      // Words changed since: reported, not attached.
      { capability: 'cart/totals', text: '000000000000', file: 'test/cart.test.ts' },
    ];
    write(
      root,
      '.sdna/links.json',
      `{\n  "version": 1,\n  "links": [\n${records.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ],\n  "targets": [\n    ${JSON.stringify({ spec: 'shipping', glob: 'src/shipping.ts' })}\n  ]\n}\n`,
    );
    const past = new Date(Date.now() - 60_000);
    for (const f of listFiles(root).files) fs.utimesSync(path.join(root, f), past, past);
    const whole = await createPlan(resolveConfig({}, undefined, root));
    // The records did join: the moved link sits on cart's criterion, the target on shipping.
    expect(whole.capabilities.find((c) => c.id === 'cart/moved')?.tests).toEqual([{ file: 'test/other.test.ts', inferred: true }]);
    expect(whole.findings.filter((f) => f.kind === 'outdated-link').map((f) => f.capability)).toEqual(['cart/totals']);
    expect(whole.targetFiles.get('shipping')).toEqual(['src/shipping.ts']);
    await expectScopedAsWhole(root, expect);
  });
});
