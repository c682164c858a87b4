// Static discovery of the tests a Vitest test file declares, without running
// it and without a TypeScript/AST parser (both far too slow to load for a
// plan over thousands of files). The file is lexed once, into the tokens
// js-tokens yields (js-lexer.ts), which gets the hard parts right (strings,
// template literals, comments, regex vs division), and a small token walker
// recognises `describe(...)`/`it(...)` calls on top of it:
//
//   lex()      source -> flat arrays of significant tokens (kind, text, line),
//              but for function bodies that name no suite or test function
//   Walker     one forward pass; builds a tree of suite/test call nodes
//   resolve()  tree -> StaticTest[] (full names, modes, inherited meta/tags)
//
// Resolution is a separate step because a suite's options may come after its
// callback (`describe(name, fn, { meta })`), i.e. after its tests were seen.
//
// Name rules worth knowing (see `nameFromTokens`):
// - string and template literals are decoded like JS does (cooked values);
// - `'a' + b` concatenations keep their literal operands, every other operand
//   becomes a wildcard; any other expression is one wildcard;
// - `name` renders every non-literal part as `${source}`, so an identifier
//   name `MyClass` reads `${MyClass}` (its pattern is one 'any' wildcard).

import { detached } from '../../util/text.js';
import { forEachToken } from './js-lexer.js';
import { closingBrace } from '../../util/js-scan.js';

export type NamePart = string | { wildcard: 'any' | 'number' };

export interface StaticTest {
  /** Test name as written, with placeholders kept (e.g. 'adds %i + %i', 'uses ${x}'). */
  name: string;
  /** describe names and the test name joined with ' > ', as Vitest's TestCase.fullName. Placeholders kept as written. */
  fullName: string;
  /** fullName as literal parts and wildcards (see the module comment). */
  pattern: NamePart[];
  /** True when pattern has a wildcard. */
  dynamic: boolean;
  /** 1-based line of the test call's callee. */
  line: number;
  mode: 'run' | 'skip' | 'only' | 'todo';
  /** Claimed capability ids (own `meta.capabilities`, else the nearest enclosing describe's). */
  capabilities: { id: string; line: number }[];
  /** `tags` of the enclosing describes and the test, de-duplicated. */
  tags: string[];
}

export interface ExtractResult {
  tests: StaticTest[];
}

type Capability = { id: string; line: number };
type Mode = StaticTest['mode'];

// ---------------------------------------------------------------------------
// Lexing

// Kinds of the tokens kept after lexing. Whitespace and comments are dropped
// (their line breaks are still counted). Template pieces are kept apart
// because `${` ... `}` nest like brackets.
const OPEN = 1; // ( [ {
const CLOSE = 2; // ) ] }
const COMMA = 3;
const DOT = 4; // . ?.
const PUNCT = 5; // any other punctuator
const IDENT = 6;
const STRING = 7;
const TEMPLATE = 8; // template without substitutions
const HEAD = 9; // `...${
const MIDDLE = 10; // }...${
const TAIL = 11; // }...`
const NUMBER = 12;
const OTHER = 13; // regex, private name, invalid

/** Kind of a one-character punctuator, by char code. */
const PUNCT_KIND = new Uint8Array(128).fill(PUNCT);
PUNCT_KIND[40] = PUNCT_KIND[91] = PUNCT_KIND[123] = OPEN; // ( [ {
PUNCT_KIND[41] = PUNCT_KIND[93] = PUNCT_KIND[125] = CLOSE; // ) ] }
PUNCT_KIND[44] = COMMA;
PUNCT_KIND[46] = DOT;

interface Lexed {
  source: string;
  count: number;
  kind: Uint8Array;
  text: string[];
  line: Uint32Array;
  start: Uint32Array;
}

/** Line breaks inside one token, counted the way V8 numbers lines. */
function countLineBreaks(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 10 || c === 0x2028 || c === 0x2029) n++;
    else if (c === 13 && s.charCodeAt(k + 1) !== 10) n++;
  }
  return n;
}

/**
 * The same for `source` from `from` to `to`, in a text whose only line break
 * is `\n`: found with indexOf, which is native code also in a short process,
 * where a loop over each character of the skipped bodies runs uncompiled.
 */
function newlinesIn(source: string, from: number, to: number): number {
  let n = 0;
  for (let at = source.indexOf('\n', from); at !== -1 && at < to; at = source.indexOf('\n', at + 1)) n++;
  return n;
}

/** A line break other than `\n`. */
const OTHER_LINE_BREAK = /[\r\u2028\u2029]/;

