// Reporters are pure functions of a plan; the CLI decides on colour.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlan, loadReporter, REPORTERS, resolveConfig, SdnaError, type Plan } from '../dist/index.js';
import { CLI, FIXTURES, REPO, tempProject, write } from './helpers.js';

function plan(fixture: string): Promise<Plan> {
  const root = path.join(FIXTURES, fixture);
  return createPlan(resolveConfig(fixture === 'rules' ? { rules: { 'untested-capability': 'warn', 'unspecified-code': 'off' } } : {}, undefined, root));
}

describe('terminal reporter', () => {
  it('paints signs and headers only when asked', async () => {
    const demo = await plan('demo');
    const plain = REPORTERS.terminal(demo, { color: false, quiet: false });
    const painted = REPORTERS.terminal(demo, { color: true, quiet: false });
    expect(plain).not.toContain('\u001b[');
    expect(painted).toContain('\u001b[33m~\u001b[39m \u001b[1mpayments/void-authorization\u001b[22m');
    expect(painted).toContain('\u001b[32m+\u001b[39m \u001b[1msrc/webhooks/handler.ts\u001b[22m');
    expect(painted).toContain('\u001b[31m-\u001b[39m \u001b[1mpayments\u001b[22m');
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('marks warn-level findings and leaves them out with quiet', async () => {
    const rules = await plan('rules');
    expect(REPORTERS.terminal(rules, { color: false, quiet: false })).toContain('~ notes/pin-note (warn)\n');
    expect(REPORTERS.terminal(rules, { color: false, quiet: true })).toBe('Plan: 1 drift, 0 unspecified, 0 potentially stale.\n');
  });

  it('counts spec errors in the closing line', async () => {
    const out = REPORTERS.terminal(await plan('spec-error'), { color: false, quiet: true });
    expect(out.trimEnd().split('\n').at(-1)).toBe('Plan: 1 drift, 0 unspecified, 0 potentially stale, 10 errors.');
  });

  it('says so when nothing disagrees', async () => {
    expect(REPORTERS.terminal(await plan('clean'), { color: false, quiet: false })).toBe(
      'Analyzing spec drift for short-links...\n\nspec     capabilities  linked\nlimiter             2       2\nlinks               3       3\n\nNo changes. Specs, code and tests agree.\n\nPlan: 0 drift, 0 unspecified, 0 potentially stale.\n',
    );
  });
});

describe('the CLI and colour', () => {
  // `script` gives the CLI a real terminal, as a user's shell would.
  const inTty = (env: string) =>
    spawnSync('script', ['-qec', `${env} ${process.execPath} ${CLI} plan --root fixtures/demo`, '/dev/null'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm' },
    }).stdout;

  it('colours on a terminal', async () => {
    expect(inTty('')).toContain('\u001b[33m~\u001b[39m');
  });

  it('never colours with NO_COLOR, even on a terminal', async () => {
    expect(inTty('NO_COLOR=1')).not.toContain('\u001b[');
  });
});

describe('json reporter', () => {
  it('writes only the documented fields, optional ones left out', async () => {
    const out = JSON.parse(REPORTERS.json(await plan('broken-test-link'), { color: false, quiet: false }));
    expect(Object.keys(out)).toEqual(['version', 'root', 'specs', 'capabilities', 'findings', 'summary']);
    const claim = out.findings.find((f: { file: string }) => f.file === 'test/search.test.ts');
    expect(claim).toEqual({
      kind: 'broken-test-link',
      category: 'stale',
      severity: 'error',
      file: 'test/search.test.ts',
      line: 9,
      message:
        'test "search > suggests a spelling" claims `search/suggest-speling`, which no spec declares; did you mean `search/suggest-spelling`? Claim an existing capability id (`<spec-id>/<slug>`)',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});

describe('loadReporter', () => {
  it('refuses a module without a default function', async () => {
    const dir = tempProject();
    write(dir, 'bad.mjs', 'export const x = 1;\n');
    await expect(loadReporter('./bad.mjs', dir)).rejects.toThrow(
      new SdnaError('reporter ./bad.mjs must export a default function (plan, options) => string'),
    );
  });

  it('explains a module that cannot be loaded', async () => {
    await expect(loadReporter('./missing.mjs', REPO)).rejects.toThrow(/^cannot load reporter \.\/missing\.mjs: /);
  });
});
