// Config files in every supported form, strict validation, and rules levels,
// through the real CLI.

import fs from 'node:fs';
import path from 'node:path';
import { KIND_NAMES } from '../src/model/kinds.js';
import { describe, it } from 'vitest';
import { FIXTURES, REPO, sdna, tempProject, write } from './helpers.js';

const SPEC = `---
name: Notes
targets:
  - ../src/notes.ts
---
# Notes

## Capabilities

- **Save note** [@test](../test/notes.test.ts)
- **Pin note**
`;

/** A project with one untested capability and one unspecified file. */
function project(): string {
  const root = tempProject();
  write(root, 'specs/notes.spec.md', SPEC);
  write(root, 'src/notes.ts', 'export const save = () => 1;\n');
  write(root, 'src/draft.ts', 'export const draft = 1;\n');
  write(root, 'test/notes.test.ts', "import { it } from 'vitest';\nit('saves', () => {});\n");
  return root;
}

async function kinds(root: string, args: string[] = []) {
  const r = await sdna(['plan', '--root', root, '--json', ...args], { root });
  const plan = r.stdout ? (JSON.parse(r.stdout) as { findings: { kind: string; severity: string }[] }) : undefined;
  return { code: r.code, stderr: r.stderr, findings: plan?.findings.map((f) => `${f.kind}:${f.severity}`) };
}

