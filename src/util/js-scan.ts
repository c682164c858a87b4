// Small scans of JavaScript and TypeScript text that find where a brace block,
// a string, a template literal or a regular expression ends without
// tokenising: a character at a time, one table look-up for most. Two places
// skip what they need not read: the API check's body finder (function bodies)
// and the claims scan (function bodies that name no suite or test function).

/** The offset of the line break that ends the line `at` is on, or the text's end. */
export function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end === -1 ? text.length : end;
}

/**
 * The offset of the `}` that closes the block whose `{` is at `open`, or -1
 * when none does before `end`. It tells strings, template literals, comments and regular expressions from
 * code as the tokeniser does, save where only a parse can tell a regular
 * expression from a division (`} /x/`): a wrong guess leaves the braces
 * mispaired, which its callers check as they can (the API check parses what it
 * blanked; the claims scan skips only a block that names no test function).
 */
export function closingBrace(text: string, open: number, end = text.length): number {
  const n = Math.min(end, text.length);
  /** For each open brace, whether it is a template's `${` (its `}` goes on with the template). */
  const stack: boolean[] = [false];
  let i = open + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Most characters pair nothing: one table look-up each.
    if (c >= 128 || !SPECIAL[c]) {
      i++;
    } else if (c === OPEN) {
      stack.push(false);
      i++;
    } else if (c === CLOSE) {
      const template = stack.pop();
      if (stack.length === 0) return i;
      i = template ? templateRest(text, i + 1, stack) : i + 1;
    } else if (c === BACKTICK) {
      i = templateRest(text, i + 1, stack);
    } else if (c === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) {
        i = lineEnd(text, i);
      } else if (next === STAR) {
        const end = text.indexOf('*/', i + 2);
        i = end === -1 ? -1 : end + 2;
      } else {
        i = operandBefore(text, i, open) ? i + 1 : regexEnd(text, i);
      }
    } else {
      i = stringEnd(text, i, c);
    }
    if (i === -1) return -1;
  }
  return -1;
}

const [LF, CR, PLUS, MINUS] = [10, 13, 43, 45];
export const [QUOTE, DOUBLE_QUOTE, BACKTICK, SLASH, STAR, BACKSLASH, DOLLAR] = [39, 34, 96, 47, 42, 92, 36];
export const [OPEN, CLOSE, CLOSE_PAREN, CLOSE_BRACKET, OPEN_BRACKET] = [123, 125, 41, 93, 91];

/** The characters that open or close what a body scan pairs: braces, quotes, backticks, slashes. */
const SPECIAL = new Uint8Array(128);
for (const c of [OPEN, CLOSE, QUOTE, DOUBLE_QUOTE, BACKTICK, SLASH]) SPECIAL[c] = 1;

/** [A-Za-z0-9$_], and any non-ASCII character (a letter in all but rare code). */
export const isWord = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === DOLLAR || c === 95 || c >= 128;

/**
 * Whether the token before the `/` at `at` ends an operand (then the `/` divides):
 * a name or number other than a keyword an expression follows, a `)`, a `]`, a
 * `++` or `--`, a string or a template. Strings, templates and comments are skipped whole, so
 * the last character before `at` ends that token.
 */
function operandBefore(text: string, at: number, floor: number): boolean {
  let j = at - 1;
  while (j > floor && (text.charCodeAt(j) <= 32 || text.charCodeAt(j) === 0xa0)) j--;
  const c = text.charCodeAt(j);
  if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === QUOTE || c === DOUBLE_QUOTE || c === BACKTICK) return true;
  // `a++ / 2`: a `++` or `--` before a `/` is an operand's (before a regular expression it would be no JavaScript).
  if ((c === PLUS || c === MINUS) && text.charCodeAt(j - 1) === c) return true;
  if (!isWord(c)) return false;
  let start = j;
  while (start > floor && isWord(text.charCodeAt(start - 1))) start--;
  return !isExpressionKeyword(text, start, j + 1);
}

/** Words after which a `/` starts a regular expression. */
const EXPRESSION_AFTER = ['return', 'typeof', 'case', 'do', 'else', 'instanceof', 'new', 'delete', 'void', 'throw', 'in', 'of', 'yield', 'await'];

/** Whether `text` from `start` to `end` is a word after which a `/` starts a regular expression (compared in place: most words are not). */
export function isExpressionKeyword(text: string, start: number, end: number): boolean {
  const c = text.charCodeAt(start);
  if (c < 97 || c > 121 || end - start > 10) return false;
  return EXPRESSION_AFTER.some((word) => word.length === end - start && text.startsWith(word, start));
}

/** Past the closing quote of the string that opens at `at` (or the line break an unclosed one stops at). */
export function stringEnd(text: string, at: number, quote: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === BACKSLASH) i++;
    else if (c === LF || c === CR) return i;
  }
  return text.length;
}

/** Past the end of a template literal's text from `at`: its closing backtick, or a `${` (pushed on `stack`); -1 if unclosed. */
export function templateRest(text: string, at: number, stack: boolean[]): number {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKTICK) return i + 1;
    if (c === BACKSLASH) i++;
    else if (c === DOLLAR && text.charCodeAt(i + 1) === OPEN) {
      stack.push(true);
      return i + 2;
    }
  }
  return -1;
}

/**
 * Past the regular expression (and its flags) that opens at `at`. One left
 * unclosed ends at its line's end, as the tokeniser reads it: were it taken for
 * a division instead, each `/` of a line such as `(/[(/[(/[…` would scan on to
 * the line's end again.
 */
export function regexEnd(text: string, at: number): number {
  let inClass = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === LF || c === CR) return i;
    else if (c === OPEN_BRACKET) inClass = true;
    else if (c === CLOSE_BRACKET) inClass = false;
    else if (c === SLASH && !inClass) {
      let end = i + 1;
      while (end < text.length && isWord(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return text.length;
}
