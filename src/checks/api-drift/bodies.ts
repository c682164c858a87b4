// Function bodies hold no declaration the API check reads, yet they are most
// of a code file: TypeScript parsed the 20,000-file benchmark corpus's targets
// in 700 ms whole and in 210 ms with their bodies turned to spaces. This finds
// the brace blocks that are likely bodies and blanks them, offsets kept. It
// only guesses: `parseDeclarations` keeps a blanked parse only
// when the tree shows every blanked block to be a body it never reads, and
// otherwise parses the text whole.

import { forEachToken } from '../links/js-lexer.js';

/** Start (the `{`) and end (the `}`) offsets of each outermost brace block to blank, in order. */
export type BodyRange = [open: number, close: number];

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
 */
export function bodyRanges(text: string): BodyRange[] | undefined {
  const ranges: BodyRange[] = [];
  /** For each open `(`, the significant token before it. */
  const parens: string[] = [];
  /** Open braces (and template interpolations) outside a blanked block. */
  let braces = 0;
  let blankDepth = 0;
  let blankStart = -1;
  let offset = 0;
  let prev = '';
  /** Set just after a `)` that may close a parameter list: a named function's (or method's) or an arrow's. */
  let closedParams: 'function' | 'arrow' | undefined;
  /** Inside a return type annotation, of a function (`function` / method) or an arrow. */
  let returnType: 'function' | 'arrow' | undefined;
  /** The open braces when the return type began: a `}` that closes one of them ends it. */
  let returnTypeAt = 0;
  let broken = false;
  forEachToken(text, (type, value) => {
    const at = offset;
    offset += value.length;
    if (broken || type === 'WhiteSpace' || type === 'LineTerminatorSequence' || type === 'MultiLineComment' || type === 'SingleLineComment' || type === 'HashbangComment') return;
    if (blankDepth > 0) {
      if (type === 'Punctuator') {
        if (value === '{') blankDepth++;
        else if (value === '}' && --blankDepth === 0) {
          ranges.push([blankStart, at]);
          prev = '}';
        }
      } else if (type === 'TemplateHead') blankDepth++;
      else if (type === 'TemplateTail') blankDepth--;
      return;
    }
    const params = closedParams;
    closedParams = undefined;
    if (type === 'Punctuator') {
      if (value === '(') parens.push(prev);
      else if (value === ')') {
        const before = parens.pop();
        if (before === undefined) broken = true;
        else if (!CONTROL.has(before)) closedParams = BEFORE_ARROW.has(before) ? 'arrow' : 'function';
      } else if (value === ':' && params) {
        returnType = params;
        returnTypeAt = braces;
      }
      else if (value === '{') {
        const body =
          (prev === ')' && params !== undefined) ||
          (prev === '=>' && returnType !== 'function') ||
          (returnType !== undefined && prev !== '=>' && !TYPE_GOES_ON.has(prev));
        if (body) {
          returnType = undefined;
          blankDepth = 1;
          blankStart = at;
          return;
        }
        braces++;
      } else if (value === '}') {
        if (--braces < 0) broken = true;
        if (braces < returnTypeAt) returnType = undefined;
      } else if (value === '=>' && returnType === 'arrow') returnType = undefined;
      else if (value === ';' || value === '=') returnType = undefined;
    } else if (type === 'TemplateHead') braces++;
    else if (type === 'TemplateTail') braces--;
    else if (type === 'Invalid') broken = true;
    prev = value;
  });
  if (broken || blankDepth !== 0 || braces !== 0 || parens.length !== 0) return undefined;
  return ranges;
}

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
