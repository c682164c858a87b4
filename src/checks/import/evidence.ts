// One proposal's evidence combined into its confidence: each piece counts as an
// independent chance that the proposal is right (a noisy-or), strongest first;
// and a confidence moved by one more piece, for or against.

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

/** The confidence once one more independent piece of evidence, worth `weight` alone, speaks for the proposal or against it. */
export function reweigh(confidence: number, weight: number, side: 'for' | 'against'): number {
  const moved = side === 'for' ? 1 - (1 - confidence) * (1 - weight) : confidence * (1 - weight);
  // 1 - 0.9 is 0.0999… in floating point: 0.95 against 0.9 must round to 0.1, not 0.09.
  return round(Math.min(0.99, moved + 1e-9));
}
