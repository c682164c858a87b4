// JSON.stringify's text a piece at a time, for values whose text runs to tens
// of megabytes (a 100,000-file plan, its reports): written to a file as it is
// made, such a text is never one string, nor made twice (once whole, and again
// when joined to what goes before it).

import { pieces } from './text.js';

/** Arrays longer than this are stringified this many elements at a time; shorter ones element by element. */
const ELEMENTS = 1000;
/** How deep arrays and objects are taken apart; below that each value is stringified whole. */
const DEPTH = 4;

/**
 * Pieces of about `size` characters or more (the last may be shorter) whose
 * concatenation is `JSON.stringify(value)`. `value` is one JSON.stringify
 * gives text for: not undefined, a function or a symbol.
 */
export function* jsonPieces(value: unknown, size = 1 << 20): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const part of parts(value, DEPTH, size)) {
    batch.push(part);
    length += part.length;
    if (length >= size) {
      yield batch.join('');
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

function* parts(value: unknown, depth: number, size: number): Generator<string> {
  if (typeof value === 'string' && value.length > size) {
    // Cut between code points (see pieces), each piece's escapes are the whole string's.
    yield '"';
    for (const piece of pieces(value, size)) yield JSON.stringify(piece).slice(1, -1);
    yield '"';
  } else if (depth === 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // As an array element: undefined, a function or a symbol is `null`.
    yield JSON.stringify(value) ?? 'null';
  } else if (Array.isArray(value)) {
    yield '[';
    if (value.length > ELEMENTS) {
      for (let at = 0; at < value.length; at += ELEMENTS) yield (at === 0 ? '' : ',') + JSON.stringify(value.slice(at, at + ELEMENTS)).slice(1, -1);
    } else {
      for (let i = 0; i < value.length; i++) {
        if (i > 0) yield ',';
        yield* parts(value[i], depth - 1, size);
      }
    }
    yield ']';
  } else {
    yield '{';
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* parts(v, depth - 1, size);
    }
    yield '}';
  }
}
