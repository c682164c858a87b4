// What the command line does for its memory: it prints large text a piece at a
// time without splitting a character, and on a large tree it clears the checks'
// garbage before the reports are made.

import { describe, expect, it } from 'vitest';
import { makeRoomForReports, print } from '../src/cli/heap.js';

describe('print', () => {
  it('writes text of several megabytes in pieces of at most one, whole characters each, and all of it', () => {
    const MB = 1 << 20;
    // A pair of surrogates (an emoji) astride each megabyte's end, and text in several scripts between.
    const filler = 'plan → 計画 ✓ '.repeat(MB / 8);
    let text = '';
    for (let mb = 1; mb <= 3; mb++) text += filler.slice(0, mb * MB - 1 - text.length) + '😀';
    text += '\n';
    const pieces: string[] = [];
    print(text, (piece) => pieces.push(piece));
    expect(pieces.length).toBe(4);
    expect(pieces.join('') === text).toBe(true);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(MB);
      expect(piece.length).toBeGreaterThan(0);
      // No piece starts or ends within a pair: each encodes to UTF-8 as it reads.
      expect(Buffer.from(piece, 'utf8').toString('utf8') === piece).toBe(true);
    }
    expect(Buffer.concat(pieces.map((p) => Buffer.from(p, 'utf8'))).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('writes short text, and no text, as it is', () => {
    const pieces: string[] = [];
    print('Plan: 0 drift\n', (piece) => pieces.push(piece));
    print('', (piece) => pieces.push(piece));
    expect(pieces).toEqual(['Plan: 0 drift\n']);
  });
});

describe('makeRoomForReports', () => {
  it('on a large tree, collects once, without handing the collector to the program', async () => {
    // 80 MB held, then let go: only a full collection clears it.
    let held: number[][] | undefined = Array.from({ length: 10 }, () => new Array<number>(1 << 20).fill(1));
    const during = process.memoryUsage().heapUsed;
    expect(held.length).toBe(10);
    held = undefined;
    await makeRoomForReports(Promise.resolve(50_000));
    expect(process.memoryUsage().heapUsed).toBeLessThan(during - (60 << 20));
    expect('gc' in globalThis).toBe(false);
  });
});
