// The plan as `terraform plan` shows infrastructure: `~` drift, `+` unspecified,
// `-` stale, `!` spec errors, each with spec:/impl:/file:/action: lines.

import { styleText } from 'node:util';
import { KINDS, SIGNS, type KindInfo } from '../src/model/kinds.js';
import type { Finding, Plan } from '../src/model/model.js';
import { wordsOf } from '../src/model/words.js';
import { numbered, plural } from '../src/util/text.js';
import type { Reporter } from './types.js';

type Style = 'red' | 'green' | 'yellow' | 'bold' | 'dim';

const SIGN_STYLE: Record<string, Style> = { '~': 'yellow', '+': 'green', '-': 'red', '!': 'red' };

/** Findings about one file are headed by the file, as `+ src/x.ts` in the essay. */


function header(f: Finding): string {
  if (f.symbol !== undefined) return `${f.spec}: ${f.symbol}`;
  const info: KindInfo = KINDS[f.kind];
  return f.capability ?? (info.aboutFile ? f.file : f.spec) ?? f.file ?? '(project)';
}

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
  const lines = [`${paint(SIGN_STYLE[sign], sign)} ${paint('bold', header(f))}${warn}`];
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

const RUN_STATUSES = [
  ['passing', 'passing'],
  ['failing', 'failing'],
  ['untested', 'untested'],
  ['skipped', 'skipped'],
  ['not-run', 'not run'],
  ['removed', 'removed'],
] as const;

/** After a test run: how many capabilities ended in each status. Undefined for a static plan. */
function runStatusLine(plan: Plan): string | undefined {
  if (plan.mode !== 'run' || plan.capabilities.length === 0) return undefined;
  const counts = RUN_STATUSES.map(([status, label]) => [plan.capabilities.filter((c) => c.status === status).length, label] as const);
  return `Capabilities: ${counts.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`).join(', ')}.`;
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

export const terminal: Reporter = (plan, options) => {
  // The caller decides on colour (a TTY, NO_COLOR): styleText must not check stdout again.
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  // Baselined findings were accepted when the team adopted sdna: counted below, not shown.
  const current = plan.findings.filter((f) => !f.baselined);
  const shown = options.quiet ? current.filter((f) => f.severity === 'error') : current;
  const out: string[] = [];
  if (!options.quiet) out.push(`Analyzing spec drift for ${plan.project}...`, '');
  for (const f of shown) out.push(block(f, paint), '');
  if (plan.specs.length === 0 && plan.summary.errors === 0 && !options.quiet) {
    out.push('No specs found: sdna reads `*.spec.md` files (set `specs` in sdna.config to say where yours are).', '');
  } else if (current.length === 0 && !options.quiet) {
    out.push(plan.findings.length === 0 ? 'No changes. Specs, code and tests agree.' : 'No changes beyond the baseline.', '');
  }
  if (plan.baseline) out.push(...baselineLines(plan.baseline));
  const statuses = runStatusLine(plan);
  if (statuses) out.push(statuses);
  out.push(closingLine(plan));
  return out.join('\n') + '\n';
};
