// The page's parts, rendered from the JSON plan (what `sdna plan --json`
// prints), so every number on the page is one the JSON plan holds too.

import type { JsonPlan } from '../../src/artifacts/plan-format.js';
import { KIND_NAMES } from '../../src/model/kinds.js';
import type { STATUSES } from '../../src/model/model.js';
import { plural } from '../../src/util/text.js';
import { escapeHtml as h } from './escape.js';

type Status = (typeof STATUSES)[number];
type Capability = JsonPlan['capabilities'][number];
type Finding = JsonPlan['findings'][number];

/** The bar's order: proven, then what needs work, then what does not count. */
const ORDER: Status[] = ['passing', 'linked', 'failing', 'untested', 'skipped', 'not-run', 'removed'];
const label = (s: Status) => s.replace('-', ' ');

function counts(caps: Capability[]): [Status, number][] {
  return ORDER.map((s) => [s, caps.filter((c) => c.status === s).length] as [Status, number]).filter(([, n]) => n > 0);
}

/** A stacked bar, and the same counts as text: the bar is a picture of them (`role="img"`), the text is what a reader and the tests read. */
function statusBar(caps: Capability[]): string {
  const c = counts(caps);
  const words = c.map(([s, n]) => `${n} ${label(s)}`).join(', ') || 'no capabilities';
  const segments = c.map(([s, n]) => `<span class="s-${s}" style="flex-grow:${n}" title="${n} ${label(s)}"></span>`).join('');
  const badges = c.map(([s, n]) => `<span class="badge b-${s}"><span data-count="${s}">${n}</span> ${label(s)}</span>`).join(' ');
  return `<span class="bar" role="img" aria-label="${h(words)}">${segments}</span> <span class="counts">${badges}</span>`;
}

function location(f: { file?: string; line?: number }): string {
  return f.file === undefined ? '' : ` <code>${h(f.file)}${f.line !== undefined ? `:${f.line}` : ''}</code>`;
}

/** One finding: kind, what it is about, its message, file:line; api-drift's diff and semantic-drift's evidence folded. */
function findingItem(f: Finding, about: string | undefined): string {
  const flags = [f.severity === 'warn' && 'warn', f.baselined && 'baselined'].filter(Boolean).map((t) => ` <span class="muted">(${t})</span>`).join('');
  const code = f.code ? ` <span class="muted">code</span>${location(f.code)}` : '';
  const evidence = f.evidence?.map((e) => `${e.file}:${e.line}: ${e.quote}`).join('\n');
  const more = [f.diff, evidence].filter((t) => t !== undefined).map((t) => `<details><summary>details</summary><pre>${h(t!)}</pre></details>`).join('');
  return `<li data-kind="${f.kind}"><span class="badge b-${f.category === 'drift' ? 'failing' : 'untested'}">${f.kind}</span>${about ? ` <strong>${h(about)}</strong>` : ''}${flags} ${h(f.message)}${location(f)}${code}${more}</li>`;
}

const findingList = (findings: Finding[], about: (f: Finding) => string | undefined) =>
  findings.length === 0 ? '' : `<ul class="plain">${findings.map((f) => findingItem(f, about(f))).join('')}</ul>`;

function testsCell(c: Capability): string {
  if (c.tests.length === 0) return '<span class="muted">none</span>';
  const items = c.tests.map((t) => `<li><code>${h(t.file)}</code>${t.name !== undefined ? ` › ${h(t.name)}` : ''} <span class="muted">(${t.inferred ? 'inferred' : 'written'})</span></li>`);
  return `<ul class="plain">${items.join('')}</ul>`;
}

function capabilityRow(c: Capability, text: string | undefined, findings: Finding[]): string {
  const kinds = [...new Set(findings.map((f) => f.kind))].join(' ');
  return `<tr data-status="${c.status}" data-kinds="${kinds}">
<td><strong>${h(c.name)}</strong> <code>${h(c.id)}</code> <span class="muted">${h(c.file)}:${c.line}</span>${text ? `<div>${h(text)}</div>` : ''}</td>
<td><span class="badge b-${c.status}">${label(c.status)}</span></td>
<td>${testsCell(c)}</td>
<td>${c.coverage === undefined ? '<span class="muted">—</span>' : `${c.coverage}%`}</td>
<td>${findingList(findings, () => undefined) || '<span class="muted">none</span>'}</td>
</tr>`;
}

