// js-tokens (non-JSX mode), token for token, without its cost: js-tokens tries
// its token regexes one after another at every position (five fail before a
// space is found to be a space) and yields an object per token. This scanner
// picks the one regex a token's first character allows, using js-tokens' own
// regexes and its rules for telling a regex from a division, and calls back
// with each token. test/js-lexer.test.ts holds it to js-tokens on real code.
//
// The regexes and the rules are js-tokens 10's (MIT, Simon Lydell).

export type TokenType =
  | 'StringLiteral'
  | 'NoSubstitutionTemplate'
  | 'TemplateHead'
  | 'TemplateMiddle'
  | 'TemplateTail'
  | 'RegularExpressionLiteral'
  | 'MultiLineComment'
  | 'SingleLineComment'
  | 'HashbangComment'
  | 'IdentifierName'
  | 'PrivateIdentifier'
  | 'NumericLiteral'
  | 'Punctuator'
  | 'WhiteSpace'
  | 'LineTerminatorSequence'
  | 'Invalid';

const RegularExpressionLiteral = /\/(?![*/])(?:\[(?:[^\]\\\n\r\u2028\u2029]+|\\.)*\]?|[^/[\\\n\r\u2028\u2029]+|\\.)*(\/[$_\u200C\u200D\p{ID_Continue}]*|\\)?/yu;
const Punctuator = /--|\+\+|=>|\.{3}|\??\.(?!\d)|(?:&&|\|\||\?\?|[+\-%&|^]|\*{1,2}|<{1,2}|>{1,3}|!=?|={1,2}|\/(?![/*]))=?|[?~,:;[\](){}]/y;
const Identifier = /(\x23?)(?=[$_\p{ID_Start}\\])(?:[$_\u200C\u200D\p{ID_Continue}]+|\\u[\da-fA-F]{4}|\\u\{[\da-fA-F]+\})+/yu;
const StringLiteral = /(['"])(?:[^'"\\\n\r]+|(?!\1)['"]|\\(?:\r\n|[^]))*(\1)?/y;
const NumericLiteral =
  /(?:0[xX][\da-fA-F](?:_?[\da-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*)n?|0n|[1-9](?:_?\d)*n|(?:(?:0(?!\d)|0\d*[89]\d*|[1-9](?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|0[0-7]+/y;
const Template = /[`}](?:[^`\\$]+|\\[^]|\$(?!\{))*(`|\$\{)?/y;
const WhiteSpace = /[\t\v\f\ufeff\p{Zs}]+/yu;
const LineTerminatorSequence = /\r?\n|[\r\u2028\u2029]/y;
const MultiLineComment = /\/\*(?:[^*]+|\*(?!\/))*(\*\/)?/y;
const SingleLineComment = /\/\/.*/y;
const HashbangComment = /^#!.*/;
const TokensPrecedingExpression = /^(?:[/+-]|\.{3}|\?(?:InterpolationIn(?:JSX|Template)|NoLineTerminatorHere|NonExpressionParenEnd|UnaryIncDec))?$|[{}([,;<>=*%&|^!~?:]$/;
const TokensNotPrecedingObjectLiteral = /^(?:=>|[;\]){}]|else|\?(?:NoLineTerminatorHere|NonExpressionParenEnd))?$/;
const KeywordsWithExpressionAfter = /^(?:await|case|default|delete|do|else|instanceof|new|return|throw|typeof|void|yield)$/;
const KeywordsWithNoLineTerminatorAfter = /^(?:return|throw|yield)$/;
const Newline = /\r?\n|[\r\u2028\u2029]/;

// What a token's first (ASCII) character allows it to be.
const PUNCT = 1; // a punctuator, or (`.` before a digit) a number
const IDENT = 2; // letters, `$`, `_`, `\`, `#`
const DIGIT = 3;
const QUOTE = 4;
const BACKTICK = 5;
const SPACE = 6; // tab, vertical tab, form feed, space
const NEWLINE = 7;
const SLASH = 8;
const FIRST = new Uint8Array(128);
for (const c of '-+=.&|?*<>!%^~,:;[](){}') FIRST[c.charCodeAt(0)] = PUNCT;
for (let c = 65; c <= 90; c++) FIRST[c] = FIRST[c + 32] = IDENT;
for (const c of '$_\\#') FIRST[c.charCodeAt(0)] = IDENT;
for (let c = 48; c <= 57; c++) FIRST[c] = DIGIT;
FIRST[39] = FIRST[34] = QUOTE;
FIRST[96] = BACKTICK;
for (const c of [9, 11, 12, 32]) FIRST[c] = SPACE;
FIRST[10] = FIRST[13] = NEWLINE;
FIRST[47] = SLASH;

/** An identifier character that needs no Unicode table: [A-Za-z0-9$_]. */
const isAsciiWord = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36 || c === 95;

type Mode = { tag: 'JS' | 'JSNonExpressionParen' | 'InterpolationInTemplate'; nesting: number };

/**
 * Calls `visit` with every token of `input`, as js-tokens (without `jsx`) yields them, in order.
 * A punctuator comes with `skipBlock`: called on a `{` with the offset of the
 * `}` that closes it, it skips the tokens between, and the lexer goes on as
 * though it had read them.
 */
export function forEachToken(input: string, visit: (type: TokenType, value: string, skipBlock?: (close: number) => void) => void): void {
  const length = input.length;
  let lastIndex = 0;
  let lastSignificantToken = '';
  const stack: Mode[] = [{ tag: 'JS', nesting: 0 }];
  const braces: boolean[] = [];
  let parenNesting = 0;
  let postfixIncDec = false;
  let match: RegExpExecArray | null;
  let skipTo = -1;
  const skipBlock = (close: number) => {
    skipTo = close;
  };
  const precedesExpression = () => TokensPrecedingExpression.test(lastSignificantToken) || KeywordsWithExpressionAfter.test(lastSignificantToken);
  const sticky = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = lastIndex;
    return re.exec(input);
  };
  // Whether a token of `re` starts at lastIndex (then it ends at re.lastIndex): `test` makes no match
  // array, which `exec` makes for every token (a third of what a cold plan allocated at 20,000 files).
  const at = (re: RegExp): boolean => {
    re.lastIndex = lastIndex;
    return re.test(input);
  };
  let value: string;

  if ((match = HashbangComment.exec(input))) {
    visit('HashbangComment', match[0]);
    lastIndex = match[0].length;
  }
  while (lastIndex < length) {
    const mode = stack[stack.length - 1];
    const code = input.charCodeAt(lastIndex);
    const first = code < 128 ? FIRST[code] : 0;

    // The common cases first: none of them changes what js-tokens would yield.
    if (first === SPACE) {
      let end = lastIndex + 1;
      while (end < length && FIRST[input.charCodeAt(end)] === SPACE) end++;
      // Other Unicode spaces run on in the same token.
      if (end < length && input.charCodeAt(end) >= 128 && (match = sticky(WhiteSpace))) end = WhiteSpace.lastIndex;
      visit('WhiteSpace', input.slice(lastIndex, end));
      lastIndex = end;
      continue;
    }
    if (first === NEWLINE) {
      const end = code === 13 && input.charCodeAt(lastIndex + 1) === 10 ? lastIndex + 2 : lastIndex + 1;
      lineBreak();
      visit('LineTerminatorSequence', input.slice(lastIndex, end));
      lastIndex = end;
      continue;
    }
    if (first === IDENT && code !== 92 && code !== 35) {
      // An ASCII word, unless a non-ASCII or escaped character follows: then the Unicode regex.
      let end = lastIndex + 1;
      while (end < length && isAsciiWord(input.charCodeAt(end))) end++;
      const next = end < length ? input.charCodeAt(end) : 0;
      if (next < 128 && next !== 92) {
        identifier(input.slice(lastIndex, end), false);
        lastIndex = end;
        continue;
      }
    }

    // Then js-tokens' order, with the attempts the first character rules out skipped.
    if (first === SLASH && precedesExpression() && at(RegularExpressionLiteral)) {
      value = input.slice(lastIndex, (lastIndex = RegularExpressionLiteral.lastIndex));
      lastSignificantToken = value;
      postfixIncDec = true;
      visit('RegularExpressionLiteral', value);
      continue;
    }
    if ((first === PUNCT || first === SLASH || first === 0) && at(Punctuator)) {
      punctuator(input.slice(lastIndex, Punctuator.lastIndex), mode);
      continue;
    }
    if ((first === IDENT || first === 0) && (match = sticky(Identifier))) {
      lastIndex = Identifier.lastIndex;
      identifier(match[0], match[1] === '#');
      continue;
    }
    if ((first === QUOTE || first === 0) && at(StringLiteral)) {
      value = input.slice(lastIndex, (lastIndex = StringLiteral.lastIndex));
      lastSignificantToken = value;
      postfixIncDec = true;
      visit('StringLiteral', value);
      continue;
    }
    if ((first === DIGIT || code === 46 || first === 0) && at(NumericLiteral)) {
      value = input.slice(lastIndex, (lastIndex = NumericLiteral.lastIndex));
      lastSignificantToken = value;
      postfixIncDec = true;
      visit('NumericLiteral', value);
      continue;
    }
    if ((first === BACKTICK || first === 0) && (match = sticky(Template))) {
      lastIndex = Template.lastIndex;
      lastSignificantToken = match[0];
      if (match[1] === '${') {
        lastSignificantToken = '?InterpolationInTemplate';
        stack.push({ tag: 'InterpolationInTemplate', nesting: braces.length });
        postfixIncDec = false;
        visit('TemplateHead', match[0]);
      } else {
        postfixIncDec = true;
        visit('NoSubstitutionTemplate', match[0]);
      }
      continue;
    }
    if (first === 0 && (match = sticky(WhiteSpace))) {
      lastIndex = WhiteSpace.lastIndex;
      visit('WhiteSpace', match[0]);
      continue;
    }
    if (first === 0 && (match = sticky(LineTerminatorSequence))) {
      lastIndex = LineTerminatorSequence.lastIndex;
      lineBreak();
      visit('LineTerminatorSequence', match[0]);
      continue;
    }
    if ((first === SLASH || first === 0) && at(MultiLineComment)) {
      value = input.slice(lastIndex, (lastIndex = MultiLineComment.lastIndex));
      if (Newline.test(value)) lineBreak();
      visit('MultiLineComment', value);
      continue;
    }
    if ((first === SLASH || first === 0) && at(SingleLineComment)) {
      value = input.slice(lastIndex, (lastIndex = SingleLineComment.lastIndex));
      postfixIncDec = false;
      visit('SingleLineComment', value);
      continue;
    }
    const firstCodePoint = String.fromCodePoint(input.codePointAt(lastIndex)!);
    lastIndex += firstCodePoint.length;
    lastSignificantToken = firstCodePoint;
    postfixIncDec = false;
    visit('Invalid', firstCodePoint);
  }

  /** After a line break, `return` and the like end their statement. */
  function lineBreak(): void {
    postfixIncDec = false;
    if (KeywordsWithNoLineTerminatorAfter.test(lastSignificantToken)) lastSignificantToken = '?NoLineTerminatorHere';
  }

  function identifier(name: string, isPrivate: boolean): void {
    let next = name;
    if ((name === 'for' || name === 'if' || name === 'while' || name === 'with') && lastSignificantToken !== '.' && lastSignificantToken !== '?.') {
      next = '?NonExpressionParenKeyword';
    }
    lastSignificantToken = next;
    postfixIncDec = !KeywordsWithExpressionAfter.test(name);
    visit(isPrivate ? 'PrivateIdentifier' : 'IdentifierName', name);
  }

  /** A punctuator at lastIndex, Punctuator.lastIndex past it (a `}` that closes a template's `${` goes on with the template). */
  function punctuator(value: string, mode: Mode): void {
    let nextLastSignificantToken = value;
    const nextLastIndex = Punctuator.lastIndex;
    switch (value) {
      case '(':
        if (lastSignificantToken === '?NonExpressionParenKeyword') stack.push({ tag: 'JSNonExpressionParen', nesting: parenNesting });
        parenNesting++;
        postfixIncDec = false;
        break;
      case ')':
        parenNesting--;
        postfixIncDec = true;
        if (mode.tag === 'JSNonExpressionParen' && parenNesting === mode.nesting) {
          stack.pop();
          nextLastSignificantToken = '?NonExpressionParenEnd';
          postfixIncDec = false;
        }
        break;
      case '{':
        braces.push(!TokensNotPrecedingObjectLiteral.test(lastSignificantToken) && precedesExpression());
        postfixIncDec = false;
        break;
      case '}':
        if (mode.tag === 'InterpolationInTemplate' && braces.length === mode.nesting) {
          Template.lastIndex = lastIndex;
          const piece = Template.exec(input)!;
          lastIndex = Template.lastIndex;
          lastSignificantToken = piece[0];
          if (piece[1] === '${') {
            lastSignificantToken = '?InterpolationInTemplate';
            postfixIncDec = false;
            visit('TemplateMiddle', piece[0]);
          } else {
            stack.pop();
            postfixIncDec = true;
            visit('TemplateTail', piece[0]);
          }
          return;
        }
        postfixIncDec = braces.pop()!;
        nextLastSignificantToken = postfixIncDec ? '?ExpressionBraceEnd' : '}';
        break;
      case ']':
        postfixIncDec = true;
        break;
      case '++':
      case '--':
        nextLastSignificantToken = postfixIncDec ? '?PostfixIncDec' : '?UnaryIncDec';
        break;
      default:
        postfixIncDec = false;
    }
    lastIndex = nextLastIndex;
    lastSignificantToken = nextLastSignificantToken;
    visit('Punctuator', value, skipBlock);
    if (skipTo !== -1 && value === '{') {
      // As the `}` would: the block's brace is popped, and it ends an expression or a statement.
      lastIndex = skipTo + 1;
      skipTo = -1;
      postfixIncDec = braces.pop()!;
      lastSignificantToken = postfixIncDec ? '?ExpressionBraceEnd' : '}';
    }
  }
}
