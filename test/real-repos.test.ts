// What real repositories showed (issue: adopt a real repository as it is):
// fixture specs are not the project's, `!` negations work, exemptions by
// capability id, and requirements a spec marks as removed are not untested.

import { describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../src/model/kinds.js';
import { sdna, tempProject, write } from './helpers.js';

interface JsonPlan {
  specs: { id: string; file: string }[];
  capabilities: { id: string; status: string }[];
  findings: { kind: string; severity: string; capability?: string; file?: string }[];
}

async function plan(root: string, args: string[] = []): Promise<{ code: number | null; plan: JsonPlan; stderr: string }> {
  const r = await sdna(['plan', '--json', '--root', root, ...args], { root });
  return { code: r.code, plan: JSON.parse(r.stdout || '{}') as JsonPlan, stderr: r.stderr };
}

const FEATURE = [
  '# Feature Specification: Signup',
  '',
  '## Requirements',
  '',
  '- **FR-001**: System MUST create an account.',
  '- **FR-002**: System MUST reject an empty name.',
  '- ~~**FR-003**: System MUST send a fax.~~',
  '- **FR-004**: [REMOVED] System MUST print a receipt.',
  '- **FR-005**: (Deprecated in v2) System MUST ask for a phone number.',
  '- **SC-001**: 95% of signups finish in a minute.',
  '- **SC-002**: Nobody complains.',
  '',
].join('\n');

function project(): string {
  const root = tempProject();
  write(root, 'package.json', '{ "name": "signup" }\n');
  write(root, 'specs/001-signup/spec.md', FEATURE);
  write(root, 'src/signup.ts', 'export const signup = 1;\n');
  write(root, 'src/legacy/old.ts', 'export const old = 1;\n');
  // An example project the tests use: its spec is not this project's.
  write(root, 'test/fixtures/demo/specs/001-demo/spec.md', '- **FR-001**: Demo MUST demo.\n');
  write(root, 'packages/a/__fixtures__/x.spec.md', '# X\n');
  return root;
}

describe('specs sdna reads by default', () => {
  it('leaves out specs under fixtures and __fixtures__', async () => {
    const { plan: p } = await plan(project());
    expect(p.specs.map((s) => s.file)).toEqual(['specs/001-signup/spec.md']);
  });

  it('`!` negations in specs, include and exclude take files back out (or back in)', async () => {
    const root = project();
    write(root, 'specs/002-draft/spec.md', '- **FR-001**: Draft MUST draft.\n');
    write(
      root,
      'sdna.config.json',
      JSON.stringify({ specs: ['**/specs/*/spec.md', '!specs/002-*/**', '!**/fixtures/**'], include: ['src/**/*.ts', '!src/legacy/**'], exclude: ['src/**', '!src/signup.ts'] }),
    );
    const { plan: p } = await plan(root);
    expect(p.specs.map((s) => s.file)).toEqual(['specs/001-signup/spec.md']);
    // src/legacy is out of scope (include), and exclude keeps src/signup.ts in it.
    expect(p.findings.filter((f) => f.kind === 'unspecified-code').map((f) => f.file)).toEqual(['src/signup.ts']);
  });
});

describe('removed requirements', () => {
  it('struck through or marked removed or deprecated: status removed, never untested', async () => {
    const { plan: p } = await plan(project());
    expect(Object.fromEntries(p.capabilities.map((c) => [c.id, c.status]))).toEqual({
      '001-signup/FR-001': 'untested',
      '001-signup/FR-002': 'untested',
      '001-signup/FR-003': 'removed',
      '001-signup/FR-004': 'removed',
      '001-signup/FR-005': 'removed',
      '001-signup/SC-001': 'untested',
      '001-signup/SC-002': 'untested',
    });
    expect(p.findings.filter((f) => f.kind === 'untested-capability').map((f) => f.capability)).toEqual([
      '001-signup/FR-001',
      '001-signup/FR-002',
      '001-signup/SC-001',
      '001-signup/SC-002',
    ]);
  });
});

describe('overrides', () => {
  it('set levels for the capabilities (or specs) their globs match; later entries win', async () => {
    const root = project();
    write(
      root,
      'sdna.config.json',
      JSON.stringify({
        rules: { 'unspecified-code': 'off' },
        overrides: [
          { capabilities: ['001-signup/SC-*'], rules: { 'untested-capability': 'off' } },
          { capabilities: ['001-signup'], rules: { 'untested-capability': 'warn' } },
          { capabilities: ['001-signup/FR-002'], rules: { 'untested-capability': 'error' } },
        ],
      }),
    );
    const { code, plan: p } = await plan(root);
    expect(p.findings.map((f) => [f.capability, f.severity])).toEqual([
      ['001-signup/FR-001', 'warn'],
      ['001-signup/FR-002', 'error'],
      ['001-signup/SC-001', 'warn'],
      ['001-signup/SC-002', 'warn'],
    ]);
    expect(code).toBe(1);
  });

  it('are validated like the rest of the config', async () => {
    const root = project();
    const cases: [unknown, string][] = [
      [
        [{ capabilities: ['x/*'], rules: { 'untested-capabilty': 'off' } }],
        `sdna: invalid config in sdna.config.json: unknown key "overrides.0.rules.untested-capabilty" (did you mean "overrides.0.rules.untested-capability"? expected one of: ${KIND_NAMES.join(', ')})\n`,
      ],
      [[{ capabilities: ['x/*'], rules: {}, rule: {} }], 'sdna: invalid config in sdna.config.json: unknown key "overrides.0.rule" (did you mean "overrides.0.rules"? expected one of: capabilities, rules)\n'],
      [[{ capabilities: ['x/[a'], rules: {} }], 'sdna: invalid glob in config `overrides.0.capabilities`: Missing closing: "]" - use "\\\\]" to match literal characters\n'],
    ];
    for (const [overrides, message] of cases) {
      write(root, 'sdna.config.json', JSON.stringify({ overrides }));
      const r = await plan(root);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
  });
});

describe('targets written in the config', () => {
  it('a stale one is reported at its line in the config file', async () => {
    const root = project();
    write(
      root,
      'sdna.config.json',
      ['{', '  "specs": [', '    "**/specs/*/spec.md",', '    { "path": "specs/001-signup/spec.md", "targets": ["src/signup.ts", "src/gone/**"] }', '  ]', '}', ''].join('\n'),
    );
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.stdout).toContain(
      [
        '- 001-signup',
        '    spec: targets src/gone/**',
        '    impl: no file matches target `src/gone/**` (src/gone/**)',
        '    file: sdna.config.json:4',
        '    action: STALE TARGET - remove the target, or restore the code it named',
      ].join('\n'),
    );
  });
});

describe('a plan that scales', () => {
  function many(): string {
    const root = tempProject();
    const caps = (n: number) => Array.from({ length: n }, (_, i) => `- **Rule ${i + 1}**\n  Rule ${i + 1} holds.`).join('\n');
    write(root, 'specs/a.spec.md', `---\nname: A\ntargets: ../src/a.ts\n---\n# A\n\n## Capabilities\n\n${caps(3)}\n`);
    write(root, 'specs/b.spec.md', `---\nname: B\ntargets: ../src/b.ts\n---\n# B\n\n## Capabilities\n\n${caps(7)}\n`);
    write(root, 'src/a.ts', 'export const a = 1;\n');
    write(root, 'src/b.ts', 'export const b = 1;\n');
    return root;
  }

  it('opens with a table of specs (most untested first) and shows at most 8 findings of a kind', async () => {
    const r = await sdna(['plan', '--root', many()], {});
    expect(r.stdout.split('\n').slice(2, 6)).toEqual(['spec  capabilities  untested', 'b                7         7', 'a                3         3', '']);
    expect(r.stdout.match(/^~ /gm)).toHaveLength(8);
    expect(r.stdout).toContain('\n… and 2 more untested-capability (--full shows them all; --json lists every finding)\n\nPlan: 10 drift, 0 unspecified, 0 potentially stale.\n');
    expect(r.code).toBe(1);
  });

  it('--full shows every finding; the JSON plan always has them all', async () => {
    const root = many();
    const r = await sdna(['plan', '--full', '--root', root], {});
    expect(r.stdout.match(/^~ /gm)).toHaveLength(10);
    expect(r.stdout).not.toContain('more untested-capability');
    const json = JSON.parse((await sdna(['plan', '--json', '--root', root], {})).stdout);
    expect(json.findings).toHaveLength(10);
  });
});
