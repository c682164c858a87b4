// The plugin inside real Vitest runs (child processes), on the Vitest the
// harness selects (3.2, 4.1 or 5.1): printed plans compared exactly, exit codes,
// files written. Test tags came in Vitest 4.1: on 3.2 the checks of tags are
// skipped (with the reason in the report), the cart fixture claims by meta what
// it claims by a tag on 4.1+, and one test shows what a tag does on 3.2.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'vitest';
import { embeddedPlan, REPO, sdna, snapshotTree, write } from './helpers.js';
import { capabilityHash } from '../src/artifacts/links.js';
import { plansIn, runNode, runVitest, VITEST_HAS_TAGS, VITEST_MAJOR, VITEST_VERSION, vitestProject } from './vitest-harness.js';

const ALL_PASSING = `Analyzing spec drift for vitest-cart...

No changes. Specs, code and tests agree.

Capabilities: 4 passing.
Plan: 0 drift, 0 unspecified, 0 potentially stale.
`;

/** fixtures/kiro after a run: a criterion linked, two claimed, one proven by a claim of its requirement. */
const KIRO_PLAN = `Analyzing spec drift for reader-portal...

~ session-expiry/2 (warn)
    impl: no task in .kiro/specs/session-expiry/tasks.md cites Requirement 2: Remember me
    file: .kiro/specs/session-expiry/requirements.md:23
    action: UNPLANNED REQUIREMENT - add a task for it, with \`_Requirements: 2.1_\` (or \`2\`) under it

- session-expiry
    impl: a task cites requirement \`3.1\`, which session-expiry's requirements.md does not have
    file: .kiro/specs/session-expiry/tasks.md:7
    action: BROKEN REQUIREMENT REFERENCE - cite an existing requirement or criterion (1, 1.1, 1.2, 1.3, 2, 2.1) as \`_Requirements: 1.1, 2.3_\`

Capabilities: 6 passing.
Plan: 1 drift, 0 unspecified, 1 potentially stale.
`;

/** fixtures/speckit after a run: FR-001 and FR-003 linked in their text, SC-001 claimed by a test. */
const SPECKIT_PLAN = `Analyzing spec drift for offline-drafts...

~ 012-offline-drafts/FR-002 (warn)
    impl: open question left in the spec: [NEEDS CLARIFICATION: acceptable delay?]
    file: specs/012-offline-drafts/spec.md:30
    action: NEEDS CLARIFICATION - decide it (Spec Kit: \`/speckit.clarify\`) and write the answer in place of the marker

~ 012-offline-drafts/FR-002
    spec: "System MUST sync stored edits within [NEEDS CLARIFICATION: acceptable delay?]"
    impl: no test is linked to 012-offline-drafts/FR-002 or claims it
    file: specs/012-offline-drafts/spec.md:30
    action: UNTESTED CAPABILITY - link one with [@test](../../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['012-offline-drafts/FR-002'] } }

~ 012-offline-drafts/FR-004
    spec: "System MUST show how many edits wait to be sent"
    impl: no test is linked to 012-offline-drafts/FR-004 or claims it
    file: specs/012-offline-drafts/spec.md:33
    action: UNTESTED CAPABILITY - link one with [@test](../../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['012-offline-drafts/FR-004'] } }

Capabilities: 3 passing, 2 untested.
Plan: 3 drift, 0 unspecified, 0 potentially stale.
`;

/** For watch mode: after the n-th plan is printed, take the n-th step (once the watcher settled). */
function afterEachPlan(steps: (() => void)[]): (output: string) => void {
  let seen = 0;
  return (out) => {
    const count = out.split('Plan: ').length - 1;
    if (count <= seen) return;
    seen = count;
    const step = steps[count - 1];
    if (step) setTimeout(step, 300);
  };
}

function edit(root: string, file: string, from: string | RegExp, to: string): void {
  const p = path.join(root, file);
  const text = fs.readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  fs.writeFileSync(p, next);
}

/** Why a check of test tags is skipped on this Vitest (shown beside the skipped test). */
const NO_TAGS = `Vitest ${VITEST_VERSION} has no test tags (they came in 4.1)`;

/**
 * fixtures/vitest-cart, whose discount test claims cart/discount by a tag. On a
 * Vitest without test tags, its tag-less variant: the same test claims it by
 * `meta` instead (on the same line), so that every other check runs unchanged.
 */
function cartProject(): string {
  const root = vitestProject('vitest-cart');
  if (!VITEST_HAS_TAGS) edit(root, 'test/total.test.ts', "{ tags: ['cart/discount'] }", "{ meta: { capabilities: ['cart/discount'] } }");
  return root;
}