// Token buffers reused across calls (extraction is synchronous and results
// never point into them): allocating them per file cost more than the walk.
let kindBuffer = new Uint8Array(4096);
let lineBuffer = new Uint32Array(4096);
let startBuffer = new Uint32Array(4096);

function lex(source: string): Lexed {
  // Sized for the worst case (one token per character) so the hot loop never
  // has to grow them.
  if (kindBuffer.length <= source.length) {
    const size = source.length + 1;
    kindBuffer = new Uint8Array(size);
    lineBuffer = new Uint32Array(size);
    startBuffer = new Uint32Array(size);
  }
  const kind = kindBuffer;
  const line = lineBuffer;
  const start = startBuffer;
  const text: string[] = [];
  let count = 0;
  let ln = 1;
  let pos = 0;
  // A function body that names no suite or test function holds nothing the walker reads (most
  // of a test file is test bodies): it is kept as its two braces, and its tokens are skipped.
  // A file that binds test functions of its own (`test.extend`) is lexed whole.
  const callees = source.includes('.extend') ? undefined : calleeOffsets(source);
  let next = 0;
  // Each scan stops at the next callee; what they read in all is bounded, so that blocks nested
  // thousands deep (each scan reading on to the same far brace) cost no more than the file.
  let budget = 2 * source.length;
  const onlyNewlines = !OTHER_LINE_BREAK.test(source);
  /** The last significant token: a body's `{` follows `=>` or a parameter list's `)`. */
  let prev = '';
  const keepBrace = (k: number, brace: string, at: number) => {
    kind[count] = k;
    line[count] = ln;
    start[count] = at;
    text.push(brace);
    count++;
  };
  forEachToken(source, (type, v, skipBlock) => {
    let k: number;
    if (callees && budget > 0 && v === '{' && (prev === '=>' || prev === ')') && type === 'Punctuator') {
      while (next < callees.length && callees[next] < pos) next++;
      const limit = next < callees.length ? callees[next] : source.length;
      const close = closingBrace(source, pos, limit);
      budget -= (close === -1 ? limit : close) - pos;
      if (close !== -1) {
        keepBrace(OPEN, '{', pos);
        ln += onlyNewlines ? newlinesIn(source, pos, close) : countLineBreaks(source.slice(pos, close));
        keepBrace(CLOSE, '}', close);
        pos = close + 1;
        prev = '}';
        skipBlock!(close);
        return;
      }
    }
    // Cases in order of frequency: the switch compares them one by one.
    switch (type) {
      case 'WhiteSpace':
        pos += v.length;
        return;
      case 'Punctuator':
        k = v.length === 1 ? PUNCT_KIND[v.charCodeAt(0)] : v === '?.' ? DOT : PUNCT;
        break;
      case 'IdentifierName':
        k = IDENT;
        break;
      case 'LineTerminatorSequence':
        ln++;
        pos += v.length;
        return;
      case 'StringLiteral':
        k = STRING;
        break;
      case 'NumericLiteral':
        k = NUMBER;
        break;
      case 'SingleLineComment':
      case 'HashbangComment':
        pos += v.length;
        return;
      case 'MultiLineComment':
        ln += countLineBreaks(v);
        pos += v.length;
        return;
      case 'NoSubstitutionTemplate':
        k = TEMPLATE;
        break;
      case 'TemplateHead':
        k = HEAD;
        break;
      case 'TemplateMiddle':
        k = MIDDLE;
        break;
      case 'TemplateTail':
        k = TAIL;
        break;
      default:
        k = OTHER;
    }
    kind[count] = k;
    line[count] = ln;
    start[count] = pos;
    text.push(v);
    count++;
    prev = v;
    // Only these can span lines; a string only through a `\` line continuation.
    if (k > STRING ? k <= TAIL : k === STRING && v.indexOf('\\') >= 0) ln += countLineBreaks(v);
    pos += v.length;
  });
  return { source, count, kind, text, line, start };
}

/** Where the source names a suite or test function (`it`, `test`, `describe`, `suite`) as a word, in order. */
function calleeOffsets(source: string): number[] {
  const out: number[] = [];
  for (const m of source.matchAll(CALLEE_WORD)) out.push(m.index);
  return out;
}

const CALLEE_WORD = /(?<![\w$])(?:it|test|describe|suite)(?![\w$])/g;

// ---------------------------------------------------------------------------
// Decoding literals

/** Value of a run of hex digits; -1 when empty, not hex, or beyond Unicode. */
function hexValue(s: string): number {
  if (s.length === 0 || s.length > 8) return -1;
  let value = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k) | 0x20; // ASCII lower case
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value <= 0x10ffff ? value : -1;
}

