// One proposal's evidence combined into its confidence: each piece counts as an
// independent chance that the proposal is right (a noisy-or), strongest first.

import type { Evidence } from './types.js';

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The confidence (at most 0.99) and the evidence as shown: strongest first, weights left out. */
export function combine(evidence: Evidence[]): { confidence: number; evidence: Evidence[] } {
  const confidence = Math.min(0.99, 1 - evidence.reduce((p, e) => p * (1 - e.weight!), 1));
  const sorted = [...evidence].sort((x, y) => y.weight! - x.weight!);
  return { confidence: round(confidence), evidence: sorted.map(({ kind, detail }) => ({ kind, detail })) };
}
