// The plan as `terraform plan` shows infrastructure: `~` drift, `+` unspecified,
// `-` stale, `!` spec errors, each with spec:/impl:/file:/action: lines.

import { styleText } from 'node:util';
import { KINDS, SIGNS } from '../src/model/kinds.js';
import type { Finding, Plan } from '../src/model/model.js';
import { wordsOf } from '../src/model/words.js';
import { READERS } from '../src/formats/readers.js';
import { numbered, plural } from '../src/util/text.js';
import type { Reporter, TerminalOptions } from './types.js';
import { subjectOf } from './util/findings.js';
import { notCheckedLines, spentText } from './util/model-usage.js';

/** Where sdna looks without a config, as a newcomer needs to hear it (a folder symlink is a common reason for none). */
const NO_SPECS = [
  'No specs found. Without a config sdna reads Tessl `*.spec.md`, Spec Kit `specs/001-<feature>/spec.md`,',
  'Kiro `.kiro/specs/<feature>/requirements.md` and OpenSpec `openspec/specs/**/spec.md`; like git, it does not',
  'follow a folder that is a symlink. Set `specs` in sdna.config to say where yours are.',
].join('\n');

type Style = 'red' | 'green' | 'yellow' | 'bold' | 'dim';

const SIGN_STYLE: Record<string, Style> = { '~': 'yellow', '+': 'green', '-': 'red', '!': 'red' };

const DIFF_STYLE: Record<string, Style> = { '-': 'red', '+': 'green', '@': 'dim' };

function diffLines(diff: string, paint: (s: Style, t: string) => string): string[] {
  return ['    diff:', ...diff.split('\n').map((l) => {
    const style = /^(---|\+\+\+) /.test(l) ? 'bold' : DIFF_STYLE[l[0]];
    return `      ${style ? paint(style, l) : l}`;
  })];
}

function block(f: Finding, paint: (s: Style, t: string) => string): string {
  const sign = SIGNS[f.category];
  const warn = f.severity === 'warn' ? paint('dim', ' (warn)') : '';
  const words = wordsOf(f);
  const lines = [`${paint(SIGN_STYLE[sign], sign)} ${paint('bold', subjectOf(f))}${warn}`];
  if (f.category === 'unspecified') {
    lines.push(`    impl: ${words.impl}`, '    spec: No specification found');
  } else {
    if (words.spec !== undefined) lines.push(`    spec: ${words.spec}`);
    lines.push(`    impl: ${words.impl}`);
    if (f.file !== undefined) lines.push(`    file: ${f.file}${f.line !== undefined ? `:${f.line}` : ''}`);
    if (words.diff !== undefined) lines.push(...diffLines(words.diff, paint));
  }
  lines.push(`    action: ${KINDS[f.kind].action} - ${words.hint}`);
  return lines.join('\n');
}

/** The statuses a plan shows, in the order it shows them: after a test run, and before one. */
const STATUS_ORDER = {
  run: ['passing', 'failing', 'untested', 'skipped', 'not-run', 'removed'],
  static: ['linked', 'untested', 'removed'],
} as const;
const label = (status: string) => status.replace('-', ' ');

/** After a test run: how many capabilities ended in each status. Undefined for a static plan. */
function runStatusLine(plan: Plan): string | undefined {
  if (plan.mode !== 'run' || plan.capabilities.length === 0) return undefined;
  const counts = STATUS_ORDER.run.map((status) => [plan.capabilities.filter((c) => c.status === status).length, label(status)] as const);
  return `Capabilities: ${counts.filter(([n]) => n > 0).map(([n, name]) => `${n} ${name}`).join(', ')}.`;
}

function baselineLines(b: NonNullable<Plan['baseline']>): string[] {
  const lines = [`Baseline: ${plural(b.baselined, 'finding')} in ${b.file} not shown.`];
  if (b.gone.length > 0) {
    const about = (e: (typeof b.gone)[number]) => `${e.kind} ${e.symbol !== undefined ? `${e.spec}: ${e.symbol}` : (e.capability ?? e.file ?? e.spec ?? '')}`.trimEnd();
    lines.push(`${plural(b.gone.length, 'baselined finding is', 'baselined findings are')} gone (run \`sdna baseline --prune\` to drop ${numbered(b.gone.length, 'it', 'them')}):`);
    for (const e of b.gone) lines.push(`  - ${about(e)}`);
  }
  return lines;
}