/**
 * The cooked value of a string or template body: escapes decoded, raw CR/CRLF
 * normalised to LF (as template literals do). Malformed escapes are kept
 * verbatim rather than throwing.
 */
function cook(body: string): string {
  if (body.indexOf('\\') < 0 && body.indexOf('\r') < 0) return body;
  let out = '';
  let k = 0;
  while (k < body.length) {
    const c = body[k];
    if (c === '\r') {
      out += '\n';
      k += body[k + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c !== '\\') {
      out += c;
      k++;
      continue;
    }
    const e = body[k + 1];
    k += 2;
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '0': out += '\0'; break;
      case 'x':
      case 'u': {
        // \xHH, \uHHHH or \u{H...}
        const braced = e === 'u' && body[k] === '{';
        const close = braced ? body.indexOf('}', k) : -1;
        const digits = braced ? body.slice(k + 1, Math.max(k + 1, close)) : body.slice(k, k + (e === 'x' ? 2 : 4));
        const cp = hexValue(digits);
        if (cp >= 0 && (braced ? close > 0 : digits.length === (e === 'x' ? 2 : 4))) {
          out += String.fromCodePoint(cp);
          k = braced ? close + 1 : k + digits.length;
        } else {
          out += e; // malformed: keep the letter, like an identity escape
        }
        break;
      }
      case '\r':
        if (body[k] === '\n') k++;
        break; // line continuation
      case '\n':
      case '\u2028':
      case '\u2029':
        break; // line continuation
      case undefined:
        break; // lone trailing backslash in garbage input
      default:
        out += e; // \' \" \\ \` \$ and identity escapes
    }
  }
  return out;
}

/** Body of a string token without its quotes (tolerating an unclosed one). */
function stringBody(raw: string): string {
  const q = raw[0];
  return raw.length >= 2 && raw[raw.length - 1] === q ? raw.slice(1, -1) : raw.slice(1);
}

/** Literal text of a template piece: strips the leading "`" or "}" and the trailing "`" or "${". */
function templateBody(raw: string, kind: number): string {
  const from = 1;
  let to = raw.length;
  if (kind === HEAD || kind === MIDDLE) to -= 2;
  else if (raw.length >= 2 && raw[to - 1] === '`') to -= 1;
  return raw.slice(from, Math.max(from, to));
}

// ---------------------------------------------------------------------------
// Name patterns

function anyPart(): NamePart {
  return { wildcard: 'any' };
}

/** Appends a part, merging adjacent literals and adjacent 'any' wildcards. */
function pushPart(parts: NamePart[], part: NamePart): void {
  if (part === '') return;
  const last = parts[parts.length - 1];
  if (typeof part === 'string') {
    if (typeof last === 'string') parts[parts.length - 1] = last + part;
    else parts.push(part);
  } else if (!(part.wildcard === 'any' && last !== undefined && typeof last !== 'string' && last.wildcard === 'any')) {
    parts.push(part);
  }
}

// What each printf conversion of Vitest's `.each`/`.for` titles produces:
// 1 = any text, 2 = a number-like run, 3 = a literal '%'.
const PRINTF = new Uint8Array(128);
for (const c of 'sjoOc') PRINTF[c.charCodeAt(0)] = 1;
for (const c of 'dif#$') PRINTF[c.charCodeAt(0)] = 2;
PRINTF['%'.charCodeAt(0)] = 3;

/** Characters of a `$name` / `$0.a` object placeholder, as Vitest's /\$([$\w.]+)/. */
function isAttrChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46;
}

/**
 * Appends literal title text. For `.each`/`.for` titles, printf conversions
 * and `$name` placeholders become wildcards, as Vitest formats them per row.
 */
function pushLiteral(parts: NamePart[], s: string, each: boolean): void {
  if (!each) {
    pushPart(parts, s);
    return;
  }
  let from = 0;
  let k = 0;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    const next = s.charCodeAt(k + 1); // NaN past the end
    if (c === 37 && next < 128 && PRINTF[next] !== 0) {
      pushPart(parts, s.slice(from, k));
      const conv = PRINTF[next];
      pushPart(parts, conv === 3 ? '%' : conv === 2 ? { wildcard: 'number' } : anyPart());
      k += 2;
      from = k;
    } else if (c === 36 && isAttrChar(next)) {
      pushPart(parts, s.slice(from, k));
      pushPart(parts, anyPart());
      k++;
      while (k < s.length && isAttrChar(s.charCodeAt(k))) k++;
      from = k;
    } else {
      k++;
    }
  }
  pushPart(parts, s.slice(from));
}

interface Name {
  text: string;
  parts: NamePart[];
}

// ---------------------------------------------------------------------------
// Walking

