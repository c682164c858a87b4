// The scanner that tokenises test files must yield what js-tokens yields, token
// for token: on the project's own code and fixtures, on the packages it
// installs, on hand-picked cases where a `/` may be a regex or a division, and
// on random text made of the characters that steer those decisions.

import fs from 'node:fs';
import path from 'node:path';
import jsTokens from 'js-tokens';
import { describe, expect, it } from 'vitest';
import { forEachToken } from '../src/checks/links/js-lexer.js';
import { REPO } from './helpers.js';

const ours = (input: string) => {
  const out: string[] = [];
  forEachToken(input, (type, value) => out.push(`${type} ${value}`));
  return out;
};
const theirs = (input: string) => Array.from(jsTokens(input), (t) => `${t.type} ${t.value}`);

/** Code files below `dir`, largest first, up to `limit` characters in all. */
function codeFiles(dir: string, limit: number): string[] {
  const found = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(?:[cm]?[jt]sx?)$/.test(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
  const sized = found.map((file) => ({ file, size: fs.statSync(file).size })).sort((a, b) => a.size - b.size || a.file.localeCompare(b.file));
  const picked: string[] = [];
  let total = 0;
  for (const { file, size } of sized) {
    if (total + size > limit) break;
    picked.push(file);
    total += size;
  }
  return picked;
}

describe('forEachToken', () => {
  it("yields js-tokens' tokens on the project's code, fixtures and benchmarks", () => {
    const files = ['src', 'reporters', 'test', 'fixtures', 'bench', 'scripts'].flatMap((d) => codeFiles(path.join(REPO, d), 20_000_000));
    expect(files.length).toBeGreaterThan(200);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect(ours(text), file).toEqual(theirs(text));
    }
  });

  it("yields js-tokens' tokens on installed packages' code", () => {
    const packages = ['markdown-it', 'js-yaml', 'picomatch', 'zod', 'cac', 'diff', 'vitest', '@vitest/runner', '@vitest/expect', 'tinyglobby', 'ignore'];
    let checked = 0;
    for (const name of packages) {
      const dir = path.join(REPO, 'node_modules', name);
      if (!fs.existsSync(dir)) continue;
      for (const file of codeFiles(dir, 3_000_000)) {
        const text = fs.readFileSync(file, 'utf8');
        expect(ours(text), file).toEqual(theirs(text));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('tells a regex from a division, and reads templates, escapes, Unicode and unclosed tokens, as js-tokens does', () => {
    const cases = [
      'a = b / c / d',
      'a = /re/g.test(b)',
      'if (x) /re/.test(y)',
      'while (a) /b/',
      'x.if (a) / b',
      'return\n/re/',
      'return /re/',
      'a++ / 2',
      '++/re/.lastIndex',
      '}\n/re/',
      'x = {} / 1',
      '() => {} / 1',
      'let f = function () {} / 1',
      '[a] / 2',
      '(a) / 2',
      'typeof /x/',
      'a\n++b',
      '`a${b}c${`d${e}`}f` / 2',
      '`${ {a: 1}.a }` / 2',
      '`x${ `y` }`',
      '`unclosed ${ a',
      '"unclosed\nnext',
      "'esc\\'aped' + 'a\\\nb'",
      '/* unclosed',
      '/* multi\nline */ return /x/',
      'return /* c */\n/x/',
      '#!/usr/bin/env node\nx',
      '#priv in obj; this.#x',
      '\\u0061bc + \\u{62}cd + \\x',
      'ünïcödé + café + a\u200Cb',
      'a\u00A0 \u2028b\u2029c\r\nd\re',
      '@decorator class A {}',
      '.5 + 1.5e3 + 0x1F + 0b1_0 + 0o7 + 10n + 08 + 07 + 0n',
      'a?.b ?? c?.[d] ?.5 : x',
      'a >>>= b **= c &&= d ||= e ??= f',
      '[/[/]/, /\\//, /a/ / 2]',
      'x = y\n/re/g.exec(z)',
      '\ufeffx',
      'a\tb\vc\fd',
      '\u3000x\u2000y',
      '\\',
      '#',
      '\0\u007f',
      '😀 + x😀',
    ];
    for (const input of cases) expect(ours(input), JSON.stringify(input)).toEqual(theirs(input));
  });

  it('yields js-tokens tokens on random text made of the characters that steer it', () => {
    const alphabet = ['/', '/', '(', ')', '{', '}', '[', ']', '`', '${', '"', "'", '\\', '\n', '\r', ' ', '*', '+', '+', '-', '.', '1', 'a', 'if', 'return', 'typeof', '=>', '=', ';', ',', '?', ':', '#', 'é', '\u00a0', '\u2028', 'x', 'else', 'yield', '<', '>', '!', '0x', 'n', '_', '$'];
    // A fixed seed: the same texts every run.
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 20_000; n++) {
      let input = '';
      const parts = 1 + Math.floor(random() * 24);
      for (let k = 0; k < parts; k++) input += alphabet[Math.floor(random() * alphabet.length)];
      expect(ours(input), JSON.stringify(input)).toEqual(theirs(input));
    }
  });
});
