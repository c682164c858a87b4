// What a finding kind means, a case that raises it and how to fix it: the text
// `sdna explain <kind>` prints and each SARIF rule carries as its help. Plain
// text that is also Markdown, so one text serves a terminal and code scanning.

import { KINDS, type Kind, type KindInfo } from '../../src/model/kinds.js';

/** Who reports the kind: the kind table says whether it needs a test run or the model. */
function reportedBy(info: KindInfo): string {
  if (info.static) return '`sdna plan` and the Vitest plugin';
  if (info.plugin) return 'the Vitest plugin, after a test run';
  return 'the semantic check (`sdna plan --semantic`)';
}

const sentence = (text: string) => text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');

export function explainKind(kind: Kind): string {
  const info: KindInfo = KINDS[kind];
  return [
    `${kind}: ${info.category}, level "${info.level}" unless rules say otherwise; reported by ${reportedBy(info)}.`,
    '',
    sentence(info.doc),
    '',
    `Example: ${info.example}`,
    '',
    `How to fix: ${info.fix}`,
    '',
    `To change its level, in sdna.config: { "rules": { "${kind}": "error" | "warn" | "off" } }`,
  ].join('\n') + '\n';
}