/**
 * Suites nested deeper than this are not treated as suites. Real files nest a
 * handful of levels; the cap keeps hostile input (each test carries its whole
 * name pattern) from growing the output quadratically.
 */
const MAX_SUITE_DEPTH = 64;

const SKIP = 1;
const ONLY = 2;
const TODO = 4;

/** What an options object literal can say. */
interface Options {
  /** SKIP | ONLY | TODO, from the modifier chain or `skip: true` etc. */
  flags: number;
  /** Own `meta.capabilities`; undefined when the options do not set it. */
  caps: Capability[] | undefined;
  tags: string[] | undefined;
}

interface RawNode extends Options {
  suite: boolean;
  name: Name;
  line: number;
  /** A callback (or anything that is not options/timeout) was passed. */
  handler: boolean;
  children: RawNode[];
  /** Turned out to be a declaration such as a class method `test() {}`. */
  rejected: boolean;
}

/** An open call: everything until the `)` of its argument list belongs to it. */
interface Frame {
  node: RawNode;
  /** Bracket depth inside the call's parentheses. */
  depth: number;
  /** Index of the argument being read. */
  arg: number;
  /** Token index of the base identifier. */
  callee: number;
  /** Node new calls were attached to when this one started. */
  container: RawNode;
}

type BaseKind = 'suite' | 'test';

/** Vitest's own suite/test functions; checked by length first since this runs for every identifier. */
function builtinBase(v: string): BaseKind | undefined {
  switch (v.length) {
    case 2: return v === 'it' ? 'test' : undefined;
    case 4: return v === 'test' ? 'test' : undefined;
    case 5: return v === 'suite' ? 'suite' : undefined;
    case 8: return v === 'describe' ? 'suite' : undefined;
    default: return undefined;
  }
}

const MODIFIERS = new Set([
  'skip', 'only', 'todo', 'concurrent', 'sequential', 'shuffle', 'fails',
  'each', 'for', 'skipIf', 'runIf', 'extend',
]);

/** Keywords before an identifier that make it no test call (`function it()`, `new test()`). */
const DECLARING = new Set(['function', 'new']);

function newNode(suite: boolean, line: number, flags: number): RawNode {
  return {
    suite, line, flags,
    name: { text: '', parts: [] },
    handler: false, caps: undefined, tags: undefined, children: [], rejected: false,
  };
}

class Walker {
  private readonly n: number;
  private readonly kind: Uint8Array;
  private readonly text: string[];
  private depth = 0;
  private readonly frames: Frame[] = [];
  readonly root = newNode(true, 0, 0);
  private container = this.root;
  private suiteDepth = 0;
  /** Identifiers bound to `test.extend(...)` in this file. */
  private custom: Set<string> | undefined;

  constructor(private readonly t: Lexed) {
    this.n = t.count;
    this.kind = t.kind;
    this.text = t.text;
  }

  walk(): void {
    const { n, kind, text, frames } = this;
    let i = 0;
    while (i < n) {
      const k = kind[i];
      if (k === OPEN || k === HEAD) {
        this.depth++;
        i++;
      } else if (k === CLOSE || k === TAIL) {
        this.depth--;
        while (frames.length > 0 && this.depth < frames[frames.length - 1].depth) this.closeFrame(i);
        i++;
      } else if (k === COMMA) {
        i++;
        const top = frames[frames.length - 1];
        if (top !== undefined && this.depth === top.depth) i = this.nextArgument(top, i);
      } else if (k === IDENT) {
        const base = builtinBase(text[i]) ?? (this.custom?.has(text[i]) ? 'test' : undefined);
        i = base === undefined ? i + 1 : this.call(i, base);
      } else {
        i++;
      }
    }
  }

  /**
   * At a base identifier: reads its modifier chain and, when it is called,
   * opens a frame and reads the name argument. Returns where to continue.
   */
  private call(i: number, base: BaseKind): number {
    const { kind, text } = this;
    if (i > 0 && (kind[i - 1] === DOT || DECLARING.has(text[i - 1]))) return i + 1;
    if (base === 'suite' && this.suiteDepth >= MAX_SUITE_DEPTH) return i + 1;
    let flags = 0;
    let each = false;
    let j = i + 1;
    while (kind[j] === DOT && kind[j + 1] === IDENT && MODIFIERS.has(text[j + 1])) {
      const modifier = text[j + 1];
      j += 2;
      switch (modifier) {
        case 'skip': flags |= SKIP; break;
        case 'only': flags |= ONLY; break;
        case 'todo': flags |= TODO; break;
        case 'each':
        case 'for':
          each = true;
          j = this.skipTable(this.skipTypeArguments(j));
          if (j < 0) return i + 1;
          break;
        case 'skipIf':
        case 'runIf':
          if (text[j] !== '(') return i + 1;
          j = this.skipGroup(j);
          break;
        case 'extend':
          // A fixture-extended test API, not a test: remember its binding.
          if (base === 'test') this.bindExtend(i);
          return j;
      }
    }
    if (text[j] !== '(') return i + 1;

    const node = newNode(base === 'suite', this.t.line[i], flags);
    this.container.children.push(node);
    this.frames.push({ node, depth: this.depth + 1, arg: 0, callee: i, container: this.container });
    this.depth++;
    if (node.suite) {
      this.container = node;
      this.suiteDepth++;
    }
    const end = this.argumentEnd(j + 1);
    node.name = this.nameFromTokens(j + 1, end, each);
    return end;
  }

