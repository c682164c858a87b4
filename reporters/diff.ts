// The spec diff in a terminal (`sdna diff <ref>`): `+` added, `-` removed,
// `>` renamed, `~` changed, each capability with its status in the new plan,
// then one closing line with the counts and what a reviewer should look at twice.

import { diffCounts, type CapabilityChange, type LinkChange, type SpecDiff } from '../src/diff/spec-diff.js';
import { clipPair, plural } from '../src/util/text.js';

export const shortSha = (sha: string) => sha.slice(0, 8);

const SIGN = { added: '+', removed: '-', renamed: '>', changed: '~' } as const;

export function linkWords(l: LinkChange): string {
  return [...l.added.map((x) => `+ ${x}`), ...l.removed.map((x) => `- ${x}`)].join(', ');
}

function lines(c: CapabilityChange): string[] {
  const head = `${SIGN[c.change]} ${c.id}${c.change === 'removed' ? '' : ` (${c.status})`}`;
  const at = `${c.file}:${c.line}`;
  switch (c.change) {
    case 'added':
      return [head, `    added at ${at}`];
    case 'removed':
      return [
        head,
        `    removed from ${at}`,
        ...(c.testsLeft.length > 0 ? [`    its tests remain: ${c.testsLeft.join(', ')} (delete them, or link them to what replaced it)`] : []),
      ];
    case 'renamed':
      return [head, `    renamed from ${c.from}, same words (${at})`, ...(c.links ? [`    links: ${linkWords(c.links)}`] : [])];
    case 'changed':
      return [
        head,
        ...(c.nameFrom !== undefined ? [`    name: "${c.nameFrom}" -> "${c.name}"`] : []),
        ...(c.text ? wasNow(c.text.from, c.text.to) : []),
        ...(c.links ? [`    links: ${linkWords(c.links)}`] : []),
        ...(c.testsUnchanged ? [`    its tests did not change: ${c.testsUnchanged.join(', ')} (do they still prove the new words?)`] : []),
      ];
  }
}

/** The counts, and the removed capabilities still tested and the changed ones whose tests did not change. */
export function diffSummary(diff: SpecDiff): string {
  const n = diffCounts(diff);
  const parts = [`${n.added} added`, `${n.removed} removed`, `${n.renamed} renamed`, `${n.changed} changed`];
  if (n.targets > 0) parts.push(`${plural(n.targets, "spec's targets", "specs' targets")} changed`);
  const look = [
    ...(n.removedWithTests > 0 ? [`${plural(n.removedWithTests, 'removed capability still has', 'removed capabilities still have')} tests`] : []),
    ...(n.changedTestsUnchanged > 0 ? [`${plural(n.changedTestsUnchanged, 'changed capability', 'changed capabilities')} with unchanged tests`] : []),
  ];
  return `Spec diff: ${parts.join(', ')}${look.length > 0 ? `; ${look.join(', ')}` : ''}.`;
}

export function diffText(diff: SpecDiff): string {
  const against = `${diff.ref} (merge base ${shortSha(diff.base)})`;
  if (diff.capabilities.length === 0 && diff.targets.length === 0) return `No spec changes against ${against}.\n`;
  const out = [`Spec changes against ${against}:`, ''];
  for (const c of diff.capabilities) out.push(...lines(c), '');
  for (const t of diff.targets) {
    out.push(`~ ${t.spec} targets (${t.file})`, ...t.added.map((p) => `    + ${p}`), ...t.removed.map((p) => `    - ${p}`), '');
  }
  out.push(diffSummary(diff));
  return out.join('\n') + '\n';
}

function wasNow(from: string, to: string): string[] {
  const [was, now] = clipPair(from, to);
  return [`    was: "${was}"`, `    now: "${now}"`];
}
