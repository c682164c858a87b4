// `sdna diff <ref>`: in real git repositories, through the real CLI.

import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { sdna, tempProject, write } from './helpers.js';
import { change, gitIn, paymentsRepo } from './git-project.js';

const EXPECTED = `Spec changes against main (merge base <base>):

+ payments/capture-payment (untested)
    added at specs/payments.spec.md:17

- payments/legacy-capture
    removed from specs/payments.spec.md:16
    its tests remain: test/legacy.test.ts (delete them, or link them to what replaced it)

> payments/reverse-payment (linked)
    renamed from payments/refund-payment, same words (specs/payments.spec.md:13)

~ payments/authorize-payment (linked)
    was: "Validates card details."
    now: "Validates card details and the CVC."
    its tests did not change: test/authorize.test.ts (do they still prove the new words?)

~ payments/void-authorization (linked)
    links: + test/hold.test.ts

~ payments targets (specs/payments.spec.md)
    + src/refunds/*.ts

Spec diff: 1 added, 1 removed, 1 renamed, 2 changed, 1 spec's targets changed; 1 removed capability still has tests, 1 changed capability with unchanged tests.
`;

describe('sdna diff <ref>', () => {
  it('shows what a committed branch does to the specs, from its merge base with the ref', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    git('checkout', '-qb', 'feature');
    change(root);
    git('add', '-A');
    git('commit', '-qm', 'rework payments');
    const base = git('rev-parse', 'main').slice(0, 8);
    // main moves on after the branch left it: that is not this branch's change.
    git('checkout', '-q', 'main');
    fs.appendFileSync(path.join(root, 'specs/payments.spec.md'), '- **Settle payment**\n  Pays the merchant out.\n');
    git('commit', '-qam', 'settle');
    git('checkout', '-q', 'feature');
    const r = await sdna(['diff', 'main'], { cwd: root, root });
    expect(r.stderr).toBe('');
    expect(r.stdout.replace(base, '<base>')).toBe(EXPECTED);
    expect(r.code).toBe(0);
  });

  it('compares the working tree, uncommitted edits included', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    change(root);
    const r = await sdna(['diff', 'HEAD'], { cwd: root, root });
    expect(r.stdout.replace(git('rev-parse', 'HEAD').slice(0, 8), '<base>')).toBe(EXPECTED.replace('against main', 'against HEAD'));
  });

  it('says so when the specs did not change', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    write(root, 'src/payments/more.ts', 'export const more = 1;\n');
    const r = await sdna(['diff', 'HEAD'], { cwd: root, root });
    expect(r.stdout).toBe(`No spec changes against HEAD (merge base ${git('rev-parse', 'HEAD').slice(0, 8)}).\n`);
    expect(r.code).toBe(0);
  });

  it('a changed capability whose tests changed too is not called out', async ({ expect }) => {
    const { root } = paymentsRepo();
    change(root);
    fs.appendFileSync(path.join(root, 'test/authorize.test.ts'), "it('checks the CVC', () => {});\n");
    const r = await sdna(['diff', 'HEAD', '--json'], { cwd: root, root });
    const authorize = JSON.parse(r.stdout).capabilities.find((c: { id: string }) => c.id === 'payments/authorize-payment');
    expect(authorize).toEqual({
      id: 'payments/authorize-payment',
      spec: 'payments',
      name: 'Authorize payment',
      file: 'specs/payments.spec.md',
      line: 11,
      change: 'changed',
      status: 'linked',
      text: { from: 'Validates card details.', to: 'Validates card details and the CVC.' },
    });
  });

  it('--json prints the versioned diff (docs/diff-format.md)', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    change(root);
    const r = await sdna(['diff', 'HEAD', '--json'], { cwd: root, root });
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['version', 'ref', 'base', 'summary', 'capabilities', 'targets']);
    expect(out.version).toBe(1);
    expect(out.ref).toBe('HEAD');
    expect(out.base).toBe(git('rev-parse', 'HEAD'));
    expect(out.summary).toEqual({ added: 1, removed: 1, renamed: 1, changed: 2, targets: 1, removedWithTests: 1, changedTestsUnchanged: 1 });
    expect(out.capabilities.map((c: { change: string; id: string }) => `${c.change} ${c.id}`)).toEqual([
      'added payments/capture-payment',
      'removed payments/legacy-capture',
      'renamed payments/reverse-payment',
      'changed payments/authorize-payment',
      'changed payments/void-authorization',
    ]);
    expect(out.capabilities[1]).toEqual({ id: 'payments/legacy-capture', spec: 'payments', name: 'Legacy capture', file: 'specs/payments.spec.md', line: 16, change: 'removed', testsLeft: ['test/legacy.test.ts'] });
    expect(out.capabilities[2]).toMatchObject({ change: 'renamed', from: 'payments/refund-payment', status: 'linked' });
    expect(out.capabilities[4]).toMatchObject({ change: 'changed', links: { added: ['test/hold.test.ts'], removed: [] } });
    expect(out.targets).toEqual([{ spec: 'payments', file: 'specs/payments.spec.md', added: ['src/refunds/*.ts'], removed: [] }]);
  });

  it('a removed capability whose tests are gone too is not called out', async ({ expect }) => {
    const { root } = paymentsRepo();
    change(root);
    fs.rmSync(path.join(root, 'test/legacy.test.ts'));
    const r = await sdna(['diff', 'HEAD', '--json'], { cwd: root, root });
    const out = JSON.parse(r.stdout);
    expect(out.capabilities[1]).toMatchObject({ change: 'removed', testsLeft: [] });
    expect(out.summary.removedWithTests).toBe(0);
  });
});