export function closingLine(plan: Plan): string {
  const s = plan.summary;
  // Spec errors at level `error`; a spec warning is not counted as one.
  const n = plan.findings.filter((f) => f.category === 'error' && f.severity === 'error' && !f.baselined).length;
  const errors = n > 0 ? `, ${plural(n, 'error')}` : '';
  return `Plan: ${s.drift} drift, ${s.unspecified} unspecified, ${s.stale} potentially stale${errors}.`;
}

/** How many findings of one kind the plan shows before `… and N more` (`--full` shows all): about a screenful. */
const PER_KIND = 8;
/** Rows of the table of specs before `… and N more specs`. */
const TABLE_ROWS = 20;

/**
 * With more than one spec, the plan opens with a table: each spec's capabilities
 * by status, the ones with the most failing and untested first.
 */
function specTable(plan: Plan, full: boolean): string[] {
  if (new Set(plan.specs.map((s) => s.id)).size < 2) return [];
  const statuses: readonly string[] = STATUS_ORDER[plan.mode];
  const counts = new Map(plan.specs.map((s) => [s.id, new Map<string, number>()]));
  for (const c of plan.capabilities) {
    const row = counts.get(c.spec);
    if (row) row.set(c.status, (row.get(c.status) ?? 0) + 1);
  }
  const columns = statuses.filter((st) => [...counts.values()].some((row) => row.has(st)));
  const bad = (id: string) => (counts.get(id)!.get('failing') ?? 0) + (counts.get(id)!.get('untested') ?? 0);
  // One row per spec id (a duplicated id is a spec-error of its own).
  const specs = [...new Map(plan.specs.map((s) => [s.id, s])).values()].sort((a, b) => bad(b.id) - bad(a.id));
  const shown = full ? specs : specs.slice(0, TABLE_ROWS);
  const width = Math.max(4, ...shown.map((s) => s.id.length));
  const cell = (text: string, w: number) => text.padStart(w);
  const lines = [`${'spec'.padEnd(width)}  ${['capabilities', ...columns].map(label).join('  ')}`];
  for (const s of shown) {
    const row = counts.get(s.id)!;
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    lines.push(`${s.id.padEnd(width)}  ${cell(String(total), 'capabilities'.length)}  ${columns.map((c) => cell(String(row.get(c) ?? 0), c.length)).join('  ')}`);
  }
  if (shown.length < specs.length) lines.push(`… and ${plural(specs.length - shown.length, 'more spec')} (--full shows them all)`);
  return [...lines, ''];
}

/** The findings to detail: at most PER_KIND of each kind, unless `full`; and how many of each kind were left out. */
function detail(findings: Finding[], full: boolean): { shown: Finding[]; more: Map<string, number> } {
  if (full) return { shown: findings, more: new Map() };
  const seen = new Map<string, number>();
  const shown = findings.filter((f) => {
    const n = (seen.get(f.kind) ?? 0) + 1;
    seen.set(f.kind, n);
    return n <= PER_KIND;
  });
  return { shown, more: new Map([...seen].filter(([, n]) => n > PER_KIND).map(([kind, n]) => [kind, n - PER_KIND])) };
}

/**
 * Specs whose format has no link syntax, with nothing linked: every capability
 * untested for the same reason. Each gets one line instead of a block per capability.
 */
function unlinkable(plan: Plan, findings: Finding[]): Map<string, number> {
  const linked = new Set(plan.capabilities.filter((c) => c.tests.length > 0).map((c) => c.spec));
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (f.kind === 'untested-capability' && f.data.reason === 'unlinked' && f.spec !== undefined && !linked.has(f.spec)) counts.set(f.spec, (counts.get(f.spec) ?? 0) + 1);
  }
  const format = new Map(plan.specs.map((s) => [s.id, s.format]));
  for (const spec of counts.keys()) if (format.get(spec) === undefined || READERS[format.get(spec)!].linkSyntax) counts.delete(spec);
  // As many as the table counts (a parent and its parts are each untested).
  for (const spec of counts.keys()) counts.set(spec, 0);
  for (const c of plan.capabilities) if (c.status === 'untested' && counts.has(c.spec)) counts.set(c.spec, counts.get(c.spec)! + 1);
  return counts;
}

function unlinkableLines(plan: Plan, counts: Map<string, number>, paint: (s: Style, t: string) => string): string[] {
  if (counts.size === 0) return [];
  const format = new Map(plan.specs.map((s) => [s.id, s.format]));
  const lines = [...counts].map(
    ([spec, n]) => `${paint('red', '~')} ${paint('bold', spec)}: ${plural(n, 'capability is', 'capabilities are')} untested: ${READERS[format.get(spec)!].names[1]} have no link syntax and nothing is recorded; run \`sdna import\` to infer links from the tests`,
  );
  return [...lines, ''];
}

