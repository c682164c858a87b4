// JUnit XML for CI test-report viewers (GitLab, Jenkins, Azure DevOps, the
// test-reporter actions): a test suite per spec and a test case per capability,
// so a capability nothing proves shows where failing tests show.

import type { CapabilityPlan, Finding } from '../src/model/model.js';
import { wordsOf } from '../src/model/words.js';
import type { Reporter } from './types.js';
import { xmlAttribute as attr, xmlText as text } from './util/xml.js';

type Outcome = { result: 'passed' } | { result: 'failure' | 'skipped'; message: string; details?: string };

/** The finding behind a capability's status, for its words. */
const STATUS_KIND: Partial<Record<CapabilityPlan['status'], Finding['kind']>> = {
  failing: 'failing-capability',
  untested: 'untested-capability',
  skipped: 'skipped-capability',
};

function outcomeOf(c: CapabilityPlan, findings: Map<string, Finding>): Outcome | undefined {
  const kind = STATUS_KIND[c.status];
  const f = kind === undefined ? undefined : findings.get(`${kind}\0${c.id}`);
  const words = f && wordsOf(f);
  const details = words && [words.spec !== undefined ? `spec: ${words.spec}` : '', `impl: ${words.impl}`, `action: ${words.hint}`].filter(Boolean).join('\n');
  // Accepted when the team adopted sdna: the gate leaves it out, so no red here either.
  if (f?.baselined) return { result: 'skipped', message: `in .sdna/baseline.json: ${words!.impl}` };
  switch (c.status) {
    case 'failing':
    case 'untested':
      return { result: 'failure', message: words?.impl ?? `${c.status}: no linked test passed`, ...(details !== undefined && { details }) };
    case 'skipped':
      return { result: 'skipped', message: words?.impl ?? 'every test of it is skipped' };
    case 'not-run':
      return { result: 'skipped', message: 'its tests did not run: this run left them out' };
    // No longer promised: not a test case at all.
    case 'removed':
      return undefined;
    default:
      return { result: 'passed' };
  }
}

function testcase(c: CapabilityPlan, outcome: Outcome): string {
  const head = `    <testcase name="${attr(c.name)}" classname="${attr(c.spec)}" file="${attr(c.file)}" line="${c.line}"`;
  if (outcome.result === 'passed') return `${head}/>`;
  const body =
    outcome.result === 'skipped'
      ? `<skipped message="${attr(outcome.message)}"/>`
      : `<failure message="${attr(outcome.message)}" type="${STATUS_KIND[c.status]}">${text(outcome.details ?? outcome.message)}</failure>`;
  return `${head}>\n      ${body}\n    </testcase>`;
}

const counts = (outcomes: Outcome[]) =>
  `tests="${outcomes.length}" failures="${outcomes.filter((o) => o.result === 'failure').length}" errors="0" skipped="${outcomes.filter((o) => o.result === 'skipped').length}"`;

export const junit: Reporter = (plan) => {
  const findings = new Map(plan.findings.filter((f) => f.capability !== undefined).map((f) => [`${f.kind}\0${f.capability}`, f]));
  const cases = plan.capabilities.flatMap((c) => {
    const outcome = outcomeOf(c, findings);
    return outcome ? [{ c, outcome }] : [];
  });
  const suites: string[] = [];
  for (const spec of new Set(plan.specs.map((s) => s.id))) {
    const own = cases.filter(({ c }) => c.spec === spec);
    if (own.length === 0) continue;
    const file = plan.specFiles.get(spec);
    suites.push(
      `  <testsuite name="${attr(spec)}" ${counts(own.map((o) => o.outcome))}${file === undefined ? '' : ` file="${attr(file)}"`}>`,
      ...own.map(({ c, outcome }) => testcase(c, outcome)),
      '  </testsuite>',
    );
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="sdna" ${counts(cases.map((o) => o.outcome))}>`, ...suites, '</testsuites>'].join('\n') + '\n';
};
