// The markdown reporter: a pull-request comment, with the spec diff when
// `--base <ref>` is given, kept under GitHub's comment limit.

import { describe, it } from 'vitest';
import { sdna, tempProject, write } from './helpers.js';
import { change, paymentsRepo } from './git-project.js';

describe('markdown reporter', () => {
  it('the demo: summary, capabilities by spec, findings by kind; no diff without --base', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'markdown']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(DEMO);
    expect(r.code).toBe(1);
  });

  it('with --base <ref>: the spec diff, each capability with its status', async ({ expect }) => {
    const { root, git } = paymentsRepo();
    change(root);
    const r = await sdna(['plan', '--reporter', 'markdown', '--base', 'main'], { cwd: root, root });
    expect(r.stderr).toBe('');
    expect(r.stdout.replace(git('rev-parse', 'HEAD').slice(0, 8), '<base>')).toBe(WITH_DIFF);
  });

  it('writes the comment to a file beside the terminal plan', async ({ expect }) => {
    const { root } = paymentsRepo();
    change(root);
    const r = await sdna(['plan', '--reporter', 'terminal', '--reporter', 'markdown:sdna.md', '--base', 'HEAD'], { cwd: root, root });
    expect(r.stdout).toContain('Plan: ');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${root}/sdna.md`, 'utf8')).toContain('### Spec changes against `HEAD`');
  });

  it('a plan too large for one comment is cut short, with a count of what was left out', async ({ expect }) => {
    const root = tempProject();
    const caps = Array.from({ length: 900 }, (_, i) => `- **Promise number ${i + 1}**\n  Does thing ${i + 1}.\n`).join('');
    write(root, 'package.json', '{ "name": "big" }\n');
    write(root, 'src/big.ts', 'export const big = 1;\n');
    write(root, 'specs/big.spec.md', `---\nname: Big\ntargets:\n  - ../src/*.ts\n---\n# Big\n\n## Capabilities\n\n${caps}`);
    const r = await sdna(['plan', '--reporter', 'markdown'], { cwd: root, root });
    expect(r.stdout.length).toBeLessThan(60_000);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('**Left out to keep this comment under 60,000 characters: 564 capabilities, 581 findings.** `sdna plan --json` lists them all.');
    // The table takes at most 40% and stops at a whole row; the findings get the rest, and no collapsed section is left open.
    const table = lines.filter((l) => l.startsWith('| `big` |'));
    expect(table.at(-1)).toBe('| `big` | Promise number 336 (`big/promise-number-336`) | ⚠️ untested |');
    expect(lines[lines.indexOf(table.at(-1)!) + 2]).toBe('### Findings');
    expect(lines.filter((l) => l === '<details>').length).toBe(lines.filter((l) => l === '</details>').length);
    expect(lines.at(-3)).toBe('</details>');
    expect(lines.at(-5)).toMatch(/^- `big\/promise-number-\d+` \(`specs\/big\.spec\.md:\d+`\): no test is linked to big\/promise-number-\d+ or claims it$/);
  });
});

describe('markdown reporter: text from specs', () => {
  it('cannot split a table cell or open a section of its own', async ({ expect }) => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "odd" }\n');
    write(root, 'src/a.ts', 'export const a = 1;\n');
    write(root, 'specs/odd.spec.md', '---\nname: Odd\ntargets:\n  - ../src/a.ts\n---\n# Odd\n\n## Capabilities\n\n- **Pipes | and </details> tags**\n  Keeps them.\n');
    const r = await sdna(['plan', '--reporter', 'markdown'], { cwd: root, root });
    expect(r.stdout).toContain('| `odd` | Pipes \\| and &lt;/details&gt; tags (`odd/pipes-and-details-tags`) | ⚠️ untested |\n');
    expect(r.stdout.match(/<\/details>/g)).toHaveLength(1);
  });
});

describe('--base: bad input', () => {
  it('without the markdown reporter', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--base', 'main']);
    expect(r.stderr).toBe('sdna: --base adds the spec diff to the markdown report: add --reporter markdown (or markdown:<file>), or drop --base; `sdna diff <ref>` prints the diff alone\n');
    expect(r.code).toBe(2);
  });

  it('a ref the repository does not have', async ({ expect }) => {
    const { root } = paymentsRepo();
    const r = await sdna(['plan', '--reporter', 'markdown', '--base', 'nope'], { cwd: root, root });
    expect(r.stderr).toBe('sdna: --base nope: no branch, tag or commit of this repository has that name (pass one such as main or origin/main)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});

const DEMO = `## sdna plan: payment-service

**Plan: 2 drift, 1 unspecified, 2 potentially stale.**

### Capabilities

| spec | capability | status |
| --- | --- | --- |
| \`payments\` | Authorize Payment (\`payments/authorize-payment\`) | ✅ linked |
| \`payments\` | Capture Payment (\`payments/capture-payment\`) | ✅ linked |
| \`payments\` | Refund Payment (\`payments/refund-payment\`) | ⚠️ untested |
| \`payments\` | Void Authorization (\`payments/void-authorization\`) | ⚠️ untested |

### Findings

<details>
<summary><b>stale-target</b>: 1 (STALE TARGET)</summary>

- \`payments\` (\`specs/payments.spec.md:6\`): no file matches target \`../src/payments/legacy-refund.ts\` (src/payments/legacy-refund.ts)

</details>

<details>
<summary><b>broken-test-link</b>: 1 (BROKEN TEST LINK)</summary>

- \`payments/refund-payment\` (\`specs/payments.spec.md:22\`): test link \`../tests/refund.test.ts#partial refund\` is broken: no test in tests/refund.test.ts has "partial refund" in its full name

</details>

<details>
<summary><b>untested-capability</b>: 2 (UNTESTED CAPABILITY)</summary>

- \`payments/refund-payment\` (\`specs/payments.spec.md:22\`): none of the tests linked to payments/refund-payment exists
- \`payments/void-authorization\` (\`specs/payments.spec.md:25\`): no test is linked to payments/void-authorization or claims it

</details>

<details>
<summary><b>unspecified-code</b>: 1 (UNSPECIFIED CODE)</summary>

- \`src/webhooks/handler.ts\`: src/webhooks/handler.ts is in scope but no spec targets it

</details>
`;

const WITH_DIFF = `## sdna plan: shop

**Plan: 1 drift, 0 unspecified, 0 potentially stale.**

### Spec changes against \`main\` (merge base \`<base>\`)

| | capability | status | change |
| --- | --- | --- | --- |
| ➕ added | \`payments/capture-payment\` | ⚠️ untested | added at \`specs/payments.spec.md:17\` |
| ➖ removed | \`payments/legacy-capture\` |  | removed from \`specs/payments.spec.md:16\`; **its tests remain**: \`test/legacy.test.ts\` |
| 🔀 renamed | \`payments/reverse-payment\` | ✅ linked | renamed from \`payments/refund-payment\`, same words |
| ✏️ changed | \`payments/authorize-payment\` | ✅ linked | words changed (were: “Validates card details.”); **its tests did not change**: \`test/authorize.test.ts\` |
| ✏️ changed | \`payments/void-authorization\` | ✅ linked | links +\`test/hold.test.ts\` |

- targets of \`payments\`: +\`src/refunds/*.ts\`

Spec diff: 1 added, 1 removed, 1 renamed, 2 changed, 1 spec's targets changed; 1 removed capability still has tests, 1 changed capability with unchanged tests.

### Capabilities

| spec | capability | status |
| --- | --- | --- |
| \`payments\` | Authorize payment (\`payments/authorize-payment\`) | ✅ linked |
| \`payments\` | Reverse payment (\`payments/reverse-payment\`) | ✅ linked |
| \`payments\` | Void authorization (\`payments/void-authorization\`) | ✅ linked |
| \`payments\` | Capture payment (\`payments/capture-payment\`) | ⚠️ untested |

### Findings

<details>
<summary><b>untested-capability</b>: 1 (UNTESTED CAPABILITY)</summary>

- \`payments/capture-payment\` (\`specs/payments.spec.md:17\`): no test is linked to payments/capture-payment or claims it

</details>
`;