  /** After a `,` at the call's own level: options object or callback? */
  private nextArgument(frame: Frame, j: number): number {
    frame.arg++;
    if (j >= this.n || frame.arg > 2) return j;
    const k = this.kind[j];
    if (k === OPEN && this.text[j] === '{') {
      const node = frame.node;
      const options: Options = { flags: 0, caps: undefined, tags: undefined };
      const end = this.readOptions(j, options);
      // `{...}.x` or `{...} || y` is an expression, not an options literal.
      const after = this.text[end];
      if (this.kind[end] === COMMA || this.kind[end] === CLOSE || after === 'as' || after === 'satisfies') {
        node.flags |= options.flags;
        if (options.caps !== undefined) node.caps = options.caps;
        if (options.tags !== undefined) node.tags = options.tags;
      }
      return end;
    }
    if (k !== NUMBER && k !== CLOSE) frame.node.handler = true;
    return j;
  }

  /** At the `)` closing the top frame's call. */
  private closeFrame(c: number): void {
    const frame = this.frames.pop()!;
    if (frame.node.suite) {
      this.container = frame.container;
      this.suiteDepth--;
    }
    // `test() {}` / `test(): T {}` / `test(x: T): void;` declare a method;
    // a call is not followed by `{`, nor by `:` unless it sits in a ternary.
    const next = this.text[c + 1];
    if (next === '{' || (next === ':' && this.text[frame.callee - 1] !== '?')) frame.node.rejected = true;
  }

  /** `const X = test.extend(...)` (also with a type annotation): X is a test API. */
  private bindExtend(i: number): void {
    const { kind, text } = this;
    if (text[i - 1] !== '=') return;
    if (kind[i - 2] === IDENT && kind[i - 3] !== DOT && text[i - 3] !== ':') {
      this.addCustom(text[i - 2]);
      return;
    }
    // Back over the type annotation (its brackets balanced) to `const X`.
    let nesting = 0;
    for (let d = i - 2; d >= 0 && d > i - 64; d--) {
      const k = kind[d];
      if (k === CLOSE) nesting++;
      else if (k === OPEN && --nesting < 0) return;
      else if (nesting === 0 && text[d] === ';') return;
      const v = text[d];
      if (nesting === 0 && (v === 'const' || v === 'let' || v === 'var') && kind[d + 1] === IDENT) {
        this.addCustom(text[d + 1]);
        return;
      }
    }
  }

  private addCustom(name: string): void {
    (this.custom ??= new Set()).add(name);
  }

  // --- skipping --------------------------------------------------------------

  /** Index of the first `,` or unmatched closer at this level, from j. */
  private argumentEnd(j: number): number {
    const { n, kind } = this;
    let d = 0;
    for (; j < n; j++) {
      const k = kind[j];
      if (k === OPEN || k === HEAD) d++;
      else if (k === CLOSE || k === TAIL) {
        if (d === 0) return j;
        d--;
      } else if (k === COMMA && d === 0) return j;
    }
    return n;
  }

  /** From an opener (bracket or template head) to just after its closer. */
  private skipGroup(j: number): number {
    const { n, kind } = this;
    let d = 0;
    for (; j < n; j++) {
      const k = kind[j];
      if (k === OPEN || k === HEAD) d++;
      else if ((k === CLOSE || k === TAIL) && --d === 0) return j + 1;
    }
    return n;
  }

  /** The `.each`/`.for` table: `([...])` or a tagged template; -1 when neither. */
  private skipTable(j: number): number {
    if (j < 0) return -1;
    const k = this.kind[j];
    if (k === OPEN && this.text[j] === '(') return this.skipGroup(j);
    if (k === TEMPLATE) return j + 1;
    if (k === HEAD) return this.skipGroup(j);
    return -1;
  }

