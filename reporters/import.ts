// What `sdna import` shows: per spec, the links and targets it would record,
// each with its confidence and strongest evidence, then what it did.

import { styleText } from 'node:util';
import type { ImportReport } from '../src/checks/import/index.js';
import { plural } from '../src/util/text.js';
import { notCheckedLines, spentText } from './util/model-usage.js';

export interface ImportOptions {
  min: number;
  full: boolean;
  color: boolean;
  /** After `--write`: how many entries were added. */
  written?: { links: number; targets: number };
  file: string;
}

/** Proposals shown per spec unless `--full`: about a screenful. */
const PER_SPEC = 8;

export function formatImport(report: ImportReport, options: ImportOptions): string {
  const paint = (style: 'green' | 'dim' | 'bold', text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const { min } = options;
  const links = report.links.filter((l) => l.confidence >= min);
  const targets = report.targets.filter((t) => t.confidence >= min);
  const out: string[] = [];
  if (report.specs.length === 0) return 'sdna import: no specs found; nothing to link (see `sdna init`)\n';
  if (report.tests.files === 0) out.push('sdna import: no test files match the `tests` globs: no links to infer', '');
  for (const file of report.tests.skipped) out.push(paint('dim', `sdna import: skipped ${file} (unreadable, binary or over 1 MB)`));

  const specOf = new Map(report.specs.flatMap((s) => s.capabilities.map((c) => [c.id, s.id] as const)));
  for (const spec of [...new Map(report.specs.map((s) => [s.id, s])).values()].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const own = links.filter((l) => specOf.get(l.capability) === spec.id).sort((a, b) => b.confidence - a.confidence);
    const aims = targets.filter((t) => t.spec === spec.id).sort((a, b) => b.confidence - a.confidence);
    if (own.length === 0 && aims.length === 0) continue;
    const caps = new Set(own.map((l) => l.capability)).size;
    out.push(`${paint('bold', spec.id)} ${paint('dim', `(${spec.file})`)}: ${plural(own.length, 'link')} to ${plural(caps, 'capability', 'capabilities')} of ${spec.capabilities.length}, ${plural(aims.length, 'target')}`);
    const shown = options.full ? own : own.slice(0, PER_SPEC);
    for (const l of shown) {
      const local = l.capability.slice(spec.id.length + 1) || l.capability;
      const test = l.name === undefined ? l.file : `${l.file} › ${l.name}`;
      out.push(`  ${paint('green', '+')} ${local} ← ${test}  ${l.confidence.toFixed(2)}  ${paint('dim', `${l.evidence[0].kind}: ${l.evidence[0].detail}`)}`);
    }
    if (shown.length < own.length) out.push(paint('dim', `  … and ${plural(own.length - shown.length, 'more link')} (--full shows them all)`));
    const shownTargets = options.full ? aims : aims.slice(0, PER_SPEC);
    for (const t of shownTargets) out.push(`  ${paint('green', '+')} target ${t.glob}  ${t.confidence.toFixed(2)}  ${paint('dim', `${t.evidence[0].kind}: ${t.evidence[0].detail}`)}`);
    if (shownTargets.length < aims.length) out.push(paint('dim', `  … and ${plural(aims.length - shownTargets.length, 'more target')} (--full shows them all)`));
    out.push('');
  }
  const below = report.links.length - links.length + report.targets.length - targets.length;
  const caps = new Set(links.map((l) => l.capability)).size;
  const total = report.specs.reduce((n, s) => n + s.capabilities.length, 0);
  out.push(
    `Import: ${plural(links.length, 'link')} to ${caps} of ${plural(total, 'capability', 'capabilities')} and ${plural(targets.length, 'target')} at confidence ${min} or more` +
      `${below > 0 ? `; ${below} weaker ${below === 1 ? 'guess' : 'guesses'} not shown (--min-confidence lowers the bar; --json lists every one)` : ''}.`,
  );
  if (report.semantic) {
    const s = report.semantic;
    out.push(
      `Semantic check (${s.model}): ${s.checked} checked, ${s.cached} cached, ${s.notChecked.length} not checked; of ${plural(s.links.confirmed + s.links.rejected + s.links.unclear, 'candidate link')}, ${s.links.confirmed} confirmed, ${s.links.rejected} rejected, ${s.links.unclear} unclear; ${spentText(s)}.`,
      ...notCheckedLines(s, options.full),
    );
  }
  if (options.written) {
    const { links: l, targets: t } = options.written;
    out.push(l + t > 0 ? `Recorded ${plural(l, 'new link')} and ${plural(t, 'new target')} in ${options.file}: review it, commit it; \`sdna plan\` and the Vitest plugin count them.` : `Nothing new to record: ${options.file} has every one.`);
  } else if (links.length + targets.length > 0) {
    out.push(`Nothing written. Run \`sdna import --write\` to record them in ${options.file}.`);
  }
  return out.join('\n') + '\n';
}
