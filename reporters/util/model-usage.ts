// What a check that asked the model spent, and what it could not check, as the
// terminal says it for `sdna plan --semantic` and `sdna import --semantic`.

import type { ModelReport } from '../../src/model/model.js';

/** `9,812 tokens in (1,840 more read from the prompt cache), 612 out; about $0.03` */
export function spentText(s: ModelReport): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const cached = s.usage.cacheRead > 0 ? ` (${n(s.usage.cacheRead)} more read from the prompt cache)` : '';
  const cost = s.cost < 0.01 && s.cost > 0 ? 'under $0.01' : `$${s.cost.toFixed(2)}`;
  return `${n(s.usage.input + s.usage.cacheWrite)} tokens in${cached}, ${n(s.usage.output)} out; about ${cost}${s.priceKnown ? '' : " (no price on file for this model: estimated at the default model's)"}`;
}

/** One line for each capability not checked, with why: at most 8 unless `full`. */
export function notCheckedLines(s: ModelReport, full: boolean): string[] {
  const shown = full ? s.notChecked : s.notChecked.slice(0, 8);
  const lines = shown.map(({ capability, reason }) => `  not checked: ${capability}: ${reason}`);
  if (shown.length < s.notChecked.length) lines.push(`  … and ${s.notChecked.length - shown.length} more not checked (--full shows them all)`);
  return lines;
}
