// `sdna baseline`: adopt sdna on an existing repository and gate on new
// findings only. Keyed by fingerprint, never by a count.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdna, snapshotTree, tempProject, write } from './helpers.js';

const spec = (caps: string[]) =>
  ['---', 'name: Links', 'targets:', '  - ../src/links/*.ts', '---', '# Links', '', '## Capabilities', '', ...caps, ''].join('\n');

function project(): string {
  const root = tempProject();
  write(root, 'specs/links.spec.md', spec(['- **Create link**', '  Shortens a URL.', '- **Resolve link**', '  Returns the stored URL.']));
  write(root, 'src/links/create.ts', 'export const create = 1;\n');
  write(root, 'test/links.test.ts', "import { it } from 'vitest';\nit('creates a code', () => {});\n");
  return root;
}

describe('sdna baseline', () => {
  it('records today\'s findings; the plan then passes, and says how many it holds', async () => {
    const root = project();
    expect((await sdna(['plan', '--root', root])).code).toBe(1);
    const r = await sdna(['baseline', '--root', root]);
    expect(r.stdout).toBe('sdna: recorded 2 findings in .sdna/baseline.json; `sdna plan` and the Vitest plugin now fail only on findings not in it\n');
    const file = fs.readFileSync(path.join(root, '.sdna/baseline.json'), 'utf8');
    expect(file.split('\n').filter((l) => l.includes('"fingerprint"'))).toHaveLength(2);
    const plan = await sdna(['plan', '--root', root]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toBe(
      'Analyzing spec drift for ' + path.basename(root) + '...\n\nNo changes beyond the baseline.\n\nBaseline: 2 findings in .sdna/baseline.json not shown.\nPlan: 0 drift, 0 unspecified, 0 potentially stale.\n',
    );
    const json = JSON.parse((await sdna(['plan', '--json', '--root', root])).stdout);
    expect(json.findings.map((f: { baselined?: boolean }) => f.baselined)).toEqual([true, true]);
    expect(json.baseline).toEqual({ file: '.sdna/baseline.json', baselined: 2, gone: [] });
    expect(json.summary).toEqual({ drift: 0, unspecified: 0, stale: 0, errors: 0 });
  });

  it('fixing one finding and adding another of the same kind still fails; the fixed one is gone until pruned', async () => {
    const root = project();
    await sdna(['baseline', '--root', root]);
    write(
      root,
      'specs/links.spec.md',
      spec(['- **Create link** [@test](../test/links.test.ts)', '  Shortens a URL.', '- **Resolve link**', '  Returns the stored URL.', '- **Expire link**', '  Forgets a link after a day.']),
    );
    const plan = await sdna(['plan', '--root', root]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('~ links/expire-link\n');
    expect(plan.stdout).not.toContain('~ links/resolve-link\n');
    expect(plan.stdout).toContain(
      'Baseline: 1 finding in .sdna/baseline.json not shown.\n1 baselined finding is gone (run `sdna baseline --prune` to drop it):\n  - untested-capability links/create-link\nPlan: 1 drift, 0 unspecified, 0 potentially stale.\n',
    );
    const pruned = await sdna(['baseline', '--prune', '--root', root]);
    expect(pruned.stdout).toBe('sdna: dropped 1 gone finding from .sdna/baseline.json; 1 remain\n');
    const after = await sdna(['plan', '--root', root]);
    expect(after.stdout).not.toContain('gone');
    expect(after.code).toBe(1); // the new finding was not added by --prune
    const again = await sdna(['baseline', '--root', root]);
    expect(again.stdout).toContain('recorded 2 findings in .sdna/baseline.json (1 new, 0 gone)');
  });

  it('a corrupt baseline, or one from a newer sdna, stops plan and baseline with exit 2 and is not overwritten', async () => {
    const recover = '; fix it, or delete it and run `sdna baseline` to record the current findings again\n';
    const cases: [string, string][] = [
      ['{ "version": 1, "findings": [', `sdna: .sdna/baseline.json is not valid JSON (Unexpected end of JSON input)${recover}`],
      ['{ "version": 2, "findings": [] }', 'sdna: .sdna/baseline.json was written by a newer sdna (baseline version 2); upgrade sdna to read it\n'],
      ['{ "findings": [] }', `sdna: .sdna/baseline.json has no \`"version": 1\`${recover}`],
      ['{ "version": 1, "findings": [{ "fingerprint": "x" }] }', `sdna: .sdna/baseline.json is not a valid baseline (at findings.0.fingerprint: expected a string of the form /^[0-9a-f]{16}$/, found a string ("x"))${recover}`],
    ];
    for (const [content, message] of cases) {
      const root = project();
      write(root, '.sdna/baseline.json', content);
      const before = snapshotTree(root);
      for (const args of [['plan'], ['baseline'], ['baseline', '--prune']]) {
        const r = await sdna([...args, '--root', root]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toBe(message);
      }
      expect(snapshotTree(root)).toBe(before);
    }
  });

  it('--prune without a baseline says so and writes nothing', async () => {
    const root = project();
    const r = await sdna(['baseline', '--prune', '--root', root]);
    expect([r.code, r.stdout]).toEqual([0, 'sdna: no .sdna/baseline.json to prune; run `sdna baseline` to write one\n']);
    expect(fs.existsSync(path.join(root, '.sdna'))).toBe(false);
  });
});
