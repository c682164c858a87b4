// The reporters for machines: SARIF for code scanning, JUnit for test-report
// viewers, workflow commands and a job summary for GitHub Actions, and the
// text `sdna explain` shares with the SARIF rules.

import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createPlan, explainKind, githubSummary, KIND_NAMES, REPORTERS, resolveConfig, type Finding, type Plan } from '../dist/index.js';
import { FIXTURES, REPO, sdna, tempProject, write } from './helpers.js';

const options = { color: false, quiet: false };
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };

function plan(fixture: string, root = path.join(FIXTURES, fixture)): Promise<Plan> {
  return createPlan(resolveConfig({}, undefined, root));
}

// The schema's formats, checked here rather than by another dependency.
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///'));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
// Vendored: see test/sarif/README.md.
const validSarif = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8')));

interface SarifLog {
  runs: {
    tool: { driver: { version: string; semanticVersion: string; rules: { id: string; help: { text: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { ruleId: string; level: string; partialFingerprints: Record<string, string>; locations?: unknown[]; suppressions?: unknown[] }[];
    properties: { findings: number; omitted?: number };
    invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[];
  }[];
}

function sarifOf(p: Plan, own: { maxResults?: number } = {}): SarifLog {
  const text = REPORTERS.sarif(p, { ...options, ...own });
  const log = JSON.parse(text) as SarifLog;
  expect(validSarif(log), JSON.stringify(validSarif.errors, null, 2)).toBe(true);
  return log;
}

/** The SARIF without what depends on the machine and the release. */
function portable(log: SarifLog): string {
  const run = log.runs[0];
  expect(run.tool.driver.version).toBe(pkg.version);
  run.tool.driver.version = run.tool.driver.semanticVersion = '<version>';
  run.originalUriBaseIds['%SRCROOT%'].uri = 'file:///<root>/';
  return JSON.stringify(log, null, 2) + '\n';
}

describe('sarif reporter', () => {
  it('writes SARIF 2.1.0 that the schema accepts, on every fixture', async () => {
    for (const fixture of ['demo', 'spec-error', 'broken-test-link', 'stale-target', 'api-drift', 'clean']) sarifOf(await plan(fixture));
  });

  it('on the demo: one rule per kind with the help `sdna explain` prints, one result per finding', async () => {
    const demo = await plan('demo');
    const log = sarifOf(demo);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(KIND_NAMES);
    expect(run.tool.driver.rules.map((r) => r.help.text)).toEqual(KIND_NAMES.map((k) => explainKind(k)));
    const byPrint = new Map(demo.findings.map((f) => [f.fingerprint, f.kind]));
    expect(run.results.map((r) => byPrint.get(r.partialFingerprints['sdnaFingerprint/v1']))).toEqual(run.results.map((r) => r.ruleId));
    expect(run.results).toHaveLength(demo.findings.length);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${path.join(FIXTURES, 'demo')}/`);
    await expect(portable(log)).toMatchFileSnapshot('__snapshots__/reporters/demo.sarif.json');
  });

  it('keeps one alert per finding across runs: the fingerprint, never the line, is its identity', async () => {
    const dir = tempProject('demo');
    const before = sarifOf(await plan('demo', dir)).runs[0].results;
    const spec = path.join(dir, 'specs/payments.spec.md');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('# Payment Processing\n', '# Payment Processing\n\nA new paragraph.\n\n'));
    const after = sarifOf(await plan('demo', dir)).runs[0].results;
    expect(after.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
  });

  it('points a finding without a file at its spec file, and marks baselined findings suppressed', async () => {
    const demo = await plan('demo');
    const untested = demo.findings.findIndex((f) => f.kind === 'untested-capability');
    const { file: _file, line: _line, ...unplaced } = demo.findings[untested];
    const baselined = { ...demo, findings: demo.findings.map((f, i) => (i === untested ? ({ ...unplaced, baselined: true } as Finding) : f)) };
    const results = sarifOf(baselined).runs[0].results;
    const last = results.at(-1)!;
    expect(last.ruleId).toBe('untested-capability');
    expect(last.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'specs/payments.spec.md', uriBaseId: '%SRCROOT%' } } }]);
    expect(last.suppressions).toEqual([{ kind: 'external', justification: 'in .sdna/baseline.json' }]);
  });

  it('keeps at most 5,000 results, the most severe first, and says how many it left out', async () => {
    const dir = tempProject('demo');
    for (let i = 0; i < 5010; i++) write(dir, `src/generated/file-${String(i).padStart(4, '0')}.ts`, `export const n${i} = ${i};\n`);
    const big = await createPlan(resolveConfig({ rules: { 'stale-target': 'warn' } }, undefined, dir));
    const total = big.findings.length;
    expect(total).toBeGreaterThan(5010);
    const run = sarifOf(big).runs[0];
    expect(run.results).toHaveLength(5000);
    expect(run.properties).toEqual({ findings: total, omitted: total - 5000 });
    expect(run.invocations![0].toolExecutionNotifications[0].message.text).toBe(
      `${total - 5000} of ${total} findings left out: code scanning takes at most 5000 results per run, and the ones kept are the most severe (sdna plan --json lists every finding)`,
    );
    // Every error comes before the warnings, which are the ones left out.
    expect(run.results.every((r) => r.level === 'error')).toBe(true);
    expect(big.findings.filter((f) => f.severity === 'warn').length).toBeGreaterThan(0);
    expect(sarifOf(big, { maxResults: 3 }).runs[0].results).toHaveLength(3);
  });
});

describe('junit reporter', () => {
  it('on the demo: a suite per spec, a case per capability, untested ones failing', async () => {
    await expect(REPORTERS.junit(await plan('demo'), options)).toMatchFileSnapshot('__snapshots__/reporters/demo.junit.xml');
  });

  it('after a run: failing fails, skipped and not-run are skipped, removed is left out; XML escaped', async () => {
    const demo = await plan('demo');
    const statuses = ['failing', 'skipped', 'not-run', 'removed'] as const;
    const run: Plan = {
      ...demo,
      mode: 'run',
      findings: [],
      capabilities: demo.capabilities.map((c, i) => ({ ...c, status: statuses[i], ...(i === 0 && { name: 'a < b & "c" \'d\'\u001b[31m\nnext' }) })),
    };
    const out = REPORTERS.junit(run, options);
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="sdna" tests="3" failures="1" errors="0" skipped="2">',
        '  <testsuite name="payments" tests="3" failures="1" errors="0" skipped="2" file="specs/payments.spec.md">',
        '    <testcase name="a &lt; b &amp; &quot;c&quot; &apos;d&apos;\\u001b[31m&#10;next" classname="payments" file="specs/payments.spec.md" line="15">',
        '      <failure message="failing: no linked test passed" type="failing-capability">failing: no linked test passed</failure>',
        '    </testcase>',
        '    <testcase name="Capture Payment" classname="payments" file="specs/payments.spec.md" line="19">',
        '      <skipped message="every test of it is skipped"/>',
        '    </testcase>',
        '    <testcase name="Refund Payment" classname="payments" file="specs/payments.spec.md" line="22">',
        '      <skipped message="its tests did not run: this run left them out"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });
});

describe('github-actions reporter', () => {
  it('on the demo: an annotation per finding, errors then warnings, then the closing line', async () => {
    await expect(REPORTERS['github-actions'](await plan('demo'), options)).toMatchFileSnapshot('__snapshots__/reporters/demo.github-actions.txt');
  });

  it("escapes % and newlines in the message, and : and , in properties too, as GitHub's toolkit does", async () => {
    const demo = await plan('spec-error');
    const f = demo.findings.find((x) => x.kind === 'spec-error')!;
    const odd = { ...f, file: 'specs/a:b,c%.spec.md', line: 3, data: { ...f.data, problem: '50% off: first, second\r\nthird', fix: 'fix it' } } as Finding;
    const out = REPORTERS['github-actions']({ ...demo, findings: [odd] }, options);
    expect(out.split('\n')[0]).toBe(`::error file=specs/a%3Ab%2Cc%25.spec.md,line=3,title=spec-error%3A ${f.spec}::50%25 off: first, second%0D%0Athird; fix it`);
  });

  it('prints the 10 most important of each level (GitHub shows no more) and says how many it left out', async () => {
    const dir = tempProject('demo');
    for (let i = 0; i < 12; i++) write(dir, `src/extra/file-${String(i).padStart(2, '0')}.ts`, 'export {};\n');
    const lines = REPORTERS['github-actions'](await plan('demo', dir), options).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    // The spec's own findings come before the files no spec targets.
    expect(lines.filter((l) => l.startsWith('::error ')).slice(0, 3).map((l) => l.split(',title=')[1].split('::')[0])).toEqual([
      'untested-capability%3A payments/refund-payment',
      'untested-capability%3A payments/void-authorization',
      'stale-target%3A payments',
    ]);
    expect(lines.at(-2)).toBe('::notice title=sdna::7 more errors not annotated (GitHub shows 10 of each): the job summary lists every finding');
    expect(lines.at(-1)).toBe('Plan: 2 drift, 13 unspecified, 2 potentially stale.');
  });

  it('the job summary: the closing line, specs by status, every finding as a Markdown table', async () => {
    await expect(githubSummary(await plan('demo'))).toMatchFileSnapshot('__snapshots__/reporters/demo.summary.md');
  });

  it('the CLI appends the job summary to $GITHUB_STEP_SUMMARY, only with the github-actions reporter', async () => {
    const dir = tempProject();
    const summary = path.join(dir, 'step-summary.md');
    fs.writeFileSync(summary, 'An earlier step wrote this.\n');
    const demo = await plan('demo');
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'github-actions'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(REPORTERS['github-actions'](demo, options));
    expect(fs.readFileSync(summary, 'utf8')).toBe(`An earlier step wrote this.\n${githubSummary(demo)}`);
    await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'json'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(fs.readFileSync(summary, 'utf8')).toBe(`An earlier step wrote this.\n${githubSummary(demo)}`);
  });

  it('without $GITHUB_STEP_SUMMARY, only prints', async () => {
    const dir = tempProject('demo');
    const r = await sdna(['plan', '--reporter', 'github-actions', '--reporter', 'sarif:reports/sdna.sarif'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['package.json', 'reports', 'specs', 'src', 'tests']);
    expect(validSarif(JSON.parse(fs.readFileSync(path.join(dir, 'reports/sdna.sarif'), 'utf8')))).toBe(true);
  });
});

describe('sdna explain', () => {
  it('prints what a kind means, an example and how to fix it: the SARIF rule\'s help', async () => {
    const r = await sdna(['explain', 'untested-capability']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(explainKind('untested-capability'));
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/explain-untested-capability.txt');
  });

  it('every kind has an example and a fix', () => {
    for (const kind of KIND_NAMES) expect(explainKind(kind)).toMatch(/\n\nExample: \S.*\n\nHow to fix: \S/s);
  });

  it('without a kind, lists them all', async () => {
    const r = await sdna(['explain']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').slice(0, -2).map((l) => l.trim().split(' ')[0])).toEqual(KIND_NAMES);
  });

  it('an unknown kind exits 2 with the nearest one', async () => {
    const typo = await sdna(['explain', 'untestd-capability']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('sdna: unknown finding kind "untestd-capability" (did you mean `sdna explain untested-capability`? run sdna explain to list them)\n');
    expect((await sdna(['explain', 'stale'])).stderr).toBe('sdna: unknown finding kind "stale" (did you mean `sdna explain stale-target`? run sdna explain to list them)\n');
    expect((await sdna(['explain', 'zzz'])).stderr).toBe('sdna: unknown finding kind "zzz" (run sdna explain to list them)\n');
  });
});