// Each test runs Vitest once to three times, five tests at a time: 30 s is tight on a loaded machine.
describe.concurrent(`sdna/vitest on Vitest ${VITEST_VERSION}`, { timeout: 60_000 }, () => {
  it(`all capabilities pass: file links, fragment links, meta claims${VITEST_HAS_TAGS ? ' and tag claims' : ''} (exit 0)`, async ({ expect }) => {
    const root = cartProject();
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([ALL_PASSING]);
    expect(r.stdout).toContain('Tests  6 passed (6)'); // the user's reporter is still there
    expect(r.code).toBe(0);
  });

  it('loads from vitest.config.ts in a CommonJS package (no "type": "module")', async ({ expect }) => {
    const root = cartProject();
    write(root, 'package.json', JSON.stringify({ name: 'vitest-cart', private: true }));
    const r = await runVitest(root, ['run']);
    expect(r.stderr).not.toContain('ESM only');
    expect(r.plans).toEqual([ALL_PASSING]);
    expect(r.code).toBe(0);
  });

  it('a run in which every linked test passes reports the findings of `sdna plan`, with the same fingerprints', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'specs/cart.spec.md', '  - ../src/*.ts\n', '  - ../src/*.ts\n  - ../src/legacy/*.ts\n');
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '- **Refund** [@test](../test/refund.test.ts)\n  Refunds a paid cart.\n- **Clear**\n  Empties the cart.\n');
    write(root, 'lib/stray.ts', 'export const stray = 1;\n');
    write(root, 'sdna.config.json', JSON.stringify({ include: ['src/**/*.ts', 'lib/**/*.ts'] }));
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', 'json:.out/run.json'] })");
    const run = await runVitest(root, ['run']);
    expect(run.stdout).toContain('Tests  6 passed (6)');
    expect(run.code).toBe(1);
    type Found = { kind: string; capability?: string; file?: string; line?: number; message: string; fingerprint: string };
    const fromRun = JSON.parse(fs.readFileSync(path.join(root, '.out/run.json'), 'utf8')) as { findings: Found[] };
    const planned = await sdna(['plan', '--json', '--root', root], { root });
    const fromPlan = JSON.parse(planned.stdout) as { findings: Found[] };
    const identity = (f: Found) => [f.kind, f.capability ?? f.file, f.line, f.fingerprint];
    expect(fromRun.findings.map(identity)).toEqual(fromPlan.findings.map(identity));
    expect(fromPlan.findings.map((f) => `${f.kind} ${f.capability ?? f.file}`)).toEqual([
      'stale-target specs/cart.spec.md',
      'broken-test-link cart/refund',
      'untested-capability cart/refund',
      'untested-capability cart/clear',
      'unspecified-code lib/stray.ts',
    ]);
    // Words may differ by what each knows (a link to a missing file, a test that did not run); the identity does not.
    expect(fromRun.findings[2].message).toMatch(/^no test linked to cart\/refund ran;/);
    expect(fromPlan.findings[2].message).toMatch(/^none of the tests linked to cart\/refund exists;/);
  });

  it('honours the baseline: an untested capability in it does not fail the run, a new one does', async ({ expect }) => {
    const root = cartProject();
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '- **Clear**\n  Empties the cart.\n');
    expect((await sdna(['baseline', '--root', root])).code).toBe(0);
    const run = await runVitest(root, ['run']);
    expect(run.plans[0]).toContain('Baseline: 1 finding in .sdna/baseline.json not shown.\n');
    expect(run.code).toBe(0);
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '- **Share**\n  Shares the cart.\n');
    const again = await runVitest(root, ['run']);
    expect(again.plans[0]).toContain('~ cart/share\n');
    expect(again.plans[0]).not.toContain('~ cart/clear\n');
    expect(again.code).toBe(1);
  });

  it('a failing test fails its capability (exit 1)', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'src/cart.ts', 'Math.round(', 'Math.floor(');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ cart/discount
    spec: "A percentage discount rounds half up to whole cents."
    impl: test "rounds a discount half up" failed
    file: test/total.test.ts:12
    action: FAILING CAPABILITY - make the code keep the promise (or fix the test) until every linked test passes

Capabilities: 3 passing, 1 failing.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    expect(r.code).toBe(1);
  });

  it('an untested capability fails the gate even when every test passes (exit 1)', async ({ expect }) => {
    const root = cartProject();
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '- **Empty cart**\n  An empty cart totals zero.\n');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ cart/empty-cart
    spec: "An empty cart totals zero."
    impl: no test is linked to cart/empty-cart or claims it
    file: specs/cart.spec.md:19
    action: UNTESTED CAPABILITY - link one with [@test](../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['cart/empty-cart'] } }

