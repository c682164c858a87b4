// Function bodies hold no declaration the API check reads, yet they are most
// of a code file: TypeScript parsed the 20,000-file benchmark corpus's targets
// in 700 ms whole and in 210 ms with their bodies turned to spaces. This finds
// the brace blocks that are likely bodies and blanks them, offsets kept. Its
// scan reads tokens only between bodies and only pairs a body's braces: four
// times as fast as the tokeniser the claims scan uses. It
// only guesses: `parseDeclarations` keeps a blanked parse only
// when the tree shows every blanked block to be a body it never reads, and
// otherwise parses the text whole.

import {
  BACKTICK,
  CLOSE,
  closingBrace,
  DOUBLE_QUOTE,
  isExpressionKeyword,
  isWord,
  lineEnd,
  QUOTE,
  regexEnd,
  SLASH,
  STAR,
  stringEnd,
  templateRest,
} from '../../util/js-scan.js';

/** Start (the `{`) and end (the `}`) offsets of each outermost brace block to blank, in order. */
export type BodyRange = [open: number, close: number];

const [SPACE, NBSP, BOM, LS, PS, HASH] = [32, 0xa0, 0xfeff, 0x2028, 0x2029, 35];

/** Keywords whose parenthesised part is followed by a statement's block, not a function's body. */
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with']);

/**
 * Tokens after which an opening parenthesis starts an arrow function's
 * parameters rather than a named function's or method's: the return type
 * of `(a): R => {` ends at `=>`, while in `f(): () => void {` it does not.
 */
const BEFORE_ARROW = new Set(['', '=', '(', ',', ':', '=>', '?', '[', 'return', 'async', '&&', '||', '??', '!']);

/** Tokens a type cannot end with: a `{` after one opens an object type, not a body. */
const TYPE_GOES_ON = new Set([':', '|', '&', '<', ',', '(', '[', '=>', '?', 'extends', 'keyof', 'typeof', 'infer', 'readonly', 'is', 'asserts', 'new', 'unique']);

/**
 * The blocks in `text` that open after a parameter list (`) {`, `=> {`, or a
 * return type then `{`), outermost only; undefined when the braces, brackets
 * and parentheses do not pair up (the text may not parse: it is parsed whole).
 * What lies between bodies is read token by token; a body is skipped by
 * `closingBrace`, which only pairs its braces.
 */
export function bodyRanges(text: string): BodyRange[] | undefined {
  const n = text.length;
  const ranges: BodyRange[] = [];
  /** For each open `(`, the significant token before it. */
  const parens: string[] = [];
  /** For each open brace outside a body, whether it is a template's `${` (its `}` goes on with the template). */
  const braces: boolean[] = [];
  let prev = '';
  /** Whether the last token ends an operand: a `/` after one divides, after anything else it starts a regular expression. */
  let operand = false;
  /** Set just after a `)` that may close a parameter list: a named function's (or method's) or an arrow's. */
  let closedParams: 'function' | 'arrow' | undefined;
  /** Inside a return type annotation, of a function (`function` / method) or an arrow. */
  let returnType: 'function' | 'arrow' | undefined;
  /** The open braces when the return type began: a `}` that closes one of them ends it. */
  let returnTypeAt = 0;

  /** A token other than a punctuator: a name, a number, a string, a template or a regular expression. */
  const word = (value: string) => {
    closedParams = undefined;
    prev = value;
  };
  let i = text.startsWith('#!') ? lineEnd(text, 0) : 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= SPACE || c === NBSP || c === BOM || c === LS || c === PS) {
      i++;
      continue;
    }
    if (isWord(c) || (c === HASH && isWord(text.charCodeAt(i + 1)))) {
      const start = i;
      while (++i < n && isWord(text.charCodeAt(i)));
      const value = text.slice(start, i);
      operand = !isExpressionKeyword(text, start, i);
      word(value);
      continue;
    }
    if (c === QUOTE || c === DOUBLE_QUOTE) {
      i = stringEnd(text, i, c);
      operand = true;
      word('"');
      continue;
    }
    if (c === BACKTICK || (c === CLOSE && braces[braces.length - 1] === true)) {
      // A template's text, from its start or from the `}` that closes an interpolation.
      if (c === CLOSE) braces.pop();
      const open = braces.length;
      i = templateRest(text, i + 1, braces);
      if (i === -1) return undefined;
      operand = braces.length === open;
      word('`');
      continue;
    }
    if (c === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) {
        i = lineEnd(text, i);
        continue;
      }
      if (next === STAR) {
        const end = text.indexOf('*/', i + 2);
        if (end === -1) return undefined;
        i = end + 2;
        continue;
      }
      if (!operand) {
        i = regexEnd(text, i);
        operand = true;
        word('/regex/');
        continue;
      }
    }
    const length = punctuatorLength(text, i);
    if (length === 0) return undefined; // a stray `#` or `\`: not what this scanner reads
    const at = i;
    const value = length === 1 ? text[i] : text.slice(i, i + length);
    i += length;
    operand = value === ')' || value === ']' || value === '}' || value === '++' || value === '--';
    const params = closedParams;
    closedParams = undefined;
    if (value === '(') parens.push(prev);
    else if (value === ')') {
      const before = parens.pop();
      if (before === undefined) return undefined;
      if (!CONTROL.has(before)) closedParams = BEFORE_ARROW.has(before) ? 'arrow' : 'function';
    } else if (value === ':' && params) {
      returnType = params;
      returnTypeAt = braces.length;
    } else if (value === '{') {
      const body =
        (prev === ')' && params !== undefined) ||
        (prev === '=>' && returnType !== 'function') ||
        (returnType !== undefined && prev !== '=>' && !TYPE_GOES_ON.has(prev));
      if (body) {
        returnType = undefined;
        // Most of a file is bodies: they are skipped by a scan that only pairs braces.
        const close = closingBrace(text, at);
        if (close === -1) return undefined;
        ranges.push([at, close]);
        i = close + 1;
        prev = '}';
        operand = false;
        continue;
      }
      braces.push(false);
    } else if (value === '}') {
      if (braces.pop() === undefined) return undefined;
      if (braces.length < returnTypeAt) returnType = undefined;
    } else if (value === '=>' && returnType === 'arrow') returnType = undefined;
    else if (value === ';' || value === '=') returnType = undefined;
    prev = value;
  }
  if (braces.length !== 0 || parens.length !== 0) return undefined;
  return ranges;
}

