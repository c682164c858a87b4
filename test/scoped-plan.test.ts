// A plan scoped to a change checks only the specs the change touches, and reads
// the others only as far as their outlines (kept in the parse cache). What it
// shows must be exactly what scoping the whole plan shows: on every fixture,
// for changes of every kind of file, with the cache cold and primed, and where
// links and targets that `sdna import` recorded join the specs.

import { describe, expect, it, type ExpectStatic } from 'vitest';
import { createPlan } from '../src/plan.js';
import { resolveConfig } from '../src/config.js';
import { scopeToChange } from '../src/change-scope.js';
import { levels } from '../src/model/levels.js';
import { toJsonPlan } from '../src/artifacts/plan-format.js';
import { ParseCache } from '../src/artifacts/cache.js';
import { capabilityHash } from '../src/artifacts/links.js';
import { listFiles } from '../src/util/files.js';
import { cacheSections, FIXTURES, tempProject, write } from './helpers.js';
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

describe('the outlines a scoped plan matches against', () => {
  /** The rows of the outline table in the cache file at `dir`. */
  function outlineRows(dir: string): [string, string, { capabilities: string[] } | 0][] {
    const { kinds, sections } = cacheSections(fs.readFileSync(path.join(dir, 'parse-cache.json')));
    const i = kinds.findIndex(([kind]) => kind === 'spec-outlines-1');
    expect(i).not.toBe(-1);
    const lines = sections[i].split('\n');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0].slice(lines[0].indexOf('\t') + 1));
  }

  it('are one entry of the cache, kept as each spec was last read; a garbled row is read again', async ({ expect }) => {
    const root = tempProject();
    const spec = (name: string, target: string, capabilities: string[]) =>
      `---\nname: ${name}\ntargets:\n  - ../${target}\n---\n# ${name}\n\n## Capabilities\n\n${capabilities.map((c) => `- **${c}**\n  It ${c}.\n`).join('')}`;
    write(root, 'specs/a.spec.md', spec('A', 'src/a.ts', ['Adds']));
    write(root, 'specs/b.spec.md', spec('B', 'src/b.ts', ['Bills']));
    write(root, 'notes/c.spec.md', Buffer.from([0xff, 0xfe, 0, 0x41]));
    write(root, 'src/a.ts', 'export const a = 1;\n');
    write(root, 'src/b.ts', 'export const b = 1;\n');
    const past = new Date(Date.now() - 60_000);
    const settle = () => {
      for (const f of listFiles(root).files) fs.utimesSync(path.join(root, f), past, past);
    };
    settle();
    const config = resolveConfig({}, undefined, root);
    const levelOf = levels(config.rules, config.overrides);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-outlines-'));
    const primer = ParseCache.open(dir, 'test');
    await createPlan(config, { cache: primer });
    primer.save();
    // A whole plan leaves every spec file's outline, in one entry.
    const rows = outlineRows(dir);
    expect(rows.map(([file, , outline]) => [file, outline === 0 ? 0 : outline.capabilities])).toEqual([
      ['notes/c.spec.md', 0],
      ['specs/a.spec.md', ['a/adds']],
      ['specs/b.spec.md', ['b/bills']],
    ]);

    const scoped = async (changed: Set<string>) => {
      const cache = ParseCache.open(dir, 'test');
      const plan = toJsonPlan(await createPlan(config, { changed, by: 'test', cache }));
      cache.save();
      const whole = await createPlan(config);
      expect(plan).toEqual(toJsonPlan(scopeToChange(whole, changed, 'test', levelOf)));
      return plan;
    };
    // B gains a capability; a change to A's code alone still reads B again (its stamp changed) and keeps its new outline.
    write(root, 'specs/b.spec.md', spec('B', 'src/b.ts', ['Bills', 'Refunds']));
    settle();
    expect((await scoped(new Set(['src/a.ts']))).capabilities.map((c) => c.id)).toEqual(['a/adds']);
    expect(outlineRows(dir).map(([file, , outline]) => [file, outline === 0 ? 0 : outline.capabilities])).toEqual([
      ['notes/c.spec.md', 0],
      ['specs/a.spec.md', ['a/adds']],
      ['specs/b.spec.md', ['b/bills', 'b/refunds']],
    ]);
    // Each row garbled in turn, in each way: the plan is the same, and the table whole again after it.
    const file = path.join(dir, 'parse-cache.json');
    const good = fs.readFileSync(file, 'utf8');
    const value = JSON.stringify(outlineRows(dir));
    for (const garbled of [
      value.replace('"specs/b.spec.md"', '5'),
      value.replace(/"specs\/b\.spec\.md","[^"]+"/, '"specs/b.spec.md",7'),
      value.replace(/\{"id":"b"[^]*?\]\}/, '"b"'),
      value.replace(/^\[\[/, '[5,['),
      '{"rows":1}',
    ]) {
      expect(garbled).not.toBe(value);
      const { header, kinds, sections } = cacheSections(Buffer.from(good));
      const i = kinds.findIndex(([kind]) => kind === 'spec-outlines-1');
      const line = sections[i].slice(0, sections[i].indexOf('\t') + 1) + garbled;
      const parsed = JSON.parse(header) as { kinds: [string, number, number][] };
      parsed.kinds[i][1] = Buffer.byteLength(line);
      fs.writeFileSync(file, [JSON.stringify(parsed), ...sections.map((s, j) => (j === i ? line : s))].join('\n') + '\n');
      expect((await scoped(new Set(['src/b.ts']))).capabilities.map((c) => c.id)).toEqual(['b/bills', 'b/refunds']);
      expect(outlineRows(dir)).toEqual(JSON.parse(value));
    }
  });
});