Capabilities: 4 passing, 1 untested.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    expect(r.stdout).toContain('Tests  6 passed (6)');
    // Every test passed: the last line says why the run fails anyway.
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('sdna: the run fails on the spec gate: 1 untested-capability (1 finding at level "error")');
    expect(r.code).toBe(1);
  });

  it('API drift fails the run too, with its diff (exit 1)', async ({ expect }) => {
    const root = cartProject();
    fs.appendFileSync(path.join(root, 'specs/cart.spec.md'), '\n## API\n\n```ts\nexport function total(cart: Cart, currency: string): number;\n```\n');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ cart: total
    spec: export function total(cart: Cart, currency: string): number;
    impl: \`total\` in src/cart.ts:15 differs from the spec: the code lacks parameter \`currency\`
    file: specs/cart.spec.md:23
    diff:
      --- specs/cart.spec.md:23 (spec)
      +++ src/cart.ts:15 (code)
      @@ -1 +1 @@
      -export function total(cart: Cart, currency: string): number;
      +export function total(cart: Cart): number;
    action: API DRIFT - change the code to match the \`## API\` block, or update the block if the code is right

Capabilities: 4 passing.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    expect(r.code).toBe(1);
  });

  it('maps outcomes onto Spec Kit requirements: links in FR text and meta claims of FR/SC ids (exit 1)', async ({ expect }) => {
    const root = vitestProject('speckit');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([SPECKIT_PLAN]);
    expect(r.stdout).toContain('Tests  3 passed (3)');
    expect(r.code).toBe(1);
  });

  it('counts links `sdna import` recorded, and marks their tests inferred', async ({ expect }) => {
    const root = vitestProject('speckit');
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', ['json', { file: 'sdna-plan.json' }]] })");
    const model = JSON.parse((await sdna(['export', '--root', root], { root })).stdout) as { specs: { capabilities: { id: string; name: string; text: string }[] }[] };
    const fr004 = model.specs.flatMap((s) => s.capabilities).find((c) => c.id === '012-offline-drafts/FR-004')!;
    const record = { capability: fr004.id, text: capabilityHash(fr004), file: 'test/sync.test.ts', name: 'sync > sync keeps the newest edit' };
    write(root, '.sdna/links.json', `{\n  "version": 1,\n  "links": [\n    ${JSON.stringify(record)}\n  ],\n  "targets": []\n}\n`);
    const r = await runVitest(root, ['run']);
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'sdna-plan.json'), 'utf8')) as { capabilities: { id: string; status: string; tests: unknown[] }[] };
    expect(plan.capabilities.find((c) => c.id === fr004.id)).toEqual({
      id: fr004.id,
      spec: '012-offline-drafts',
      name: 'FR-004',
      file: 'specs/012-offline-drafts/spec.md',
      line: 33,
      status: 'passing',
      tests: [{ file: 'test/sync.test.ts', name: 'sync > sync keeps the newest edit', inferred: true }],
    });
    expect(r.plans[0]).toContain('Inferred: 1 capability is linked only by links `sdna import` recorded (.sdna/links.json)');
    expect(r.plans[0]).toContain('Capabilities: 4 passing, 1 untested.');
  });

  it('maps outcomes onto Kiro criteria, and a requirement passes when each of its criteria does (exit 1)', async ({ expect }) => {
    const root = vitestProject('kiro');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([KIRO_PLAN]);
    expect(r.code).toBe(1);
    // A failing criterion fails its requirement.
    edit(root, 'src/session/expiry.ts', 'draft: session.notes', 'draft: undefined');
    const failing = await runVitest(root, ['run']);
    expect(failing.plans[0]).toContain('~ session-expiry/1.2\n');
    expect(failing.plans[0]).toContain('Capabilities: 3 passing, 3 failing.');
  });

  it('maps outcomes onto OpenSpec scenarios; a requirement passes only when each scenario does (exit 1)', async ({ expect }) => {
    const root = vitestProject('openspec');
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', ['json', { file: 'sdna-plan.json' }]] })");
    const r = await runVitest(root, ['run']);
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'sdna-plan.json'), 'utf8')) as { capabilities: { id: string; status: string }[] };
    expect(plan.capabilities.map((c) => [c.id, c.status])).toEqual([
      ['auth/sign-in', 'passing'],
      ['auth/sign-in/valid-password', 'passing'],
      ['auth/sign-in/wrong-password', 'passing'],
      ['auth/idle-sessions-end', 'passing'],
      ['auth/idle-sessions-end/idle-for-30-minutes', 'passing'],
      ['reports/export/export-as-csv', 'untested'],
      ['reports/export/export-as-csv/filtered-export', 'untested'],
    ]);
    expect(r.code).toBe(1);
  });

  it('-t leaves the other capabilities not-run, never untested (exit 0)', async ({ expect }) => {
    const root = cartProject();
    const r = await runVitest(root, ['run', '-t', 'raises the quantity']);
    expect(r.plans).toEqual([ALL_PASSING.replace('4 passing', '1 passing, 3 not run')]);
    expect(r.code).toBe(0);
  });

  it('a file filter leaves the rest not-run', async ({ expect }) => {
    const root = cartProject();
    const files = await runVitest(root, ['run', 'test/add']);
    expect(files.plans).toEqual([ALL_PASSING.replace('4 passing', '1 passing, 3 not run')]);
    expect(files.code).toBe(0);
  });

  it('--tags-filter leaves the rest not-run', async ({ expect, skip }) => {
    skip(!VITEST_HAS_TAGS, NO_TAGS);
    const root = cartProject();
    const tags = await runVitest(root, ['run', '--tags-filter=cart/discount']);
    expect(tags.plans).toEqual([ALL_PASSING.replace('4 passing', '1 passing, 3 not run')]);
    expect(tags.code).toBe(0);
  });

  it('--changed leaves the capabilities of unchanged test files not-run', async ({ expect }) => {
    const root = cartProject();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: root, stdio: 'ignore' });
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'start');
    fs.appendFileSync(path.join(root, 'test/add.test.ts'), '\n// touched\n');
    const r = await runVitest(root, ['run', '--changed']);
    expect(r.plans).toEqual([ALL_PASSING.replace('4 passing', '1 passing, 3 not run')]);
    expect(r.code).toBe(0);
  });

  it('capabilities are Vitest tags: --list-tags lists them, strictTags catches a typo', async ({ expect, skip }) => {
    skip(!VITEST_HAS_TAGS, NO_TAGS);
    const root = cartProject();
    const list = await runVitest(root, ['--list-tags']);
    expect(list.stdout).toContain(
      '  cart/add-item: Add item (specs/cart.spec.md:11)\n  cart/remove-item: Remove item (specs/cart.spec.md:13)\n  cart/total: Total (specs/cart.spec.md:15)\n  cart/discount: Discount (specs/cart.spec.md:17)\n',
    );
    edit(root, 'test/total.test.ts', "tags: ['cart/discount']", "tags: ['cart/discont']");
    const typo = await runVitest(root, ['run']);
    expect(typo.stdout + typo.stderr).toContain('cart/discont');
    expect(typo.code).toBe(1);
  });

  it('without test tags (Vitest 3.2) a tag links nothing: the capability is untested, sdna says why, the rest still counts (exit 1)', async ({ expect, skip }) => {
    skip(VITEST_HAS_TAGS, `Vitest ${VITEST_VERSION} has test tags`);
    // fixtures/vitest-cart as written (cart/discount claimed only by a tag), with tags declared in the config as on 4.1.
    const root = vitestProject('vitest-cart');
    edit(root, 'vitest.config.ts', 'test: {', "test: { tags: [{ name: 'slow' }], strictTags: true,");
    const r = await runVitest(root, ['run']);
    expect(r.stdout).toContain('Tests  6 passed (6)'); // the tagged test runs and passes
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ cart/discount
    spec: "A percentage discount rounds half up to whole cents."
    impl: no test linked to cart/discount ran
    file: specs/cart.spec.md:17
    action: UNTESTED CAPABILITY - link one with [@test](../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['cart/discount'] } }

Capabilities: 3 passing, 1 untested.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      `sdna: Vitest ${VITEST_VERSION} has no test tags (they came in Vitest 4.1), so a tag links no test to its capability: test/total.test.ts:12 "rounds a discount half up" (cart/discount). Claim the capability with { meta: { capabilities: [...] } } instead, or use Vitest 4.1 or later.`,
      'sdna: the run fails on the spec gate: 1 untested-capability (1 finding at level "error")',
    ]);
    expect(r.code).toBe(1);
    // The same test claiming it by meta passes it, and the note goes.
    edit(root, 'test/total.test.ts', "{ tags: ['cart/discount'] }", "{ tags: ['cart/discount'], meta: { capabilities: ['cart/discount'] } }");
    const claimed = await runVitest(root, ['run']);
    expect(claimed.plans).toEqual([ALL_PASSING]);
    expect(claimed.stderr).not.toContain('no test tags');
    expect(claimed.code).toBe(0);
    // --tags-filter is Vitest's own option: Vitest 3.2 refuses it before any test (or sdna) runs.
    const filtered = await runVitest(root, ['run', '--tags-filter=cart/discount']);
    expect(filtered.stderr).toContain('Unknown option `--tagsFilter`');
    expect([filtered.plans, filtered.code]).toEqual([[], 1]);
  }, 90_000);

  it('a shard pair merged with --merge-reports gives the unsharded plan', async ({ expect }) => {
    const root = cartProject();
    const one = await runVitest(root, ['run', '--shard=1/2', '--reporter=blob']);
    const two = await runVitest(root, ['run', '--shard=2/2', '--reporter=blob']);
    // Each shard alone: what it did not run is not-run, and the gate holds.
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(one.plans[0]).toMatch(/Capabilities: \d passing, \d not run\./);
    const merged = await runVitest(root, ['--merge-reports']);
    expect(merged.plans).toEqual([ALL_PASSING]);
    expect(merged.code).toBe(0);
  });

  it('a claim of an unknown capability is a broken link at the test; a bad spec does not stop the run', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'test/total.test.ts', "capabilities: ['cart/total']", "capabilities: ['cart/totals']");
    write(root, 'specs/broken.spec.md', '---\nname: [unclosed\n---\n# Broken\n');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

spec    capabilities  passing  untested
cart               4        3         1
broken             0        0         0

! broken
    impl: spec has no capabilities: no \`## Capabilities\` section
    file: specs/broken.spec.md:1
    action: SPEC ERROR - add \`## Capabilities\` with bullets \`- **<Name>** [@test](../test/<file>.test.ts)\` or \`### <Name>\` headings

! broken
    impl: frontmatter is not valid YAML: unexpected end of the stream within a flow collection
    file: specs/broken.spec.md:2
    action: SPEC ERROR - write frontmatter as \`---\` / \`name: <Title>\` / \`targets:\` / \`  - ../src/<file>.ts\` / \`---\`

~ cart/total
    spec: "The total is the sum of price times quantity, in cents."
    impl: no test is linked to cart/total or claims it
    file: specs/cart.spec.md:15
    action: UNTESTED CAPABILITY - link one with [@test](../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['cart/total'] } }

- test/total.test.ts
    spec: meta: { capabilities: ['cart/totals'] }
    impl: test "sums price times quantity" claims \`cart/totals\`, which no spec declares
    file: test/total.test.ts:4
    action: BROKEN TEST LINK - did you mean \`cart/total\`? Claim an existing capability id (\`<spec-id>/<slug>\`)

Capabilities: 3 passing, 1 untested.
Plan: 1 drift, 0 unspecified, 1 potentially stale, 2 errors.
`,
    ]);
    expect(r.code).toBe(1);
  });

  it('skipped tests make a skipped capability: not proven, a warning, not "agree" (exit 0)', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'test/add.test.ts', /\bit\(/g, 'it.skip(');
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ cart/add-item (warn)
    spec: "Adding an item twice raises its quantity."
    impl: all 2 of its tests are skipped (\`.skip\`, \`.todo\`): nothing proves it
    file: specs/cart.spec.md:11
    action: SKIPPED CAPABILITY - unskip a test (or write one) that verifies the promise; until then it is not proven

Capabilities: 3 passing, 1 skipped.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    expect(r.code).toBe(0);
  });

  it('semantic: the model judges each capability after the run; its drift fails the run (exit 1)', async ({ expect }) => {
    // A server that answers like the Messages API: the total breaks its promise, the rest keep theirs.
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const content = (JSON.parse(body) as { messages: { content: string }[] }).messages[0].content;
        const capability = /^id: (.+)$/m.exec(content)![1];
        requests.push(capability);
        const line = content.split('\n').find((l) => /^\d+\| .*sum \+= price \* quantity;/.test(l));
        const input =
          capability === 'cart/total' && line
            ? { verdict: 'breaks', clause: 'in cents', evidence: [{ file: 'src/cart.ts', line: Number(line.slice(0, line.indexOf('|'))), quote: 'sum += price * quantity;' }], explanation: 'It never rounds to cents.' }
            : { verdict: 'keeps', clause: 'all', evidence: [], explanation: 'kept' };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg',
            type: 'message',
            role: 'assistant',
            model: 'claude-sonnet-5-5',
            content: [{ type: 'tool_use', id: 'toolu', name: 'report_verdict', input }],
            stop_reason: 'tool_use',
            stop_sequence: null,
            usage: { input_tokens: 1000, output_tokens: 100 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const root = cartProject();
      edit(root, 'vitest.config.ts', 'sdna()', 'sdna({ semantic: { concurrency: 2 } })');
      const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      const r = await runVitest(root, ['run'], { env });
      expect(requests.sort()).toEqual(['cart/add-item', 'cart/discount', 'cart/remove-item', 'cart/total']);
      expect(r.plans).toHaveLength(1);
      expect(r.plans[0]).toContain('~ cart/total\n    spec: "in cents"\n    impl: It never rounds to cents.\n    file: src/cart.ts:17\n    action: DRIFT DETECTED');
      expect(r.plans[0]).toContain('Semantic check (claude-sonnet-5-5): 4 checked, 0 cached, 0 not checked;');
      expect(r.code).toBe(1);
      // The verdicts are cached: a second run sends nothing.
      requests.length = 0;
      const again = await runVitest(root, ['run'], { env });
      expect(requests).toEqual([]);
      expect(again.plans[0]).toContain('Semantic check (claude-sonnet-5-5): 0 checked, 4 cached, 0 not checked;');
      // Its sub-options: only the capabilities named, with their linked tests judged too (another question, so asked again).
      edit(root, 'vitest.config.ts', 'sdna({ semantic: { concurrency: 2 } })', "sdna({ semantic: { concurrency: 2, capabilities: ['cart/t*'], tests: true } })");
      requests.length = 0;
      const some = await runVitest(root, ['run'], { env });
      expect(requests).toEqual(['cart/total']);
      expect(some.plans[0]).toContain('Semantic check (claude-sonnet-5-5): 1 checked, 0 cached, 0 not checked;');
      // Without a key: one warning, and the run stands on its tests and the static findings.
      const keyless = await runVitest(root, ['run'], { env: { ...env, ANTHROPIC_API_KEY: '' } });
      expect(keyless.stderr).toContain('sdna: the semantic check was skipped: ANTHROPIC_API_KEY is not set');
      expect(keyless.plans).toEqual([ALL_PASSING]);
      expect(keyless.code).toBe(0);
    } finally {
      server.close();
    }
  });

  it('writes the JSON plan to outputFile atomically and nothing else', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', 'json'], outputFile: { json: 'reports/sdna.json' } })");
    const before = snapshotTree(path.join(root, 'src')) + snapshotTree(path.join(root, 'specs'));
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([ALL_PASSING]);
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'reports/sdna.json'), 'utf8'));
    expect(plan.capabilities.map((c: { id: string; status: string }) => `${c.id} ${c.status}`)).toEqual([
      'cart/add-item passing',
      'cart/remove-item passing',
      'cart/total passing',
      'cart/discount passing',
    ]);
    expect(fs.readdirSync(path.join(root, 'reports'))).toEqual(['sdna.json']);
    expect(snapshotTree(path.join(root, 'src')) + snapshotTree(path.join(root, 'specs'))).toBe(before);
  });

  it('writes the HTML report to outputFile: the page carries the run\'s plan', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', 'html'], outputFile: { html: 'reports/sdna.html' } })");
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([ALL_PASSING]);
    const html = fs.readFileSync(path.join(root, 'reports/sdna.html'), 'utf8');
    const plan = embeddedPlan(html) as { capabilities: { status: string }[] };
    expect(plan.capabilities.map((c) => c.status)).toEqual(['passing', 'passing', 'passing', 'passing']);
    expect(html).toContain('<span data-count="passing">4</span> passing');
  });

  it('bad plugin options stop Vitest at start-up with the option path', async ({ expect }) => {
    const root = cartProject();
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ rules: { 'untested-capability': 'loud' } } as never)");
    const r = await runVitest(root, ['run']);
    expect(r.stdout + r.stderr).toContain(
      'invalid sdna() options: invalid value (location: rules.untested-capability, expected: "error" | "warn" | "off")',
    );
    expect(r.code).toBe(1);
  });

  it('keeps the user reporters: --reporter=dot still prints its own output', async ({ expect }) => {
    const root = cartProject();
    const r = await runVitest(root, ['run', '--reporter=dot']);
    expect(r.plans).toEqual([ALL_PASSING]);
    expect(r.stdout).toContain('······');
  });

  // Three runs of Vitest one after another: over 30 s on a loaded machine, not a hang.
  it('a JSON or JUnit report on stdout: the plan goes to stderr, and stdout still parses', async ({ expect }) => {
    const root = cartProject();
    // `stdout: true` prints the report on Vitest 5 (which writes it to .vitest/ otherwise); Vitest 3.2 and 4 print it anyway.
    edit(root, 'vitest.config.ts', 'test: {', "test: { reporters: [['json', { stdout: true }]],");
    const json = await runVitest(root, ['run']);
    expect((JSON.parse(json.stdout) as { numPassedTests: number }).numPassedTests).toBe(6);
    expect(plansIn(json.stderr)).toEqual([ALL_PASSING]);
    expect(json.code).toBe(0);
    edit(root, 'vitest.config.ts', "'json', { stdout: true }", "'junit', { stdout: true }");
    const junit = await runVitest(root, ['run']);
    expect(junit.stdout.trimStart()).toMatch(/^<\?xml[^>]*>\s*<testsuites[\s\S]*<\/testsuites>\s*$/);
    expect(plansIn(junit.stderr)).toEqual([ALL_PASSING]);
    // With the report in a file, the plan stays on stdout.
    const file = await runVitest(root, ['run', '--reporter=json', '--outputFile=report.json']);
    expect(file.plans).toEqual([ALL_PASSING]);
    expect(fs.existsSync(path.join(root, 'report.json'))).toBe(true);
  }, 90_000);

  it('maps tests from every project of a multi-project config', async ({ expect }) => {
    const root = cartProject();
    edit(
      root,
      'vitest.config.ts',
      "test: { include: ['test/**/*.test.ts'] },",
      "test: { projects: [{ extends: true, test: { name: 'unit', include: ['test/add.test.ts', 'test/remove.test.ts'] } }, { extends: true, test: { name: 'money', include: ['test/total.test.ts'] } }] },",
    );
    const r = await runVitest(root, ['run']);
    expect(r.plans).toEqual([ALL_PASSING]);
    const only = await runVitest(root, ['run', '--project=money']);
    expect(only.plans).toEqual([ALL_PASSING.replace('4 passing', '2 passing, 2 not run')]);
  });

  it('coverage: target lines no linked test runs, in ranges, and each capability\'s share', async ({ expect }) => {
    const root = cartProject();
    fs.appendFileSync(
      path.join(root, 'src/cart.ts'),
      '\nexport function clear(cart: Cart): number {\n  const n = cart.size;\n  cart.clear();\n  return n;\n}\n',
    );
    edit(root, 'vitest.config.ts', 'sdna()', "sdna({ reporters: ['terminal', 'json'], outputFile: { json: 'sdna.json' } })");
    const r = await runVitest(root, ['run', '--coverage.enabled', '--coverage.provider=v8', '--coverage.include=src', '--coverage.reporter=text']);
    // Vitest 3.2 maps V8 coverage onto lines with v8-to-istanbul by default, which
    // counts every line of a function (its closing brace too); 4.1+ maps by the AST.
    const [uncovered, shares] = VITEST_MAJOR < 4 ? ['26-29', [34.8, 56.5, 60.9, 60.9]] : ['26-28', [15.4, 46.2, 46.2, 46.2]];
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...

~ src/cart.ts (warn)
    spec: targets of cart (specs/cart.spec.md)
    impl: src/cart.ts:${uncovered} run in no test linked to cart
    file: src/cart.ts:26
    action: UNCOVERED CODE - link a test that exercises these lines to one of its capabilities, or move the code out of the spec's targets

Capabilities: 4 passing.
Plan: 1 drift, 0 unspecified, 0 potentially stale.
`,
    ]);
    // Vitest's own report agrees on the lines.
    expect(r.stdout).toMatch(new RegExp(`cart\\.ts\\s+\\|.*\\| ${uncovered}`));
    expect(r.code).toBe(0); // uncovered-code is a warning unless rules say otherwise
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'sdna.json'), 'utf8'));
    expect(plan.capabilities.map((c: { id: string; coverage: number }) => [c.id, c.coverage])).toEqual([
      ['cart/add-item', shares[0]],
      ['cart/remove-item', shares[1]],
      ['cart/total', shares[2]],
      ['cart/discount', shares[3]],
    ]);
  });

  // Two runs of tsc over a project: slow on a loaded machine, not a hang.
  it('meta.capabilities type-checks through sdna/vitest, and a misspelt key does not', async ({ expect }) => {
    const root = cartProject();
    const tsconfig = (types: string[]) =>
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', types },
        include: ['test'],
      });
    const tsc = () => runNode([path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', root], root);
    write(root, 'tsconfig.json', tsconfig(['sdna/vitest']));
    expect(await tsc()).toEqual({ code: 0, out: '' });
    // Without the augmentation Vitest's TaskMeta has no `capabilities` (and Vitest 3.2 types no `meta` option at all).
    write(root, 'tsconfig.json', tsconfig([]));
    expect((await tsc()).out).toMatch(
      VITEST_MAJOR < 4 ? /'meta' does not exist in type 'TestCollectorOptions'/ : /'capabilities' does not exist in type '(Partial<)?TaskMeta/,
    );
    write(root, 'tsconfig.json', tsconfig(['sdna/vitest']));
    edit(root, 'test/total.test.ts', 'meta: { capabilities:', 'meta: { capabilitys:');
    const typo = await tsc();
    expect(typo.out).toMatch(/'capabilitys' does not exist in type '(Partial<)?TaskMeta/);
    expect(typo.code).toBe(2);
  }, 90_000);

  it("watch mode: an edit of a Kiro feature's tasks.md alone re-plans", async ({ expect }) => {
    const root = vitestProject('kiro');
    const tasks = path.join(root, '.kiro/specs/session-expiry/tasks.md');
    const r = await runVitest(root, ['watch'], {
      onOutput: afterEachPlan([() => fs.appendFileSync(tasks, '- [ ] 3. Remember me\n  - _Requirements: 2.1_\n')]),
      until: (out) => out.split('Plan: ').length - 1 >= 2,
      timeoutMs: 45_000,
    });
    expect(r.plans).toHaveLength(2);
    expect(r.plans[0]).toContain('UNPLANNED REQUIREMENT');
    expect(r.plans[1]).not.toContain('UNPLANNED REQUIREMENT');
    expect(r.plans[1]).toContain('BROKEN REQUIREMENT REFERENCE');
  });

  it(`watch mode: a red summary, a re-plan on a spec edit alone, new capabilities usable as ${VITEST_HAS_TAGS ? 'tags' : 'claims'}`, async ({ expect }) => {
    const root = cartProject();
    // Without test tags, the new test claims its new capability by meta.
    const claimClear = VITEST_HAS_TAGS ? "{ tags: ['cart/clear-cart'] }" : "{ meta: { capabilities: ['cart/clear-cart'] } }";
    const spec = path.join(root, 'specs/cart.spec.md');
    fs.appendFileSync(spec, '- **Empty cart**\n  An empty cart totals zero.\n');
    const steps = [
      // After the first run: a new capability in the spec, no module changes.
      () => fs.appendFileSync(spec, '- **Clear cart**\n  Clearing a cart leaves it empty.\n'),
      // After the spec-only re-plan: tests for both, one by claim and one by the new tag (a claim without tags).
      () =>
        fs.appendFileSync(
          path.join(root, 'test/total.test.ts'),
          "\nit('totals zero when empty', { meta: { capabilities: ['cart/empty-cart'] } }, () => {\n  expect(total(new Map())).toBe(0);\n});\n" +
            `\nit('clears', ${claimClear}, () => {\n` +
            "  const cart: Cart = new Map();\n  addItem(cart, 'tea', 1);\n  cart.clear();\n  expect(total(cart)).toBe(0);\n});\n",
        ),
    ];
    const r = await runVitest(root, ['watch'], {
      onOutput: afterEachPlan(steps),
      until: (out) => out.split('Plan: ').length - 1 >= 3 && /PASS|FAIL/.test(out.split('Plan: ').at(-1)!),
      timeoutMs: 45_000,
    });
    const untested = (id: string, line: number, text: string) => `~ cart/${id}
    spec: "${text}"
    impl: no test is linked to cart/${id} or claims it
    file: specs/cart.spec.md:${line}
    action: UNTESTED CAPABILITY - link one with [@test](../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['cart/${id}'] } }
`;
    expect(r.plans).toEqual([
      `Analyzing spec drift for vitest-cart...\n\n${untested('empty-cart', 19, 'An empty cart totals zero.')}\nCapabilities: 4 passing, 1 untested.\nPlan: 1 drift, 0 unspecified, 0 potentially stale.\n`,
      `Analyzing spec drift for vitest-cart...\n\n${untested('empty-cart', 19, 'An empty cart totals zero.')}\n${untested('clear-cart', 21, 'Clearing a cart leaves it empty.')}\nCapabilities: 4 passing, 2 untested.\nPlan: 2 drift, 0 unspecified, 0 potentially stale.\n`,
      ALL_PASSING.replace('4 passing', '6 passing'),
    ]);
    expect(r.stdout).toContain('Tests failed. Watching for file changes...');
    // Once the gate passes again, so does the summary.
    expect(r.stdout.split('Plan: ').at(-1)).toContain('PASS  Waiting for file changes...');
    expect(r.stdout).toContain('sdna: a spec changed; re-planning with the last results.');
    expect(r.stdout).toContain('✓ test/total.test.ts (4 tests)'); // the re-run ran the new tests
  });
});

