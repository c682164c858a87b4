// `sdna export` and `sdna plan --from`: the model of every spec as versioned
// JSON, and a plan made from it that equals the plan made from the spec files.

import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { FIXTURES, sdna, snapshotTree, tempProject, write } from './helpers.js';

const FIXTURE_NAMES = ['demo', 'clean', 'spec-error', 'generated', 'api-drift', 'speckit', 'kiro', 'openspec', 'openspec-rules'];

describe.concurrent('export, then plan --from: the same plan as reading the specs', () => {
  for (const fixture of FIXTURE_NAMES) {
    it(fixture, async ({ expect }) => {
      const root = path.join(FIXTURES, fixture);
      const before = snapshotTree(root);
      const exported = await sdna(['export', '--root', root], { root });
      expect(exported.code).toBe(0);
      expect(snapshotTree(root)).toBe(before); // export to stdout writes nothing
      const doc = JSON.parse(exported.stdout);
      expect(doc.version).toBe(1);
      const dir = tempProject();
      write(dir, 'model.json', exported.stdout);
      const fromFile = await sdna(['plan', '--root', root, '--json', '--from', path.join(dir, 'model.json')], { root });
      const fromSpecs = await sdna(['plan', '--root', root, '--json'], { root });
      expect(fromFile.stderr).toBe('');
      expect(fromFile.stdout).toBe(fromSpecs.stdout);
      expect(fromFile.code).toBe(fromSpecs.code);
      const terminalFromFile = await sdna(['plan', '--root', root, '--from', path.join(dir, 'model.json')], { root });
      const terminal = await sdna(['plan', '--root', root], { root });
      expect(terminalFromFile.stdout).toBe(terminal.stdout);
    });
  }
});

describe.concurrent('sdna export', () => {
  it('holds every format, parts, text hashes and the problems the readers found', async ({ expect }) => {
    const root = path.join(FIXTURES, 'kiro');
    const doc = JSON.parse((await sdna(['export', '--root', root], { root })).stdout);
    expect(doc.specs.map((s: { id: string; format: string }) => [s.id, s.format])).toEqual([['session-expiry', 'kiro']]);
    const part = doc.specs[0].capabilities.find((c: { id: string }) => c.id === 'session-expiry/1.2');
    expect(part).toMatchObject({ parent: 'session-expiry/1', textHash: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(doc.problems.map((p: { kind: string; file: string; companion?: string }) => [p.kind, p.file, p.companion])).toEqual([
      ['broken-requirement-ref', '.kiro/specs/session-expiry/requirements.md', '.kiro/specs/session-expiry/tasks.md'],
      ['unplanned-requirement', '.kiro/specs/session-expiry/requirements.md', undefined],
    ]);
  });

  it('carries each problem\'s code and subject; a problem from another tool without them is identified by its text', async ({ expect }) => {
    const root = path.join(FIXTURES, 'kiro');
    const doc = JSON.parse((await sdna(['export', '--root', root], { root })).stdout);
    expect(doc.problems.map((p: { code: string; subject?: string }) => [p.code, p.subject])).toEqual([
      ['unknown-requirement', '3.1'],
      ['no-task', undefined],
    ]);
    const dir = tempProject();
    const problem = (actual: string) => ({ spec: 'x', file: 'x.spec.md', kind: 'spec-error', line: 1, actual, hint: 'fix it' });
    write(dir, 'model.json', JSON.stringify({ version: 1, specs: [], problems: [problem('first'), problem('second'), problem('first')] }));
    const plan = JSON.parse((await sdna(['plan', '--json', '--from', 'model.json'], { cwd: dir })).stdout);
    const [a, b, c] = plan.findings.map((f: { fingerprint: string }) => f.fingerprint);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('--out writes the file atomically and says what it wrote on stderr', async ({ expect }) => {
    const dir = tempProject('openspec');
    const r = await sdna(['export', '--out', 'model.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sdna: exported 2 specs (7 capabilities, 0 problems) to model.json\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).specs).toHaveLength(2);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe.concurrent('sdna plan --from: bad input stops with exit 2 and says why', () => {
  const cases: [name: string, content: string | undefined, message: RegExp][] = [
    ['a missing file', undefined, /^sdna: cannot read .*missing\.json: it does not exist \(pass the file `sdna export --out` wrote\)\n$/],
    ['not JSON', '{', /^sdna: model\.json is not JSON: /],
    ['an unknown version', '{ "version": 2, "specs": [], "problems": [] }', /^sdna: model\.json: unsupported interchange version 2; this sdna reads version 1 \(write it with `sdna export`\)\n$/],
    ['a malformed spec', '{ "version": 1, "specs": [{ "id": "x" }], "problems": [] }', /^sdna: model\.json is not a valid interchange file: at specs\.0\.format: /],
    [
      'a path outside the root',
      '{ "version": 1, "specs": [{ "id": "x", "format": "tessl", "file": "../x.spec.md", "name": "X", "targets": [], "capabilities": [], "links": [], "uses": [], "api": [] }], "problems": [] }',
      /^sdna: model\.json is not a valid interchange file: at specs\.0\.file: expected a path relative to the project root, inside it, found a string \("\.\.\/x\.spec\.md"\) \(its form: docs\/interchange\.md, schema\/interchange\.schema\.json\)\n$/,
    ],
  ];
  for (const [name, content, message] of cases) {
    it(name, async ({ expect }) => {
      const dir = tempProject('demo');
      if (content !== undefined) write(dir, 'model.json', content);
      const r = await sdna(['plan', '--from', content === undefined ? 'missing.json' : 'model.json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});