/** One spec: its bar in the summary line, its capabilities and findings in the drill-down. */
export function specSection(plan: JsonPlan, spec: JsonPlan['specs'][number], texts: ReadonlyMap<string, string>): string {
  const caps = plan.capabilities.filter((c) => c.spec === spec.id);
  const mine = plan.findings.filter((f) => f.spec === spec.id || caps.some((c) => c.id === f.capability));
  const ofSpec = mine.filter((f) => f.capability === undefined);
  const needsWork = caps.some((c) => c.status === 'failing' || c.status === 'untested') || mine.some((f) => !f.baselined);
  const rows = caps.map((c) => capabilityRow(c, texts.get(c.id), mine.filter((f) => f.capability === c.id)));
  const table = rows.length === 0 ? '<p class="muted">No capabilities.</p>' : `<table aria-label="Capabilities of ${h(spec.name)}">
<thead><tr><th scope="col">Capability</th><th scope="col">Status</th><th scope="col">Tests</th><th scope="col">Coverage</th><th scope="col">Findings</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
  return `<details class="spec" data-spec="${h(spec.id)}"${needsWork ? ' open' : ''}>
<summary><span class="name">${h(spec.name)}</span> <code>${h(spec.id)}</code> <span class="muted">${spec.format} · ${h(spec.file)}</span> ${statusBar(caps)}</summary>
<div class="spec-body">${table}${ofSpec.length ? `<h3>About the spec</h3>${findingList(ofSpec, (f) => (f.symbol !== undefined ? f.symbol : undefined))}` : ''}</div>
</details>`;
}

export function summarySection(plan: JsonPlan): string {
  const s = plan.summary;
  const n = (key: keyof typeof s, words: string) => `<span data-summary="${key}">${s[key]}</span> ${words}`;
  return `<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
<p class="plan-line">Plan: ${n('drift', 'drift')}, ${n('unspecified', 'unspecified')}, ${n('stale', 'potentially stale')}, ${n('errors', s.errors === 1 ? 'error' : 'errors')}.</p>
<p id="totals">${plural(plan.capabilities.length, 'capability', 'capabilities')} in ${plural(plan.specs.length, 'spec')}: ${statusBar(plan.capabilities)}</p>
</section>`;
}

/** Status boxes for the statuses the plan has, a select of the kinds it has; the script does the rest. */
export function filterForm(plan: JsonPlan): string {
  const boxes = counts(plan.capabilities).map(
    ([s, n]) => `<label><input type="checkbox" name="status" value="${s}"> <span class="swatch s-${s}"></span>${label(s)} (${n})</label>`,
  );
  const kinds = KIND_NAMES.map((k) => [k, plan.findings.filter((f) => f.kind === k).length] as const).filter(([, n]) => n > 0);
  const options = kinds.map(([k, n]) => `<option value="${k}">${k} (${n})</option>`).join('');
  return `<form id="filters" aria-label="Filters">
<fieldset><legend>Show capabilities that are</legend>${boxes.join('')}</fieldset>
<div><label for="kind"><strong>Finding kind</strong></label><br><select id="kind" name="kind"><option value="">every kind</option>${options}</select></div>
<div><button type="reset">Clear filters</button><br><span id="shown" class="muted" aria-live="polite" data-total="${plan.capabilities.length}"></span></div>
</form>`;
}

/** A list of findings of some categories: the drift list, and the rest (unspecified code, stale links, spec errors). */
export function findingsSection(plan: JsonPlan, id: string, title: string, keep: (f: Finding) => boolean, none: string): string {
  const findings = plan.findings.filter(keep);
  const body = findingList(findings, (f) => (f.symbol !== undefined ? `${f.spec}: ${f.symbol}` : (f.capability ?? f.spec)));
  return `<section id="${id}" data-list aria-labelledby="${id}-h"><h2 id="${id}-h">${title} (${findings.length})</h2>${body || `<p class="muted">${none}</p>`}</section>`;
}
