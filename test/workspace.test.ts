// npm and pnpm workspaces: `sdna plan` at the root plans each package with its
// own specs and config, and prints one plan; `--workspace` limits it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages } from '../src/workspace.js';
import { SMALL_PLAN_FLAGS, sdna, tempProject, write } from './helpers.js';

interface JsonPlan {
  specs: { id: string; file: string }[];
  capabilities: { id: string; file: string; status: string; tests: { file: string }[] }[];
  findings: { kind: string; severity: string; file?: string; capability?: string }[];
}

function workspace(manifest: 'npm' | 'pnpm'): string {
  const root = tempProject();
  if (manifest === 'npm') write(root, 'package.json', JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/api', 'packages/web'] }));
  else {
    write(root, 'package.json', JSON.stringify({ name: 'acme', private: true }));
    write(root, 'pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n  - '!packages/skipped'\n");
  }
  // api: a Tessl spec, linked and passing statically; its own config turns unspecified code off.
  write(root, 'packages/api/package.json', JSON.stringify({ name: '@acme/api' }));
  write(root, 'packages/api/sdna.config.json', JSON.stringify({ rules: { 'unspecified-code': 'off' } }));
  write(root, 'packages/api/specs/orders.spec.md', '---\nname: Orders\ntargets:\n  - ../src/orders.ts\n---\n# Orders\n\n## Capabilities\n\n### Place order\n\n- Places one. [@test](../test/orders.test.ts)\n');
  write(root, 'packages/api/src/orders.ts', 'export const place = 1;\n');
  write(root, 'packages/api/src/extra.ts', 'export const extra = 1;\n');
  write(root, 'packages/api/test/orders.test.ts', "import { it } from 'vitest';\nit('places', () => {});\n");
  // web: a Spec Kit feature, untested; default config.
  write(root, 'packages/web/package.json', JSON.stringify({ name: '@acme/web' }));
  write(root, 'packages/web/specs/001-cart/spec.md', '# Feature Specification: Cart\n\n- **FR-001**: System MUST keep the cart.\n');
  write(root, 'packages/web/src/cart.ts', 'export const cart = 1;\n');
  // Not a package (pnpm: negated; npm: not listed): part of the root.
  write(root, 'packages/skipped/package.json', JSON.stringify({ name: '@acme/skipped' }));
  return root;
}

async function plan(root: string, args: string[] = []) {
  const r = await sdna(['plan', '--json', '--root', root, ...args], { root });
  return { code: r.code, stderr: r.stderr, plan: JSON.parse(r.stdout || '{}') as JsonPlan };
}

describe('workspaces', () => {
  for (const manifest of ['npm', 'pnpm'] as const) {
    it(`${manifest}: one plan of every package, each with its own config, paths from the workspace root`, async () => {
      const { code, plan: p } = await plan(workspace(manifest));
      expect(code).toBe(1);
      expect(p.specs.map((s) => [s.id, s.file])).toEqual([
        ['orders', 'packages/api/specs/orders.spec.md'],
        ['001-cart', 'packages/web/specs/001-cart/spec.md'],
      ]);
      expect(p.capabilities.map((c) => [c.id, c.status, c.tests.map((t) => t.file)])).toEqual([
        ['orders/place-order', 'linked', ['packages/api/test/orders.test.ts']],
        ['001-cart/FR-001', 'untested', []],
      ]);
      // api's config turns unspecified-code off there; web keeps the default.
      expect(p.findings.map((f) => [f.kind, f.capability ?? f.file])).toEqual([
        ['untested-capability', '001-cart/FR-001'],
        ['unspecified-code', 'packages/web/src/cart.ts'],
      ]);
    });
  }

  it('--workspace limits the plan to the packages it names (by name or folder)', async () => {
    const root = workspace('npm');
    const byName = await plan(root, ['--workspace', '@acme/api']);
    expect(byName.code).toBe(0);
    expect(byName.plan.specs.map((s) => s.file)).toEqual(['packages/api/specs/orders.spec.md']);
    const byDir = await plan(root, ['--workspace', 'packages/web']);
    expect(byDir.plan.specs.map((s) => s.file)).toEqual(['packages/web/specs/001-cart/spec.md']);
  });

  it("counts the files a plan will list before any package is planned: every package folder's, or the chosen packages'", async () => {
    const root = workspace('npm');
    expect((await workspacePackages(root))?.files).toBe(9);
    expect((await workspacePackages(root, ['@acme/api']))?.files).toBe(6);
    expect((await workspacePackages(root, ['packages/web']))?.files).toBe(3);
    expect((await workspacePackages(root, ['@acme/api', 'packages/web']))?.files).toBe(9);
  });

  it('an unknown package, or --workspace outside a workspace, stops with exit 2', async () => {
    const r = await plan(workspace('npm'), ['--workspace', '@acme/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: --workspace @acme/nope: no such package in this workspace (@acme/api, @acme/web)\n');
    const single = tempProject();
    write(single, 'package.json', '{ "name": "one" }');
    const s = await sdna(['plan', '--root', single, '--workspace', 'x'], { root: single });
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(
      'sdna: --workspace: <root> is not the root of an npm or pnpm workspace without an sdna config of its own (no "workspaces" in package.json, no pnpm-workspace.yaml)\n',
    );
  });

  it("the root's own specs are planned too, without the packages' files", async () => {
    const root = workspace('npm');
    write(root, 'specs/docs.spec.md', '---\nname: Docs\ntargets:\n  - ../scripts/docs.ts\n---\n# Docs\n\n## Capabilities\n\n### Build docs\n\n- Builds them.\n');
    write(root, 'scripts/docs.ts', 'export const docs = 1;\n');
    const { plan: p } = await plan(root, ['--json']);
    expect(p.specs.map((s) => s.file)).toEqual(['specs/docs.spec.md', 'packages/api/specs/orders.spec.md', 'packages/web/specs/001-cart/spec.md']);
    expect(p.findings.filter((f) => f.kind === 'unspecified-code').map((f) => f.file)).toEqual(['packages/web/src/cart.ts']);
  });

  it("V8's flags are set for the tree's size before the packages' checks run, as in one project's plan", async () => {
    const root = workspace('npm');
    write(root, 'packages/api/specs/orders.spec.md', '---\nname: Orders\ntargets:\n  - ../src/orders.ts\n---\n# Orders\n\n## Capabilities\n\n### Place order\n\n- Places one. [@test](../test/orders.test.ts)\n\n## API\n\n```ts\nexport const place: string;\n```\n');
    const cacheDir = path.join(root, '.cache');
    const r = await sdna(['plan', '--json', '--root', root, '--cache-dir', cacheDir], { root });
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as JsonPlan).findings.map((f) => f.kind)).toContain('api-drift');
    // TypeScript's compiled code is kept under the name of the flags set when it loaded: a small tree's.
    expect(fs.readdirSync(cacheDir).filter((f) => f.startsWith('v8-typescript-'))).toEqual([expect.stringMatching(new RegExp(`^v8-typescript-${SMALL_PLAN_FLAGS}[0-9a-f]{16}\\.bin$`))]);
  });
});