  /**
   * Skips TypeScript type arguments `<...>` if present. Only () [] {} count
   * as nesting; `>>` closes two levels. -1 when it cannot be a type list.
   */
  private skipTypeArguments(j: number): number {
    if (this.text[j] !== '<') return j;
    const { n, kind, text } = this;
    let angles = 0;
    let d = 0;
    for (; j < n; j++) {
      const k = kind[j];
      const v = text[j];
      if (k === OPEN) d++;
      else if (k === CLOSE) {
        if (--d < 0) return -1;
      } else if (d === 0) {
        if (v === '<') angles++;
        else if (v === '>' || v === '>>' || v === '>>>') {
          angles -= v.length;
          if (angles <= 0) return j + 1;
        } else if (v === ';') return -1;
      }
    }
    return -1;
  }

  // --- names -----------------------------------------------------------------

  private source(from: number, to: number): string {
    if (to <= from) return '';
    const { start, text, source } = this.t;
    return source.slice(start[from], start[to - 1] + text[to - 1].length);
  }

  /**
   * The name argument in tokens [from, to): a literal, a template, a `+`
   * concatenation of those and other operands, or any other expression.
   */
  private nameFromTokens(from: number, to: number, each: boolean): Name {
    const { kind } = this;
    if (to - from === 1 && (kind[from] === STRING || kind[from] === TEMPLATE)) {
      const text = this.literalValue(from);
      const parts: NamePart[] = [];
      pushLiteral(parts, text, each);
      return { text, parts };
    }
    const name: Name = { text: '', parts: [] };
    const segments = this.concatenation(from, to);
    if (segments === undefined) {
      this.pushExpression(name, from, to);
      return name;
    }
    for (let s = 0; s < segments.length; s += 2) this.pushOperand(name, segments[s], segments[s + 1], each);
    return name;
  }

  /** Operand bounds [a0, b0, a1, b1, ...] of a top-level `+` chain, or undefined when the expression is anything else. */
  private concatenation(from: number, to: number): number[] | undefined {
    const { kind, text } = this;
    const bounds = [from];
    let d = 0;
    for (let j = from; j < to; j++) {
      const k = kind[j];
      if (k === OPEN || k === HEAD) d++;
      else if (k === CLOSE || k === TAIL) d--;
      else if (d === 0 && k === PUNCT) {
        // Any other operator at the top binds differently (`a + b ? c : d`).
        if (text[j] !== '+' && text[j] !== '!') return undefined;
        if (text[j] === '+') {
          if (j === bounds[bounds.length - 1]) return undefined; // unary +
          bounds.push(j, j + 1);
        }
      }
    }
    bounds.push(to);
    return bounds;
  }

  private pushOperand(name: Name, from: number, to: number, each: boolean): void {
    const k = this.kind[from];
    if (to - from === 1 && (k === STRING || k === TEMPLATE)) {
      const value = this.literalValue(from);
      name.text += value;
      pushLiteral(name.parts, value, each);
    } else if (k === HEAD && this.skipGroup(from) === to) {
      this.pushTemplate(name, from, to, each);
    } else {
      this.pushExpression(name, from, to);
    }
  }

  private pushExpression(name: Name, from: number, to: number): void {
    name.text += '${' + this.source(from, to) + '}';
    pushPart(name.parts, anyPart());
  }

  /** A template with substitutions in [from, to): literal pieces + one wildcard per `${}`. */
  private pushTemplate(name: Name, from: number, to: number, each: boolean): void {
    const { kind, text } = this;
    let level = 0;
    let exprStart = from + 1;
    for (let j = from; j < to; j++) {
      const k = kind[j];
      if (k !== HEAD && k !== MIDDLE && k !== TAIL) continue;
      // Pieces of templates nested inside a substitution are part of that expression.
      if (k === HEAD) level++;
      if (level === 1) {
        if (k !== HEAD) this.pushExpression(name, exprStart, j);
        const value = cook(templateBody(text[j], k));
        name.text += value;
        pushLiteral(name.parts, value, each);
        exprStart = j + 1;
      }
      if (k === TAIL) level--;
    }
  }

  private literalValue(j: number): string {
    const raw = this.text[j];
    return cook(this.kind[j] === STRING ? stringBody(raw) : templateBody(raw, TEMPLATE));
  }

  // --- options ---------------------------------------------------------------

  /**
   * Calls visit(key, valueIndex) for each top-level property of the object
   * literal opening at j (valueIndex -1 for shorthand); returns the index
   * after its closing brace.
   */
  private eachProperty(j: number, visit: (key: string, value: number) => void): number {
    const { n, kind, text } = this;
    let p = j + 1;
    while (p < n) {
      if (kind[p] === CLOSE) return p + 1;
      const key = this.propertyKey(p);
      if (key !== undefined) {
        const next = text[p + 1];
        if (next === ':') visit(key, p + 2);
        else if (next === ',' || next === '}') visit(key, -1);
      }
      p = this.argumentEnd(p);
      if (kind[p] === COMMA) p++;
    }
    return n;
  }

