// Shortening prose for one terminal line, and two versions of one text alike.

import { describe, it } from 'vitest';
import { clip, clipPair } from '../src/util/text.js';

describe('clip and clipPair', () => {
  it('clip keeps a short text and cuts a long one at the limit with an ellipsis', ({ expect }) => {
    expect(clip('  Totals   the cart.\n')).toBe('Totals the cart.');
    expect(clip('a '.repeat(80), 20)).toBe('a a a a a a a a a a…');
  });

  it('clipPair shows where two long texts differ, not the words they share', ({ expect }) => {
    const shared = 'The archive command moves a completed change into the archive folder, merges its deltas into the main specs and';
    const [was, now] = clipPair(`${shared} prints a summary.`, `${shared} refuses when a task is still open.`, 100);
    expect(was).toBe('…its deltas into the main specs and prints a summary.');
    expect(now).toBe('…its deltas into the main specs and refuses when a task is still open.');
  });

  it('clipPair cuts from the start when the texts differ early, and leaves short texts whole', ({ expect }) => {
    expect(clipPair('Validates card details.', 'Validates card details and the CVC.')).toEqual(['Validates card details.', 'Validates card details and the CVC.']);
    const [was, now] = clipPair(`Adds ${'x '.repeat(60)}`, `Removes ${'x '.repeat(60)}`, 30);
    expect([was, now]).toEqual(['Adds x x x x x x x x x x x x…', 'Removes x x x x x x x x x x x…']);
  });
});
