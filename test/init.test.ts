// `sdna init`: a starter config for the formats a project uses; an existing
// config is never replaced without --force.

import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { FIXTURES, sdna, tempProject, write } from './helpers.js';

/** A project with a Kiro feature (with targets), an OpenSpec capability and a Spec Kit feature (without), and no config. */
function mixedProject(): string {
  const root = tempProject('openspec');
  fs.rmSync(path.join(root, 'sdna.config.json'));
  fs.rmSync(path.join(root, 'openspec/specs/reports'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'kiro/.kiro'), path.join(root, '.kiro'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'speckit/specs'), path.join(root, 'specs'), { recursive: true });
  return root;
}

describe.concurrent('sdna init', () => {
  it('writes a config for the formats found, lists the specs that name no code, and prints the plugin line', async ({ expect }) => {
    const root = mixedProject();
    write(root, 'vitest.config.ts', "import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n");
    const r = await sdna(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'sdna: found 1 Spec Kit feature, 1 Kiro feature, 1 OpenSpec capability',
        'sdna: wrote sdna.config.json',
        'sdna: 2 specs name no code; fill in "targets" for them in sdna.config.json:',
        '  openspec/specs/auth/spec.md',
        '  specs/012-offline-drafts/spec.md',
        '',
        'Add the plugin to vitest.config.ts:',
        '',
        "  import { sdna } from 'sdna/vitest';",
        '  export default defineConfig({ plugins: [sdna()] });',
        '',
        'Then run `npx sdna plan` (or `npx vitest`).',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(fs.readFileSync(path.join(root, 'sdna.config.json'), 'utf8'))).toEqual({
      $schema: './node_modules/sdna/schema/config.schema.json',
      specs: [
        '**/specs/*/spec.md',
        '**/.kiro/specs/*/requirements.md',
        '**/openspec/specs/**/spec.md',
        '!**/fixtures/**',
        '!**/__fixtures__/**',
        { path: 'openspec/specs/auth/spec.md', targets: [] },
        { path: 'specs/012-offline-drafts/spec.md', targets: [] },
      ],
    });
    // The config it wrote is valid: sdna plan reads every spec with it.
    const plan = JSON.parse((await sdna(['plan', '--json'], { cwd: root })).stdout);
    expect(plan.specs.map((s: { format: string }) => s.format).sort()).toEqual(['kiro', 'openspec', 'speckit']);
  });

  it('never replaces an existing sdna.config.json without --force; --force replaces it atomically', async ({ expect }) => {
    const root = mixedProject();
    write(root, 'sdna.config.json', '{ "rules": { "untested-capability": "warn" } }\n');
    const refused = await sdna(['init'], { cwd: root });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`sdna: sdna.config.json already exists in ${root} and was left as it is: pass --force to replace it\n`);
    expect(fs.readFileSync(path.join(root, 'sdna.config.json'), 'utf8')).toBe('{ "rules": { "untested-capability": "warn" } }\n');
    const forced = await sdna(['init', '--force'], { cwd: root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('sdna: replaced sdna.config.json\n');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'sdna.config.json'), 'utf8')).specs).toHaveLength(7);
    expect(fs.readdirSync(root).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses when another config (a TypeScript one, or "sdna" in package.json) exists, even with --force', async ({ expect }) => {
    for (const [file, text] of [
      ['sdna.config.ts', 'export default {};\n'],
      ['package.json', '{ "name": "x", "sdna": {} }\n'],
    ]) {
      const root = mixedProject();
      write(root, file, text);
      const r = await sdna(['init', '--force'], { cwd: root });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/already configures sdna in .*: edit it, or remove it and run `sdna init` again\n$/);
      expect(fs.existsSync(path.join(root, 'sdna.config.json'))).toBe(false);
    }
  });

  it('says when the Vitest config already uses the plugin, and starts a project with no specs on Tessl', async ({ expect }) => {
    const withPlugin = tempProject('vitest-cart');
    const r = await sdna(['init'], { cwd: withPlugin });
    expect(r.stdout).toBe('sdna: found 1 Tessl spec\nsdna: wrote sdna.config.json\n\nvitest.config.ts already uses the plugin.\n\nRun `npx sdna plan` (or `npx vitest`).\n');
    const empty = tempProject();
    const e = await sdna(['init', '--root', empty]);
    expect(e.stdout.split('\n')[0]).toBe('sdna: found no specs yet; the config reads Tessl `*.spec.md` files');
    expect(JSON.parse(fs.readFileSync(path.join(empty, 'sdna.config.json'), 'utf8')).specs).toEqual(['**/*.spec.md', '!**/fixtures/**', '!**/__fixtures__/**']);
  });

  it('gives a spec that names no code the source files its tasks.md, design.md or plan.md name', async ({ expect }) => {
    const root = mixedProject();
    write(
      root,
      'specs/012-offline-drafts/tasks.md',
      [
        '# Tasks',
        '- [ ] T001 Create `src/drafts/store.ts` with the queue',
        '- [ ] T002 [P] Sync loop in src/drafts/sync.ts (calls ./src/drafts/store.ts)',
        '- [ ] T003 Test in tests/drafts.test.ts',
        '- [ ] T004 Remove src/drafts/legacy.ts',
        '',
      ].join('\n'),
    );
    write(root, 'specs/012-offline-drafts/plan.md', '# Plan\n\nTouches `src/drafts/sync.ts` and `package.json`.\n');
    write(root, 'src/drafts/store.ts', 'export const store = 1;\n');
    write(root, 'src/drafts/sync.ts', 'export const sync = 1;\n');
    write(root, 'tests/drafts.test.ts', "import { it } from 'vitest';\nit('syncs', () => {});\n");
    const r = await sdna(['init'], { cwd: root });
    expect(r.stdout).toContain(
      'sdna: 1 spec gets the source files its tasks.md, design.md or plan.md name as targets; review them in sdna.config.json:\n  specs/012-offline-drafts/spec.md: src/drafts/store.ts, src/drafts/sync.ts\n',
    );
    const config = JSON.parse(fs.readFileSync(path.join(root, 'sdna.config.json'), 'utf8'));
    expect(config.specs).toContainEqual({ path: 'specs/012-offline-drafts/spec.md', targets: ['src/drafts/store.ts', 'src/drafts/sync.ts'] });
    expect(config.specs).toContainEqual({ path: 'openspec/specs/auth/spec.md', targets: [] });
  });
});