/** What the semantic check did, what it could not check and why, and what it cost. */
function semanticLines(s: NonNullable<Plan['semantic']>, full: boolean): string[] {
  const c = s.confirm;
  return [
    `Semantic check (${s.model}): ${s.checked} checked, ${s.cached} cached, ${s.skipped ? `${s.skipped} unchanged and skipped, ` : ''}${s.notChecked.length} not checked; ${spentText(s)}.`,
    ...(c
      ? [`  --confirm: ${plural(c.fails + c.passes + c.broken, 'breaks verdict was', 'breaks verdicts were')} tested: ${c.fails} confirmed by a failing test, ${c.passes} refuted by a passing one, ${c.broken} whose test did not run to an assertion (unclear).`]
      : []),
    ...(s.batch ? [batchLine(s.batch)] : []),
    // Those waiting in a batch are counted on the batch's line, not listed one by one.
    ...notCheckedLines({ ...s, notChecked: s.notChecked.filter((x) => x.batch === undefined) }, full),
  ];
}

/** `--batch`: what was sent and collected, and what still waits. */
function batchLine(b: NonNullable<NonNullable<Plan['semantic']>['batch']>): string {
  const head = `  batch (half price): ${plural(b.sent, 'request')} sent, ${plural(b.collected, 'answer')} collected`;
  if (b.pending.length === 0) return `${head}; none waiting.`;
  const waiting = b.pending.map((p) => `${p.id} (${plural(p.requests, 'request')}, ${p.status})`).join(', ');
  return `${head}; waiting: ${waiting}; run the same command again to collect them (within 24 hours).`;
}

/** `--since`, `--staged`, files: what the plan covered of the project. */
function scopeLine(s: NonNullable<Plan['scope']>): string {
  return `Scoped to ${s.by}: ${s.specs} of ${plural(s.of, 'spec')} touched by ${plural(s.files, 'changed file')} (and findings about those files); \`sdna plan\` plans them all.`;
}

/** With links `sdna import` recorded: how many capabilities rest on them alone. */
function inferredLine(plan: Plan): string | undefined {
  const linked = plan.capabilities.filter((c) => c.tests.length > 0);
  const inferred = linked.filter((c) => c.tests.every((t) => t.inferred)).length;
  if (inferred === 0) return undefined;
  return `Inferred: ${plural(inferred, 'capability is', 'capabilities are')} linked only by links \`sdna import\` recorded (.sdna/links.json); --json marks each such test "inferred".`;
}

export const terminal: Reporter<TerminalOptions> = (plan, options) => {
  // The caller decides on colour (a TTY, NO_COLOR): styleText must not check stdout again.
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const full = Boolean(options.full);
  // Baselined findings were accepted when the team adopted sdna: counted below, not shown.
  const all = plan.findings.filter((f) => !f.baselined);
  const collapsed = full ? new Map<string, number>() : unlinkable(plan, all);
  const current = all.filter((f) => !(f.kind === 'untested-capability' && f.spec !== undefined && collapsed.has(f.spec)));
  const { shown, more } = detail(options.quiet ? current.filter((f) => f.severity === 'error') : current, full);
  const out: string[] = [];
  if (!options.quiet) out.push(`Analyzing spec drift for ${plan.project}...`, '', ...specTable(plan, full));
  out.push(...unlinkableLines(plan, collapsed, paint));
  for (const f of shown) out.push(block(f, paint), '');
  if (more.size > 0) {
    for (const [kind, n] of more) out.push(`… and ${n} more ${kind} (--full shows them all; --json lists every finding)`);
    out.push('');
  }
  if (plan.specs.length === 0 && !plan.scope && plan.summary.errors === 0 && !options.quiet) {
    out.push(NO_SPECS, '');
  } else if (current.length === 0 && !options.quiet) {
    out.push(plan.findings.length === 0 ? 'No changes. Specs, code and tests agree.' : 'No changes beyond the baseline.', '');
  }
  if (plan.baseline) out.push(...baselineLines(plan.baseline));
  if (plan.scope) out.push(scopeLine(plan.scope));
  if (plan.semantic) out.push(...semanticLines(plan.semantic, full));
  const inferred = inferredLine(plan);
  if (inferred && !options.quiet) out.push(inferred);
  const statuses = runStatusLine(plan);
  if (statuses) out.push(statuses);
  out.push(closingLine(plan));
  return out.join('\n') + '\n';
};
