// GitHub Actions: workflow commands (`::error file=…,line=…,title=…::message`)
// that GitHub shows on the pull request's diff, and the whole plan as Markdown
// for the job summary. The reporter only returns text: `writeReports` appends
// `githubSummary` to `$GITHUB_STEP_SUMMARY`, which the CLI and the plugin name.

import { STATUSES, type Finding, type Plan } from '../src/model/model.js';
import { messageOf } from '../src/model/words.js';
import { plural } from '../src/util/text.js';
import { closingLine } from './terminal.js';
import type { GithubActionsOptions, Reporter } from './types.js';
import { locationOf, mostSevereFirst, subjectOf } from './util/findings.js';

/** GitHub shows at most 10 annotations of each level per step and drops the rest. */
export const ANNOTATIONS_PER_LEVEL = 10;
/** Rows of the summary's table of findings: a step summary holds at most 1 MiB. */
const SUMMARY_ROWS = 1000;

// The escaping of @actions/core: a message may not break the command's line;
// a property may not hold the `:` and `,` that end it either.
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function annotation(plan: Plan, f: Finding): string {
  const { file, line } = locationOf(plan, f);
  const props = [
    ...(file !== undefined ? [`file=${property(file)}`] : []),
    ...(line !== undefined ? [`line=${line}`] : []),
    `title=${property(`${f.kind}: ${subjectOf(f)}`)}`,
  ];
  return `::${f.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${data(messageOf(f))}`;
}

export const githubActions: Reporter<GithubActionsOptions> = (plan, options) => {
  const current = mostSevereFirst(plan.findings.filter((f) => !f.baselined && (!options.quiet || f.severity === 'error')));
  const out: string[] = [];
  const left: string[] = [];
  for (const [level, word] of [['error', 'error'], ['warn', 'warning']] as const) {
    const all = current.filter((f) => f.severity === level);
    out.push(...all.slice(0, ANNOTATIONS_PER_LEVEL).map((f) => annotation(plan, f)));
    if (all.length > ANNOTATIONS_PER_LEVEL) left.push(plural(all.length - ANNOTATIONS_PER_LEVEL, `more ${word}`));
  }
  if (left.length > 0) out.push(`::notice title=sdna::${data(`${left.join(' and ')} not annotated (GitHub shows 10 of each): the job summary lists every finding`)}`);
  out.push(closingLine(plan));
  return out.join('\n') + '\n';
};

/** A table cell: one line, no `|` that would end it, no `<` that would start HTML. */
const cell = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function statusTable(plan: Plan): string[] {
  const specs = [...new Set(plan.specs.map((s) => s.id))];
  if (specs.length === 0) return [];
  const statuses = STATUSES.filter((st) => plan.capabilities.some((c) => c.status === st));
  const count = (spec: string, status?: string) => plan.capabilities.filter((c) => c.spec === spec && (status === undefined || c.status === status)).length;
  return [
    row(['spec', 'capabilities', ...statuses]),
    row(['---', ...['capabilities', ...statuses].map(() => '---:')]),
    ...specs.map((spec) => row([cell(spec), String(count(spec)), ...statuses.map((st) => String(count(spec, st)))])),
    '',
  ];
}

function findingsTable(plan: Plan, findings: Finding[]): string[] {
  if (findings.length === 0) return ['No changes. Specs, code and tests agree.', ''];
  const where = (f: Finding) => {
    const { file, line } = locationOf(plan, f);
    return file === undefined ? '' : `\`${cell(file)}${line !== undefined ? `:${line}` : ''}\``;
  };
  const shown = findings.slice(0, SUMMARY_ROWS);
  return [
    row(['level', 'kind', 'about', 'where', 'what to do']),
    row(['---', '---', '---', '---', '---']),
    ...shown.map((f) => row([f.severity, `\`${f.kind}\``, cell(subjectOf(f)), where(f), cell(messageOf(f))])),
    ...(shown.length < findings.length ? ['', `… and ${plural(findings.length - shown.length, 'more finding')} (\`sdna plan --json\` lists every one).`] : []),
    '',
  ];
}

/** The whole plan as Markdown, for GitHub's job summary: specs by status, then every finding, the most severe first. */
export function githubSummary(plan: Plan): string {
  const current = mostSevereFirst(plan.findings.filter((f) => !f.baselined));
  const baselined = plan.findings.length - current.length;
  return [
    `## sdna plan: ${cell(plan.project)}`,
    '',
    `**${closingLine(plan)}**${plan.failed ? ' The gate failed.' : ''}`,
    '',
    ...statusTable(plan),
    ...findingsTable(plan, current),
    ...(baselined > 0 ? [`${plural(baselined, 'finding')} in .sdna/baseline.json not shown.`, ''] : []),
  ].join('\n');
}
