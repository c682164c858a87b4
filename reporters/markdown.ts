// The plan as a pull-request comment: the closing line, the spec diff (when the
// plan carries one: `sdna plan --base <ref>`), a table of capabilities by spec
// with status icons, and the findings grouped by kind in collapsed sections.
// GitHub refuses comments over 65,536 characters: this one stays under 60,000
// and says how much it left out.

import { KINDS } from '../src/model/kinds.js';
import type { Finding, Plan } from '../src/model/model.js';
import type { CapabilityChange, SpecDiff } from '../src/diff/spec-diff.js';
import { wordsOf } from '../src/model/words.js';
import { clipPair, plural } from '../src/util/text.js';
import { diffSummary, shortSha } from './diff.js';
import { closingLine } from './terminal.js';
import { subjectOf as header } from './util/findings.js';
import type { Reporter } from './types.js';
import { fitSections, mdCode, mdText, statusCell, type Section } from './util/markdown.js';

/** The most characters the comment has, the line that says what was left out included. */
export const MARKDOWN_LIMIT = 60_000;
/** Kept for the closing lines after the sections. */
const RESERVE = 600;

const CHANGE_ICON = { added: '➕', removed: '➖', renamed: '🔀', changed: '✏️' } as const;

/** Inside a table cell: a `|` is escaped even in code. */
const code = (text: string) => mdCode(text, true);

function changeCell(c: CapabilityChange): string {
  const at = code(`${c.file}:${c.line}`);
  const links = (l: { added: string[]; removed: string[] } | undefined) =>
    l ? [`links ${[...l.added.map((x) => `+${code(x)}`), ...l.removed.map((x) => `−${code(x)}`)].join(' ')}`] : [];
  switch (c.change) {
    case 'added':
      return `added at ${at}`;
    case 'removed':
      return [`removed from ${at}`, ...(c.testsLeft.length > 0 ? [`**its tests remain**: ${c.testsLeft.map((f) => code(f)).join(', ')}`] : [])].join('; ');
    case 'renamed':
      return [`renamed from ${code(c.from)}, same words`, ...links(c.links)].join('; ');
    case 'changed':
      return [
        ...(c.nameFrom !== undefined ? [`name was “${mdText(c.nameFrom, true)}”`] : []),
        ...(c.text ? [`words changed (were: “${mdText(clipPair(c.text.from, c.text.to, 160)[0], true)}”)`] : []),
        ...links(c.links),
        ...(c.testsUnchanged ? [`**its tests did not change**: ${c.testsUnchanged.map((f) => code(f)).join(', ')}`] : []),
      ].join('; ');
  }
}

function diffSections(diff: SpecDiff): Section[] {
  const title = `### Spec changes against ${mdCode(diff.ref)} (merge base ${mdCode(shortSha(diff.base))})`;
  const unit: [string, string] = ['spec change', 'spec changes'];
  if (diff.capabilities.length === 0 && diff.targets.length === 0) return [{ head: [title, '', 'No spec changes.', ''], items: [], tail: [], unit }];
  const rows = diff.capabilities.map((c) => `| ${CHANGE_ICON[c.change]} ${c.change} | ${code(c.id)} | ${c.change === 'removed' ? '' : statusCell(c.status)} | ${changeCell(c)} |`);
  const targets = diff.targets.map(
    (t) => `- targets of ${mdCode(t.spec)}: ${[...t.added.map((p) => `+${mdCode(p)}`), ...t.removed.map((p) => `−${mdCode(p)}`)].join(' ')}`,
  );
  return [
    { head: [title, '', '| | capability | status | change |', '| --- | --- | --- | --- |'], items: rows, tail: [''], unit },
    { head: [], items: targets, tail: [...(targets.length > 0 ? [''] : []), diffSummary(diff), ''], unit },
  ];
}

/** The share of the comment the table of capabilities may take, so that a large one leaves room for the findings. */
const TABLE_SHARE = 0.4;

function capabilitySection(plan: Plan): Section {
  const rows = plan.capabilities.map((c) => `| ${code(c.spec)} | ${mdText(c.name, true)} (${code(c.id)}) | ${statusCell(c.status)} |`);
  const head = ['### Capabilities', '', ...(rows.length > 0 ? ['| spec | capability | status |', '| --- | --- | --- |'] : ['No capabilities.'])];
  return { head, items: rows, tail: [''], unit: ['capability', 'capabilities'], limit: MARKDOWN_LIMIT * TABLE_SHARE };
}

function findingItem(f: Finding): string {
  const about = header(f);
  // A finding about a file is headed by it: its place is not repeated.
  const at = f.file !== undefined && f.file !== about ? ` (${mdCode(f.line !== undefined ? `${f.file}:${f.line}` : f.file)})` : '';
  return `- ${mdCode(about)}${f.severity === 'warn' ? ' (warn)' : ''}${at}: ${mdText(wordsOf(f).impl)}`;
}

function findingSections(findings: Finding[]): Section[] {
  const byKind = new Map<string, Finding[]>();
  for (const f of findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  if (byKind.size === 0) return [{ head: ['### Findings', '', 'No findings: specs, code and tests agree.', ''], items: [], tail: [], unit: ['finding', 'findings'] }];
  return [...byKind].map(([kind, group], i) => ({
    head: [...(i === 0 ? ['### Findings', ''] : []), '<details>', `<summary><b>${kind}</b>: ${group.length} (${KINDS[group[0].kind].action})</summary>`, ''],
    items: group.map(findingItem),
    tail: ['', '</details>', ''],
    unit: ['finding', 'findings'],
  }));
}

export const markdown: Reporter = (plan) => {
  // Baselined findings were accepted when the team adopted sdna: counted, not listed.
  const current = plan.findings.filter((f) => !f.baselined);
  const top = [`## sdna plan: ${mdText(plan.project)}`, '', `**${closingLine(plan)}**`, ''];
  if (plan.baseline) top.push(`${plural(plan.baseline.baselined, 'finding')} in ${mdCode(plan.baseline.file)} not shown.`, '');
  const sections = [...(plan.specDiff ? diffSections(plan.specDiff) : []), capabilitySection(plan), ...findingSections(current)];
  const budget = MARKDOWN_LIMIT - RESERVE - top.reduce((n, l) => n + l.length + 1, 0);
  const { lines, leftOut } = fitSections(sections, budget);
  const out = [...top, ...lines];
  if (leftOut.size > 0) {
    const what = [...leftOut.values()].map(({ n, unit }) => plural(n, ...unit)).join(', ');
    out.push(`**Left out to keep this comment under ${MARKDOWN_LIMIT.toLocaleString('en-US')} characters: ${what}.** \`sdna plan --json\` lists them all.`, '');
  }
  return out.join('\n').trimEnd() + '\n';
};