describe.concurrent('config', () => {
  it('zero config: defaults apply', async ({ expect }) => {
    const root = project();
    expect(await kinds(root)).toEqual({
      code: 1,
      stderr: '',
      findings: ['untested-capability:error', 'unspecified-code:error'],
    });
  });

  it('sdna.config.json sets levels', async ({ expect }) => {
    const root = project();
    write(root, 'sdna.config.json', JSON.stringify({ rules: { 'untested-capability': 'warn', 'unspecified-code': 'off' } }));
    expect(await kinds(root)).toEqual({ code: 0, stderr: '', findings: ['untested-capability:warn'] });
  });

  it('"sdna" in package.json', async ({ expect }) => {
    const root = project();
    write(root, 'package.json', JSON.stringify({ name: 'notes', sdna: { rules: { 'unspecified-code': 'warn' } } }));
    expect((await kinds(root)).findings).toEqual(['untested-capability:error', 'unspecified-code:warn']);
  });

  it('sdna.config.mjs', async ({ expect }) => {
    const root = project();
    write(root, 'sdna.config.mjs', "export default { include: ['src/notes.ts'] };\n");
    expect((await kinds(root)).findings).toEqual(['untested-capability:error']);
  });

  it('sdna.config.ts, with defineConfig from sdna', async ({ expect }) => {
    const root = project();
    // As if installed: node_modules/sdna is this package.
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.symlinkSync(REPO, path.join(root, 'node_modules', 'sdna'));
    write(
      root,
      'sdna.config.ts',
      "import { defineConfig, type UserConfig } from 'sdna';\nconst rules: UserConfig['rules'] = { 'untested-capability': 'off' };\nexport default defineConfig({ rules });\n",
    );
    expect(await kinds(root)).toEqual({ code: 1, stderr: '', findings: ['unspecified-code:error'] });
  });

  it('--config names a file anywhere', async ({ expect }) => {
    const root = project();
    write(root, 'config/strict.json', JSON.stringify({ root: '..', rules: { 'untested-capability': 'off' } }));
    expect((await kinds(root, ['--config', path.join(root, 'config/strict.json')])).findings).toEqual([
      'unspecified-code:error',
    ]);
  });

  it('`root` is relative to the config file', async ({ expect }) => {
    const outer = tempProject();
    const inner = path.join(outer, 'app');
    fs.cpSync(project(), inner, { recursive: true });
    write(outer, 'sdna.config.json', JSON.stringify({ root: 'app', rules: { 'unspecified-code': 'off' } }));
    const r = await sdna(['plan', '--root', outer, '--json']);
    expect(JSON.parse(r.stdout).root).toBe(inner);
    expect(r.code).toBe(1);
  });

  it('specs, tests and exclude globs', async ({ expect }) => {
    const root = project();
    write(root, 'docs/other.spec.md', SPEC.replace('Notes', 'Other').replace(/\.\.\//g, '../'));
    write(
      root,
      'sdna.config.json',
      JSON.stringify({ specs: ['specs/**/*.spec.md'], exclude: ['src/draft.ts'], tests: ['test/**/*.test.ts'] }),
    );
    expect((await kinds(root)).findings).toEqual(['untested-capability:error']);
  });
});

describe.concurrent('config errors: exit 2, one line on stderr', () => {
  const cases: [name: string, file: string, content: string, message: string][] = [
    [
      'unknown key',
      'sdna.config.json',
      '{ "rulez": {} }',
      'sdna: invalid config in sdna.config.json: unknown key "rulez" (did you mean "rules"? expected one of: $schema, root, specs, include, exclude, tests, rules, overrides)\n',
    ],
    [
      'unknown finding kind in rules',
      'sdna.config.json',
      '{ "rules": { "untested": "off" } }',
      `sdna: invalid config in sdna.config.json: unknown key "rules.untested" (expected one of: ${KIND_NAMES.join(', ')})\n`,
    ],
    [
      'bad level',
      'sdna.config.json',
      '{ "rules": { "stale-target": "fatal" } }',
      'sdna: invalid config in sdna.config.json: invalid value (location: rules.stale-target, expected: "error" | "warn" | "off")\n',
    ],
    [
      'a string where globs go',
      'sdna.config.json',
      '{ "include": "src/**/*.ts" }',
      'sdna: invalid config in sdna.config.json: invalid type (location: include, expected: an array of glob strings)\n',
    ],
    [
      'an empty glob',
      'sdna.config.json',
      '{ "specs": [""] }',
      'sdna: invalid config in sdna.config.json: empty value (location: specs.0, expected: a non-empty string)\n',
    ],
    [
      'not an object',
      'sdna.config.json',
      '[]',
      'sdna: invalid config in sdna.config.json: expected an object such as { "specs": ["specs/**/*.spec.md"] }\n',
    ],
    [
      'invalid JSON',
      'sdna.config.json',
      '{ "rules": ',
      'sdna: cannot load sdna.config.json: Unexpected end of JSON input (it must be JSON, such as { "specs": ["specs/**/*.spec.md"] })\n',
    ],
    [
      'a JSON syntax error names its line and column',
      'sdna.config.json',
      '{\n  "specs": ["a"],\n}\n',
      'sdna: cannot load sdna.config.json:3:1: Expected double-quoted property name (JSON allows no comments or trailing commas; use sdna.config.ts for those)\n',
    ],
    [
      'invalid glob',
      'sdna.config.json',
      '{ "include": ["src/[a"] }',
      'sdna: invalid glob in config `include`: Missing closing: "]" - use "\\\\]" to match literal characters\n',
    ],
    [
      'bad key in package.json',
      'package.json',
      '{ "name": "x", "sdna": { "spec": [] } }',
      'sdna: invalid config in package.json ("sdna"): unknown key "spec" (did you mean "specs"? expected one of: $schema, root, specs, include, exclude, tests, rules, overrides)\n',
    ],
    [
      'a module that throws',
      'sdna.config.mjs',
      "throw new Error('boom');\n",
      'sdna: cannot load sdna.config.mjs: boom\n',
    ],
  ];
  for (const [name, file, content, message] of cases) {
    it(name, async ({ expect }) => {
      const root = project();
      write(root, file, content);
      const r = await sdna(['plan', '--root', root], { root });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(message);
    });
  }

  it('two config files', async ({ expect }) => {
    const root = project();
    write(root, 'sdna.config.json', '{}');
    write(root, 'sdna.config.mjs', 'export default {};\n');
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: found sdna.config.mjs and sdna.config.json in <root>: keep one config file\n');
  });

  it('--config that does not exist', async ({ expect }) => {
    const r = await sdna(['plan', '--config', 'nope.json', '--root', path.join(FIXTURES, 'clean')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: config file not found: nope.json (pass an existing sdna.config.{ts,mts,js,mjs,json} or package.json)\n');
  });
});