  private propertyKey(p: number): string | undefined {
    const k = this.kind[p];
    if (k === IDENT || k === NUMBER) return this.text[p];
    if (k === STRING || k === TEMPLATE) return this.literalValue(p);
    return undefined;
  }

  /** Reads `{ meta: { capabilities: [...] }, tags: [...], skip/only/todo: true }` into node. */
  private readOptions(j: number, node: Options): number {
    return this.eachProperty(j, (key, value) => {
      switch (key) {
        case 'meta':
          if (value >= 0 && this.text[value] === '{') {
            this.eachProperty(value, (metaKey, metaValue) => {
              // A list we cannot read still replaces the suite's (shallow merge).
              if (metaKey === 'capabilities') node.caps = this.stringArray(metaValue) ?? [];
            });
          }
          break;
        case 'tags': {
          const tags = this.stringArray(value);
          if (tags !== undefined) node.tags = tags.map((t) => t.id);
          break;
        }
        case 'skip':
          if (this.text[value] === 'true') node.flags |= SKIP;
          break;
        case 'only':
          if (this.text[value] === 'true') node.flags |= ONLY;
          break;
        case 'todo':
          if (this.text[value] === 'true') node.flags |= TODO;
          break;
      }
    });
  }

  /** String literals of an array literal (or a single string) at j, with their lines. */
  private stringArray(j: number): Capability[] | undefined {
    if (j < 0) return undefined;
    const { kind, text, n } = this;
    const line = this.t.line;
    const k = kind[j];
    if (k === STRING || k === TEMPLATE) return [{ id: this.literalValue(j), line: line[j] }];
    if (text[j] !== '[') return undefined;
    const out: Capability[] = [];
    let p = j + 1;
    while (p < n && kind[p] !== CLOSE) {
      const e = this.argumentEnd(p);
      if (e === p + 1 && (kind[p] === STRING || kind[p] === TEMPLATE)) out.push({ id: this.literalValue(p), line: line[p] });
      p = kind[e] === COMMA ? e + 1 : e;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// Resolving the call tree

interface Context {
  /** fullName of the enclosing suite; undefined at file level. */
  fullName: string | undefined;
  parts: NamePart[];
  skipped: boolean;
  caps: Capability[];
  tags: string[];
}

function ownMode(node: RawNode): Mode {
  if (node.flags & ONLY) return 'only';
  if (node.flags & SKIP) return 'skip';
  if (node.flags & TODO) return 'todo';
  // Vitest turns a test without a function into a todo.
  return node.handler ? 'run' : 'todo';
}

function joinParts(prefix: NamePart[], isTop: boolean, own: NamePart[]): NamePart[] {
  const parts = prefix.slice();
  if (!isTop) pushPart(parts, ' > ');
  for (const p of own) pushPart(parts, typeof p === 'string' ? p : { wildcard: p.wildcard });
  return parts;
}

function mergeTags(inherited: string[], own: string[] | undefined): string[] {
  if (own === undefined || own.length === 0) return inherited;
  const out = inherited.slice();
  for (const tag of own) if (!out.includes(tag)) out.push(tag);
  return out;
}

function enterSuite(ctx: Context, suite: RawNode): Context {
  const mode = ownMode(suite);
  return {
    fullName: ctx.fullName === undefined ? suite.name.text : `${ctx.fullName} > ${suite.name.text}`,
    parts: joinParts(ctx.parts, ctx.fullName === undefined, suite.name.parts),
    skipped: ctx.skipped || mode === 'skip' || mode === 'todo',
    caps: suite.caps ?? ctx.caps,
    tags: mergeTags(ctx.tags, suite.tags),
  };
}

function toStaticTest(ctx: Context, node: RawNode): StaticTest {
  let mode = ownMode(node);
  if (ctx.skipped && mode === 'run') mode = 'skip';
  const pattern = joinParts(ctx.parts, ctx.fullName === undefined, node.name.parts);
  // What a test keeps outlives the file's text: nothing here may be a view of it.
  return {
    name: detached(node.name.text),
    fullName: detached(ctx.fullName === undefined ? node.name.text : `${ctx.fullName} > ${node.name.text}`),
    pattern: pattern.map((p) => (typeof p === 'string' ? detached(p) : p)),
    dynamic: pattern.some((p) => typeof p !== 'string'),
    line: node.line,
    mode,
    capabilities: (node.caps ?? ctx.caps).map((c) => ({ id: detached(c.id), line: c.line })),
    tags: mergeTags(ctx.tags, node.tags).map(detached),
  };
}

/** Depth-first, in source order; iterative so garbage nesting cannot overflow the stack. */
function resolve(root: RawNode): StaticTest[] {
  const tests: StaticTest[] = [];
  const top: Context = { fullName: undefined, parts: [], skipped: false, caps: [], tags: [] };
  const stack: { node: RawNode; ctx: Context; next: number }[] = [{ node: root, ctx: top, next: 0 }];
  while (stack.length > 0) {
    const entry = stack[stack.length - 1];
    if (entry.next >= entry.node.children.length) {
      stack.pop();
      continue;
    }
    const child = entry.node.children[entry.next++];
    if (!child.suite) {
      if (!child.rejected) tests.push(toStaticTest(entry.ctx, child));
    } else {
      // A method named `describe` is no suite, but calls inside it still count.
      stack.push({ node: child, ctx: child.rejected ? entry.ctx : enterSuite(entry.ctx, child), next: 0 });
    }
  }
  return tests;
}

// ---------------------------------------------------------------------------
// Public API

/** Finds the tests a Vitest test file declares, statically. Never throws on bad input. */
export function extractTests(source: string): ExtractResult {
  const walker = new Walker(lex(source));
  walker.walk();
  return { tests: resolve(walker.root) };
}

// nameContains: pattern elements flattened to character codes, and a number wildcard.
const NUM = -2;

/** [0-9A-Za-z.+-]: what a formatted number can consist of (3, -1.5, NaN, Infinity, 1e+21, 12n). */
function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 43 || c === 45;
}

/**
 * Does some name that `pattern` can produce contain `fragment`? An 'any'
 * wildcard can produce the fragment itself, so a pattern with one contains
 * every fragment. Otherwise an NFA over the pattern's elements, run
 * bit-parallel (Shift-And, 32 states a word): bit k of `at` means the next
 * name character comes from element k; bit k of `inNum` means number wildcard
 * k has produced at least one character. The fragment may start and end
 * anywhere in the name. A 50,000-character fragment against a 20,000-element
 * pattern takes milliseconds, not the seconds a state-by-state NFA took.
 */
export function nameContains(pattern: NamePart[], fragment: string): boolean {
  if (fragment.length === 0) return true;
  // Most names have no wildcard: a plain substring test, no automaton.
  if (pattern.length === 1 && typeof pattern[0] === 'string') return pattern[0].includes(fragment);
  if (pattern.some((p) => typeof p !== 'string' && p.wildcard === 'any')) return true;
  const elems: number[] = [];
  for (const part of pattern) {
    if (typeof part === 'string') for (let k = 0; k < part.length; k++) elems.push(part.charCodeAt(k));
    else elems.push(NUM);
  }
  const m = elems.length;
  const words = (m >>> 5) + 1; // bits 0..m: bit m is "past the last element"
  // For each character, the elements that are that character; one mask for number wildcards.
  const byChar = new Map<number, Uint32Array>();
  const numMask = new Uint32Array(words);
  for (let k = 0; k < m; k++) {
    const e = elems[k];
    let mask: Uint32Array = numMask;
    if (e !== NUM) {
      mask = byChar.get(e) ?? new Uint32Array(words);
      byChar.set(e, mask);
    }
    mask[k >>> 5] |= 1 << (k & 31);
  }
  // The fragment may start anywhere: before any element, or inside a number.
  let at: Uint32Array = new Uint32Array(words).fill(0xffffffff);
  let inNum: Uint32Array = numMask.slice();
  let nextAt: Uint32Array = new Uint32Array(words);
  let nextIn: Uint32Array = new Uint32Array(words);
  for (let f = 0; f < fragment.length; f++) {
    const c = fragment.charCodeAt(f);
    const match = byChar.get(c);
    const numeric = isNumberChar(c);
    let alive = 0;
    let carry = 0;
    for (let w = 0; w < words; w++) {
      // A number wildcard starts or goes on; it may then end (its bit shifts to the next element).
      const num = numeric ? (at[w] | inNum[w]) & numMask[w] : 0;
      const lit = match ? at[w] & match[w] : 0;
      const moved = lit | num;
      nextIn[w] = num;
      nextAt[w] = (moved << 1) | carry;
      carry = moved >>> 31;
      alive |= nextAt[w] | num;
    }
    if (alive === 0) return false;
    [at, nextAt] = [nextAt, at];
    [inNum, nextIn] = [nextIn, inNum];
  }
  return true;
}