/**
 * Hostile layouts through a real `vitest run` with the plugin, as
 * test/hostile.test.ts does for the CLI: each row's answer, and nothing
 * outside the project read (no canary in the output) or written (the outside
 * folder unchanged, its empty folder still empty).
 */
describe.concurrent(`sdna/vitest on Vitest ${VITEST_VERSION}: hostile input`, { timeout: 60_000 }, () => {
  const CANARY = 'CANARY';
  const replace = (at: string, make: (at: string) => void) => {
    fs.rmSync(at, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(at), { recursive: true });
    make(at);
  };
  const link = (target: string, at: string) => replace(at, () => fs.symlinkSync(target, at));
  const fifo = (at: string) => replace(at, () => execFileSync('mkfifo', [at]));
  const rows: { name: string; layout: (root: string, outside: string) => void; exit: number; stderr?: string; plan?: string }[] = [
    {
      name: 'a spec that is a symlink to a file outside: an unread-file warning',
      layout: (root, outside) => link(path.join(outside, 'canary.spec.md'), path.join(root, 'specs/evil.spec.md')),
      exit: 0,
      plan: '  action: FILE NOT READ',
    },
    {
      name: 'a .sdna folder that is a symlink to a folder outside',
      layout: (root, outside) => link(path.join(outside, 'empty'), path.join(root, '.sdna')),
      exit: 1,
      stderr: 'cannot read .sdna/links.json: it leads outside the project root (through a symlink); sdna reads nothing outside it',
    },
    {
      name: '.sdna/state.json that is a FIFO: no hang',
      layout: (root) => {
        write(root, 'src/gen.ts', '// GENERATED FROM SPEC - DO NOT EDIT\nexport const x = 1;\n');
        fifo(path.join(root, '.sdna/state.json'));
      },
      exit: 1,
      stderr: 'cannot read .sdna/state.json: it is a named pipe (FIFO), not a regular file',
    },
    {
      name: 'sdna.config.json that is a symlink to one outside',
      layout: (root, outside) => link(path.join(outside, 'sdna.config.json'), path.join(root, 'sdna.config.json')),
      exit: 1,
      stderr: 'cannot read sdna.config.json: it leads outside the project root (through a symlink); sdna reads nothing outside it',
    },
    {
      name: 'sdna.config.json that is a FIFO: no hang',
      layout: (root) => fifo(path.join(root, 'sdna.config.json')),
      exit: 1,
      stderr: 'cannot read sdna.config.json: it is a named pipe (FIFO), not a regular file',
    },
    {
      name: 'a cache folder that is a symlink to a folder outside: neither read nor written',
      layout: (root, outside) => link(path.join(outside, 'empty'), path.join(root, 'node_modules/.cache')),
      exit: 0,
      plan: ALL_PASSING,
    },
    {
      name: 'a garbled parse cache is rebuilt',
      layout: (root) => write(root, 'node_modules/.cache/sdna/parse-cache.json', '{"format":2}\n{"api": [1, 2'),
      exit: 0,
      plan: ALL_PASSING,
    },
    {
      name: 'a 2 MB spec: a spec error, the rest still counts',
      layout: (root) => {
        write(root, 'specs/huge.spec.md', '');
        fs.truncateSync(path.join(root, 'specs/huge.spec.md'), 2 * 1024 * 1024);
      },
      exit: 1,
      plan: 'impl: cannot read the spec: it is 2 MB, over the 1 MB limit for a spec file',
    },
    {
      name: 'a 70 MB baseline',
      layout: (root) => {
        write(root, '.sdna/baseline.json', '');
        fs.truncateSync(path.join(root, '.sdna/baseline.json'), 70 * 1024 * 1024);
      },
      exit: 1,
      stderr: 'cannot read .sdna/baseline.json: it is 70 MB, over the 64 MB limit for a record file',
    },
  ];

  for (const row of rows) {
    it(row.name, async ({ expect }) => {
      const root = cartProject();
      const outside = fs.mkdtempSync(path.join(path.dirname(root), 'sdna-outside-'));
      write(outside, 'canary.spec.md', `# ${CANARY} spec\n\n## Target\n\n[@describe](./canary.ts)\n\n## Capabilities\n\n- ${CANARY} promise\n`);
      write(outside, 'sdna.config.json', JSON.stringify({ rules: { [CANARY]: 'off' } }));
      fs.mkdirSync(path.join(outside, 'empty'));
      row.layout(root, outside);
      const before = snapshotTree(outside);
      const r = await runVitest(root, ['run']);
      try {
        expect(r.stdout + r.stderr).not.toContain(CANARY);
        expect(snapshotTree(outside)).toBe(before);
        expect(fs.readdirSync(path.join(outside, 'empty'))).toEqual([]);
        if (row.stderr) expect(r.stderr).toContain(row.stderr);
        if (row.plan === ALL_PASSING) expect(r.plans).toEqual([ALL_PASSING]);
        else if (row.plan) expect(r.plans.join('')).toContain(row.plan);
        expect(r.code).toBe(row.exit);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
  }
});
