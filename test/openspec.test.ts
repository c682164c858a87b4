// The OpenSpec reader: requirements and their scenarios (as parts), OpenSpec's
// own validation rules, and agreement with the real `openspec validate --strict`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOf } from '../src/formats/readers.js';
import { readOpenSpec } from '../src/formats/openspec.js';
import { FIXTURES, REPO, sdna, tempProject, write, words } from './helpers.js';

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
    expect(words(problems)).toEqual([]);
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
    expect(words(readOpenSpec(FILE, text).problems)).toEqual([
      { line: 9, actual: 'scenario "Stray" is not inside a requirement', hint: 'put it under the `### Requirement:` block whose behaviour it shows' },
    ]);
  });

  it('a spec without a Purpose is an error, and its requirements are still read', () => {
    const text = SPEC.replace(/## Purpose\n[\s\S]*?(?=## Requirements)/, '');
    const { spec, problems } = readOpenSpec(FILE, text);
    expect(problems.map((p) => [p.kind ?? 'spec-error', p.code])).toEqual([['spec-error', 'no-purpose']]);
    expect(spec!.capabilities.length).toBe(readOpenSpec(FILE, SPEC).spec!.capabilities.length);
    expect(spec!.capabilities.length).toBeGreaterThan(0);
  });

  it('an empty file is one problem per missing section', () => {
    expect(readOpenSpec(FILE, '').problems.map((p) => p.actual)).toEqual(['spec has no `## Purpose` section, or it is empty', 'spec has no `## Requirements` section']);
  });

  // Speed is measured by `npm run bench:plan`; here only that 10,000 read at all, within the time-out.
  it('reads 10,000 requirements', () => {
    const reqs = Array.from({ length: 10_000 }, (_, i) => `### Requirement: Rule ${i}\nThe system SHALL obey rule ${i}.\n\n#### Scenario: Case ${i}\n- **WHEN** ${i}\n- **THEN** ok\n`).join('\n');
    const { spec, problems } = readOpenSpec(FILE, `# big\n\n## Purpose\n\n${PURPOSE}\n\n## Requirements\n\n${reqs}`);
    expect(spec!.capabilities).toHaveLength(20_000);
    expect(words(problems)).toEqual([]);
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

describe.concurrent('pending OpenSpec changes: what they would do, never current truth', () => {
  /** The openspec fixture with one more change, whose delta spec is `delta` for `auth`. */
  function withChange(delta: string): string {
    const root = tempProject('openspec');
    fs.rmSync(path.join(root, 'openspec/changes/drop-idle-timeout'), { recursive: true });
    write(root, 'openspec/changes/rework/proposal.md', '## Why\n\nBecause.\n\n## What Changes\n\n- **auth:** Rework sign-in.\n');
    write(root, 'openspec/changes/rework/specs/auth/spec.md', delta);
    return root;
  }
  const pending = async (root: string) => {
    const plan = JSON.parse((await sdna(['plan', '--root', root, '--json'], { root })).stdout);
    return {
      caps: plan.capabilities.map((c: { id: string }) => c.id),
      found: plan.findings.filter((f: { kind: string }) => f.kind === 'pending-change').map((f: { capability: string; file: string; line: number; message: string }) => [f.capability, f.file, f.line, f.message.split('; ')[0]]),
    };
  };

  it('a REMOVED requirement that tests still prove (the fixture)', async ({ expect }) => {
    const root = path.join(FIXTURES, 'openspec');
    const { caps, found } = await pending(root);
    expect(caps).toContain('auth/idle-sessions-end'); // still current truth
    expect(found).toEqual([
      ['auth/idle-sessions-end', 'openspec/changes/drop-idle-timeout/specs/auth/spec.md', 3, 'change `drop-idle-timeout` removes requirement "Idle sessions end", which 1 test file still proves: test/auth.test.ts'],
    ]);
  });

  it('a RENAMED requirement whose tests prove it under the old id', async ({ expect }) => {
    const root = withChange('## RENAMED Requirements\n\n- FROM: `### Requirement: Sign in`\n- TO: `### Requirement: Log in`\n');
    expect((await pending(root)).found).toEqual([
      ['auth/sign-in', 'openspec/changes/rework/specs/auth/spec.md', 3, 'change `rework` renames requirement "Sign in" to "Log in": its tests (test/auth.test.ts) prove it as `auth/sign-in`, which becomes `auth/log-in`'],
    ]);
  });

  it('a MODIFIED requirement is reported only while its tests are older than the change', async ({ expect }) => {
    const root = withChange('## MODIFIED Requirements\n\n### Requirement: Sign in\nThe portal SHALL sign a reader in with a password and a code.\n\n#### Scenario: Valid password and code\n- **WHEN** both match\n- **THEN** the reader is signed in\n');
    const delta = path.join(root, 'openspec/changes/rework/specs/auth/spec.md');
    const test = path.join(root, 'test/auth.test.ts');
    fs.utimesSync(test, new Date(2026, 0, 1), new Date(2026, 0, 1));
    fs.utimesSync(delta, new Date(2026, 0, 2), new Date(2026, 0, 2));
    expect((await pending(root)).found).toEqual([
      ['auth/sign-in', 'openspec/changes/rework/specs/auth/spec.md', 3, 'change `rework` modifies requirement "Sign in", but none of its tests (test/auth.test.ts) changed since'],
    ]);
    fs.utimesSync(test, new Date(2026, 0, 3), new Date(2026, 0, 3));
    expect((await pending(root)).found).toEqual([]);
  });

  it('archived changes and ADDED requirements change nothing', async ({ expect }) => {
    const root = withChange('## ADDED Requirements\n\n### Requirement: Second factor\nThe portal SHALL ask for a code.\n\n#### Scenario: Code\n- **WHEN** x\n- **THEN** y\n');
    write(root, 'openspec/changes/archive/2026-01-01-old/specs/auth/spec.md', '## REMOVED Requirements\n\n### Requirement: Sign in\n');
    const { caps, found } = await pending(root);
    expect(found).toEqual([]);
    expect(caps).not.toContain('auth/second-factor');
  });
});