/** The characters a punctuator starts with. */
const PUNCTUATOR_START = new Uint8Array(128);
// `@` starts a decorator (`@Component({…})`, `@Input()`): read as a punctuator of its own.
for (const c of '{}()[];,<>+-*/%&|^!~?:=.@') PUNCTUATOR_START[c.charCodeAt(0)] = 1;

const [DOT, QUESTION, EQUALS, BANG, LESS, GREATER, AMP, PIPE, PLUS, MINUS, PERCENT, CARET] = [46, 63, 61, 33, 60, 62, 38, 124, 43, 45, 37, 94];

/** The length of the punctuator at `at` (the longest one there, as the tokeniser reads it: `>>>=`, `?.`, `=>`), or 0 where none is. */
function punctuatorLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c >= 128 || !PUNCTUATOR_START[c]) return 0;
  const c1 = text.charCodeAt(at + 1);
  const c2 = text.charCodeAt(at + 2);
  switch (c) {
    case DOT:
      return c1 === DOT && c2 === DOT ? 3 : 1;
    case QUESTION:
      // `?.` before a digit is a `?` and a number (`a?.5:b`).
      if (c1 === DOT) return isDigit(c2) ? 1 : 2;
      return c1 === QUESTION ? (c2 === EQUALS ? 3 : 2) : 1;
    case EQUALS:
      return c1 === EQUALS ? (c2 === EQUALS ? 3 : 2) : c1 === GREATER ? 2 : 1;
    case BANG:
      return c1 === EQUALS ? (c2 === EQUALS ? 3 : 2) : 1;
    case LESS:
      return c1 === LESS ? (c2 === EQUALS ? 3 : 2) : c1 === EQUALS ? 2 : 1;
    case GREATER:
      if (c1 === GREATER && c2 === GREATER) return text.charCodeAt(at + 3) === EQUALS ? 4 : 3;
      return c1 === GREATER ? (c2 === EQUALS ? 3 : 2) : c1 === EQUALS ? 2 : 1;
    case STAR:
    case AMP:
    case PIPE:
      return c1 === c ? (c2 === EQUALS ? 3 : 2) : c1 === EQUALS ? 2 : 1;
    case PLUS:
    case MINUS:
      return c1 === c || c1 === EQUALS ? 2 : 1;
    case SLASH:
    case PERCENT:
    case CARET:
      return c1 === EQUALS ? 2 : 1;
    default:
      // Brackets, braces, `;`, `,`, `:`, `~` and `@` stand alone.
      return 1;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * `text` with the inside of each range turned to spaces. Offsets are all the
 * parse keeps; line breaks inside a blanked body bear on nothing outside it.
 */
export function blankRanges(text: string, ranges: readonly BodyRange[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const [open, close] of ranges) {
    parts.push(text.slice(at, open + 1), ' '.repeat(close - open - 1));
    at = close;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