describe('sdna diff: where the specs are', () => {
  it('a project in a folder of the repository reads its own specs at the ref', async ({ expect }) => {
    const { root: project } = paymentsRepo();
    const top = tempProject();
    fs.cpSync(project, path.join(top, 'service'), { recursive: true });
    fs.rmSync(path.join(top, 'service/.git'), { recursive: true });
    write(top, 'other/specs/other.spec.md', '# Other\n\n## Capabilities\n\n- **Elsewhere**\n  Not this project.\n');
    const git = gitIn(top);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'two projects');
    const root = path.join(top, 'service');
    change(root);
    const r = await sdna(['diff', 'main'], { cwd: root, root });
    expect(r.stderr).toBe('');
    expect(r.stdout.replace(git('rev-parse', 'HEAD').slice(0, 8), '<base>')).toBe(EXPECTED);
  });

  it('a spec file renamed: its capabilities are renamed, not removed and added', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    git('mv', 'specs/payments.spec.md', 'specs/billing.spec.md');
    const r = await sdna(['diff', 'HEAD', '--json'], { cwd: root, root });
    const out = JSON.parse(r.stdout);
    expect(out.capabilities.map((c: { change: string; id: string; from: string }) => `${c.change} ${c.from} -> ${c.id}`)).toEqual([
      'renamed payments/authorize-payment -> billing/authorize-payment',
      'renamed payments/legacy-capture -> billing/legacy-capture',
      'renamed payments/refund-payment -> billing/refund-payment',
      'renamed payments/void-authorization -> billing/void-authorization',
    ]);
    expect(out.targets).toEqual([]);
  });
});

describe('sdna diff: bad input', () => {
  it('a ref the repository does not have: one line, exit 2', async ({ expect }) => {
    const { root } = paymentsRepo();
    const r = await sdna(['diff', 'no-such-branch'], { cwd: root, root });
    expect(r.stderr).toBe('sdna: diff no-such-branch: no branch, tag or commit of this repository has that name (pass one such as main or origin/main)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('outside a git repository: one line, exit 2', async ({ expect }) => {
    const root = tempProject();
    write(root, 'specs/a.spec.md', '# A\n');
    const r = await sdna(['diff', 'main'], { cwd: root, root });
    expect(r.stderr).toBe('sdna: diff main: <root> is not in a git repository; the spec diff compares the specs with a branch, tag or commit of one\n');
    expect(r.code).toBe(2);
  });

  it('no ref: one line, exit 2', async ({ expect }) => {
    const r = await sdna(['diff']);
    expect(r.stderr).toBe('sdna: missing required args for command `diff <ref>`\n');
    expect(r.code).toBe(2);
  });
});
