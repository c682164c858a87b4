// The OpenSpec reader: requirements and their scenarios (as parts), OpenSpec's
// own validation rules, and agreement with the real `openspec validate --strict`.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOf } from '../src/spec/formats.js';
import { readOpenSpec } from '../src/spec/openspec.js';
import { FIXTURES, REPO, sdna } from './helpers.js';

const FILE = 'openspec/specs/auth/spec.md';
const PURPOSE = 'Signs readers in and out of the portal, and keeps their sessions safe on shared machines.';

const SPEC = `# auth Specification

## Purpose

${PURPOSE}

## Requirements

### Requirement: Sign in
The portal SHALL sign a reader in when the password matches.

#### Scenario: Valid password
- **WHEN** the password matches
- **THEN** the reader is signed in [@test](../../../test/auth.test.ts)

#### Scenario: Wrong password
- **WHEN** the password is wrong
- **THEN** the portal refuses
`;

/** `openspec validate --specs --strict --json` in `root`, with telemetry off (no network). */
function openspecValidate(root: string): Promise<{ items: { id: string; valid: boolean; issues: { level: string }[] }[] }> {
  const child = spawn(process.execPath, [path.join(REPO, 'node_modules/@fission-ai/openspec/bin/openspec.js'), 'validate', '--specs', '--strict', '--json', '--no-interactive'], {
    cwd: root,
    env: { ...process.env, OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

describe('readOpenSpec', () => {
  it('is chosen for openspec/specs/**/spec.md; pending changes are not read', () => {
    expect(formatOf(FILE)).toBe('openspec');
    expect(formatOf('openspec/specs/reports/export/spec.md')).toBe('openspec');
    expect(formatOf('openspec/changes/add-2fa/specs/auth/spec.md')).toBeUndefined();
  });

  it('reads requirements and their scenarios as parts, with ids from names', () => {
    const { spec, problems } = readOpenSpec(FILE, SPEC);
    expect(problems).toEqual([]);
    expect(spec).toMatchObject({ id: 'auth', format: 'openspec', name: 'auth' });
    expect(spec!.capabilities.map((c) => [c.id, c.name, c.line, c.parent, c.links.map((l) => l.file)])).toEqual([
      ['auth/sign-in', 'Sign in', 9, undefined, []],
      ['auth/sign-in/valid-password', 'Valid password', 12, 'auth/sign-in', ['test/auth.test.ts']],
      ['auth/sign-in/wrong-password', 'Wrong password', 16, 'auth/sign-in', []],
    ]);
    expect(spec!.capabilities[0].text).toBe('The portal SHALL sign a reader in when the password matches.');
  });

  it('a nested capability path is the spec id', () => {
    expect(readOpenSpec('openspec/specs/reports/export/spec.md', SPEC).spec!.capabilities[0].id).toBe('reports/export/sign-in');
  });

  it('reads CRLF and a BOM the same way', () => {
    const plain = readOpenSpec(FILE, SPEC).spec!.capabilities.map((c) => [c.id, c.line, c.text]);
    expect(readOpenSpec(FILE, '\ufeff' + SPEC.replace(/\n/g, '\r\n')).spec!.capabilities.map((c) => [c.id, c.line, c.text])).toEqual(plain);
  });

  it('a scenario outside any requirement is a problem at its line', () => {
    const text = SPEC.replace('### Requirement: Sign in\n', '#### Scenario: Stray\n- **WHEN** x\n\n### Requirement: Sign in\n');
    expect(readOpenSpec(FILE, text).problems).toEqual([
      { line: 9, actual: 'scenario "Stray" is not inside a requirement', hint: 'put it under the `### Requirement:` block whose behaviour it shows' },
    ]);
  });

  it('an empty file is one problem per missing section', () => {
    expect(readOpenSpec(FILE, '').problems.map((p) => p.actual)).toEqual(['spec has no `## Purpose` section, or it is empty', 'spec has no `## Requirements` section']);
  });

  it('reads 10,000 requirements in well under a second', () => {
    const reqs = Array.from({ length: 10_000 }, (_, i) => `### Requirement: Rule ${i}\nThe system SHALL obey rule ${i}.\n\n#### Scenario: Case ${i}\n- **WHEN** ${i}\n- **THEN** ok\n`).join('\n');
    const start = performance.now();
    const { spec, problems } = readOpenSpec(FILE, `# big\n\n## Purpose\n\n${PURPOSE}\n\n## Requirements\n\n${reqs}`);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(spec!.capabilities).toHaveLength(20_000);
    expect(problems).toEqual([]);
  });
});

describe.concurrent('OpenSpec rules agree with `openspec validate --strict`', () => {
  it('file by file: valid, errors (spec-error) and warnings only (spec-warning)', async () => {
    const root = path.join(FIXTURES, 'openspec-rules');
    const [theirs, ours] = await Promise.all([openspecValidate(root), sdna(['plan', '--root', root, '--json'], { root })]);
    const findings = JSON.parse(ours.stdout).findings as { kind: string; file?: string }[];
    const verdict = (errors: boolean, warnings: boolean) => (errors ? 'errors' : warnings ? 'warnings only' : 'valid');
    const openspec = Object.fromEntries(
      theirs.items.map((i) => [i.id, verdict(i.issues.some((x) => x.level === 'ERROR'), i.issues.some((x) => x.level === 'WARNING'))]),
    );
    const of = (id: string, kind: string) => findings.some((f) => f.kind === kind && f.file === `openspec/specs/${id}/spec.md`);
    const sdnaVerdicts = Object.fromEntries(Object.keys(openspec).map((id) => [id, verdict(of(id, 'spec-error'), of(id, 'spec-warning'))]));
    expect(Object.keys(openspec)).toHaveLength(15);
    expect(sdnaVerdicts).toEqual(openspec);
    // Every shape is covered: some valid, some with errors, some with warnings only.
    expect(new Set(Object.values(openspec))).toEqual(new Set(['valid', 'errors', 'warnings only']));
  });

  it('the project fixture is valid to both', async () => {
    const root = path.join(FIXTURES, 'openspec');
    const [theirs, ours] = await Promise.all([openspecValidate(root), sdna(['plan', '--root', root, '--json'], { root })]);
    expect(theirs.items.map((i) => [i.id, i.valid])).toEqual([
      ['auth', true],
      ['reports/export', true],
    ]);
    expect(JSON.parse(ours.stdout).findings.filter((f: { kind: string }) => f.kind.startsWith('spec-'))).toEqual([]);
  });
});
