// A large value's JSON a piece at a time (a plan's and its reports', kept in
// the parse cache): the pieces joined are JSON.stringify's text, whatever the
// value holds and wherever the pieces are cut.

import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../src/util/json-pieces.js';
import { pieces } from '../src/util/text.js';

const MB = 1 << 20;

describe('jsonPieces', () => {
  const values: [string, unknown][] = [
    ['scalars', [1, -0, 1.5e300, 'a', true, false, null, '']],
    ['what JSON leaves out or makes null', { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s'), NaN, Infinity], e: 1 }],
    ['nested arrays and objects, deeper than it takes apart', { a: [[[[[[1, { b: [2, { c: 3 }] }]]]]]], '': { 'k"\\\n': 'v' } }],
    ['escapes and non-ASCII', { s: '"\\\n\t\u0000\u001f\u2028 é 😀 \ud800 \udc00', 'ключ': 'значение' }],
    ['toJSON, Maps and Sets', { date: new Date(0), map: new Map([[1, 2]]), set: new Set([1]), custom: { toJSON: () => ({ made: true }) } }],
    ['a long array, in chunks, with holes', { list: Object.assign(Array.from({ length: 2500 }, (_, i) => ({ i, s: `x${i}` })), { 1200: undefined }) }],
    ['a sparse array', [1, , 3]],
    ['an empty array and object', { a: [], o: {}, n: [[]] }],
  ];
  // By name: a test's arguments must be values the runner can pass between processes (no functions, no symbols).
  it.for(values.map(([name]) => name))('joins to JSON.stringify: %s', (name) => {
    const value = values.find(([n]) => n === name)![1];
    for (const size of [1, 7, 1 << 10, MB]) expect([...jsonPieces(value, size)].join('')).toBe(JSON.stringify(value));
  });

  it('cuts a string of megabytes between code points, and no piece is the whole text', () => {
    let text = '';
    // Surrogate pairs astride each megabyte, and characters JSON escapes.
    for (let m = 1; m <= 3; m++) text += 'y"\n'.repeat(Math.floor((m * MB - 1 - text.length) / 3)).padEnd(m * MB - 1 - text.length, 'z') + '😀';
    const value = { reports: [['json', text], ['markdown', 'short']], failed: true };
    const pieces = [...jsonPieces(value, MB)];
    expect(pieces.join('')).toBe(JSON.stringify(value));
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2.5 * MB);
  });

  it('cuts text into pieces that never split a surrogate pair, however small the pieces asked for', () => {
    expect([...pieces('a😀b😀', 1)]).toEqual(['a', '😀', 'b', '😀']);
    expect([...pieces('😀😀x', 3)]).toEqual(['😀', '😀x']);
  });
});
