import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractTests, nameContains, type NamePart, type StaticTest } from '../src/checks/links/test-names.js';
import { REPO } from './helpers.js';

const any: NamePart = { wildcard: 'any' };
const num: NamePart = { wildcard: 'number' };

/** Source lines joined with LF, so fixtures read top to bottom with visible line numbers. */
function lines(...source: string[]): string {
  return source.join('\n');
}

function names(source: string): string[] {
  return extractTests(source).tests.map((t) => t.fullName);
}

function modes(source: string): [string, StaticTest['mode']][] {
  return extractTests(source).tests.map((t) => [t.fullName, t.mode]);
}

function claims(source: string): [string, string[], string[]][] {
  return extractTests(source).tests.map((t) => [t.fullName, t.capabilities.map((c) => c.id), t.tags]);
}

function patterns(source: string): [string, NamePart[], boolean][] {
  return extractTests(source).tests.map((t) => [t.name, t.pattern, t.dynamic]);
}

/** A plain literal test: what every field defaults to. */
function plain(fullName: string, line: number, extra: Partial<StaticTest> = {}): StaticTest {
  return {
    name: fullName.split(' > ').pop()!,
    fullName,
    pattern: [fullName],
    dynamic: false,
    line,
    mode: 'run',
    capabilities: [],
    tags: [],
    ...extra,
  };
}

describe('extractTests: structure', () => {
  it('names tests after their enclosing describes, in source order', () => {
    const source = lines(
      "import { describe, it, test, suite } from 'vitest';",
      "describe('links', () => {",
      "  it('creates a link', () => {});",
      "  describe('fragments', () => {",
      "    test('checks the fragment', async () => {",
      "      expect(1).toBe(1);",
      '    });',
      "    suite('deeper', function () {",
      "      it('is three levels down', () => {});",
      '    });',
      '  });',
      "  it('comes after the nested suite', () => {});",
      '});',
      "it('is at top level', () => {});",
    );
    expect(extractTests(source).tests).toEqual([
      plain('links > creates a link', 3),
      plain('links > fragments > checks the fragment', 5),
      plain('links > fragments > deeper > is three levels down', 9),
      plain('links > comes after the nested suite', 12),
      plain('is at top level', 14),
    ]);
  });

  it('ends a describe at the closing parenthesis of its call, whatever the callback shape', () => {
    const source = lines(
      "describe('a', () => { it('one', () => { if (x) { [1, 2].map((y) => ({ y })); } }); });",
      "describe('b', async function named() { it('two', () => {}) }, 1000);",
      "it('three', () => {});",
    );
    expect(names(source)).toEqual(['a > one', 'b > two', 'three']);
  });
});

describe('extractTests: modes', () => {
  it('reads modifier chains in any order', () => {
    const source = lines(
      "it('runs', () => {});",
      "it.skip('skipped', () => {});",
      "it.only('focused', () => {});",
      "it.todo('later');",
      "it.concurrent('concurrent', () => {});",
      "it.concurrent.skip('concurrent skip', () => {});",
      "test.sequential.only('sequential only', () => {});",
      "it.fails('fails', () => {});",
      "it.skipIf(process.env.CI)('skip if', () => {});",
      "it.runIf(isLinux())('run if', () => {});",
      "it.concurrent.skipIf(a && b).fails('chained after skipIf', () => {});",
      "it('no function is a todo');",
      "it('options only', { timeout: 5 });",
      "it('skip option', { skip: true }, () => {});",
    );
    expect(modes(source)).toEqual([
      ['runs', 'run'],
      ['skipped', 'skip'],
      ['focused', 'only'],
      ['later', 'todo'],
      ['concurrent', 'run'],
      ['concurrent skip', 'skip'],
      ['sequential only', 'only'],
      ['fails', 'run'],
      ['skip if', 'run'],
      ['run if', 'run'],
      ['chained after skipIf', 'run'],
      ['no function is a todo', 'todo'],
      ['options only', 'todo'],
      ['skip option', 'skip'],
    ]);
  });

  it('skips the tests of a skipped or todo describe, except todo and only', () => {
    const source = lines(
      "describe.skip('off', () => {",
      "  it('inherits skip', () => {});",
      "  it.todo('stays todo');",
      "  it.only('stays only', () => {});",
      "  describe('nested', () => { it('deep inherits skip', () => {}); });",
      '});',
      "describe.todo('planned', () => { it('inside todo', () => {}); });",
      "describe.only('focused', () => { it('keeps its own mode', () => {}); });",
      "describe.concurrent.skipIf(x)('conditional', () => { it('runs', () => {}); });",
    );
    expect(modes(source)).toEqual([
      ['off > inherits skip', 'skip'],
      ['off > stays todo', 'todo'],
      ['off > stays only', 'only'],
      ['off > nested > deep inherits skip', 'skip'],
      ['planned > inside todo', 'skip'],
      ['focused > keeps its own mode', 'run'],
      ['conditional > runs', 'run'],
    ]);
  });
});

describe('extractTests: .each and .for', () => {
  it('turns printf placeholders of array tables into wildcards', () => {
    const source = lines(
      "it.each([[1, 1, 2], [2, 2, 4]])('adds %i + %i -> %d', (a, b, c) => {});",
      "test.each([['a'], ['b']])('%s is a letter, %j %o %O %f', (s) => {});",
      "it.each([1, 2])('case %# of %$: 100%% sure', (n) => {});",
      "it.each<[number]>([[1]])('typed %i', (n) => {});",
    );
    expect(patterns(source)).toEqual([
      ['adds %i + %i -> %d', ['adds ', num, ' + ', num, ' -> ', num], true],
      ['%s is a letter, %j %o %O %f', [any, ' is a letter, ', any, ' ', any, ' ', any, ' ', num], true],
      ['case %# of %$: 100%% sure', ['case ', num, ' of ', num, ': 100% sure'], true],
      ['typed %i', ['typed ', num], true],
    ]);
  });

  it('turns $name placeholders into wildcards, including tagged-template tables', () => {
    const source = lines(
      "it.each([{ a: 1, b: 2 }])('sums $a and $b.value to %s', ({ a, b }) => {});",
      'it.each`',
      '  a    | b    | expected',
      '  ${1} | ${2} | ${3}',
      "`('returns $expected when $a + $b', ({ a, b, expected }) => {});",
      "it('costs $5 without .each', () => {});",
    );
    expect(patterns(source)).toEqual([
      ['sums $a and $b.value to %s', ['sums ', any, ' and ', any, ' to ', any], true],
      ['returns $expected when $a + $b', ['returns ', any, ' when ', any, ' + ', any], true],
      ['costs $5 without .each', ['costs $5 without .each'], false],
    ]);
    expect(extractTests(source).tests.map((t) => t.line)).toEqual([1, 2, 6]);
  });

  it('counts the lines of the bodies it skips, whatever their line breaks', () => {
    const body = (br: string) => `it('a', () => {${br}  x();${br}  y();${br}});${br}it('b', () => {});\n`;
    for (const br of ['\n', '\r\n', '\r', '\u2028', '\u2029']) expect(extractTests(body(br)).tests.map((t) => t.line)).toEqual([1, 5]);
    // Mixed, in one body: CR, U+2028 and LF.
    expect(extractTests("it('a', () => {\r x();\u2028 y();\n});\nit('b', () => {});\n").tests.map((t) => t.line)).toEqual([1, 5]);
  });

  it('handles .for, describe.each and chains combined with each', () => {
    const source = lines(
      "describe.each([['en'], ['fr']])('locale %s', (locale) => {",
      "  test.for([[1, 2]])('pair %i/%i', ([a, b]) => {});",
      "  it.concurrent.each([1])('concurrent %d', (n) => {});",
      "  it.skip.each([1])('skipped %d', (n) => {});",
      '});',
    );
    expect(extractTests(source).tests).toEqual([
      {
        ...plain('locale %s > pair %i/%i', 2),
        pattern: ['locale ', any, ' > pair ', num, '/', num],
        dynamic: true,
      },
      {
        ...plain('locale %s > concurrent %d', 3),
        pattern: ['locale ', any, ' > concurrent ', num],
        dynamic: true,
      },
      {
        ...plain('locale %s > skipped %d', 4),
        pattern: ['locale ', any, ' > skipped ', num],
        dynamic: true,
        mode: 'skip',
      },
    ]);
  });
});

describe('extractTests: names', () => {
  it('decodes string literals and escapes', () => {
    const source = lines(
      "it('it\\'s quoted', () => {});",
      'it("double \\"quotes\\" and \\\\ backslash", () => {});',
      "it('tab\\tnew\\nline \\u00e9 \\u{1F600} \\x41', () => {});",
      "it('has \"other\" quotes', () => {});",
    );
    expect(names(source)).toEqual([
      "it's quoted",
      'double "quotes" and \\ backslash',
      'tab\tnew\nline é 😀 A',
      'has "other" quotes',
    ]);
  });

  it('reads template literal names with and without substitutions', () => {
    const source = lines(
      'it(`plain template`, () => {});',
      'it(`uses ${x} and ${fmt(y, `nested ${z}`)}!`, () => {});',
      'it(`escaped \\` and \\${not}`, () => {});',
      'it(`${a}${b}`, () => {});',
    );
    expect(patterns(source)).toEqual([
      ['plain template', ['plain template'], false],
      ['uses ${x} and ${fmt(y, `nested ${z}`)}!', ['uses ', any, ' and ', any, '!'], true],
      ['escaped ` and ${not}', ['escaped ` and ${not}'], false],
      ['${a}${b}', [any], true],
    ]);
  });

  it('makes non-literal names wildcards, keeping literal operands of a + chain', () => {
    const source = lines(
      "describe(MyClass, () => { it('works', () => {}); });",
      'it(Foo.name, () => {});',
      "it(label('x'), () => {});",
      "it('prefix ' + value + ' suffix', () => {});",
      "it('a' + `b${c}`, () => {});",
      "it(flag ? 'yes' : 'no', () => {});",
      'it(42, () => {});',
    );
    expect(patterns(source)).toEqual([
      ['works', [any, ' > works'], true],
      ['${Foo.name}', [any], true],
      ["${label('x')}", [any], true],
      ['prefix ${value} suffix', ['prefix ', any, ' suffix'], true],
      ['ab${c}', ['ab', any], true],
      ["${flag ? 'yes' : 'no'}", [any], true],
      ['${42}', [any], true],
    ]);
    expect(extractTests(source).tests[0].fullName).toBe('${MyClass} > works');
  });
});

describe('extractTests: options, meta and tags', () => {
  it('reads meta.capabilities from options as second or third argument', () => {
    const source = lines(
      "it('second', { meta: { capabilities: ['links/create-link'] } }, () => {});",
      "it('third', () => {",
      '  expect(1).toBe(1);',
      "}, { meta: { capabilities: ['links/check-link'] } });",
      "it('timeout', () => {}, 1000);",
      "it('no options', () => { const o = { meta: { capabilities: ['not/an-option'] } }; });",
    );
    expect(extractTests(source).tests).toEqual([
      plain('second', 1, { capabilities: [{ id: 'links/create-link', line: 1 }] }),
      plain('third', 2, { capabilities: [{ id: 'links/check-link', line: 4 }] }),
      plain('timeout', 5),
      plain('no options', 6),
    ]);
  });

  it('accepts quoted keys, trailing commas, other keys and multi-line arrays', () => {
    const source = lines(
      "it('claims', {",
      '  timeout: 10,',
      "  'meta': {",
      '    owner: { name: "x", list: [1, 2] },',
      '    "capabilities": [',
      "      'a/one',",
      '      "b/two",',
      '      `c/three`,',
      '      someConstant,',
      '    ],',
      '  },',
      "  retry: { count: 2, condition: /flaky/ },",
      "  tags: ['slow',],",
      '}, () => {});',
    );
    expect(extractTests(source).tests).toEqual([
      plain('claims', 1, {
        capabilities: [
          { id: 'a/one', line: 6 },
          { id: 'b/two', line: 7 },
          { id: 'c/three', line: 8 },
        ],
        tags: ['slow'],
      }),
    ]);
  });

  it('inherits the describe meta unless the test has its own list, which replaces it', () => {
    const source = lines(
      "describe('suite', { meta: { capabilities: ['s/one', 's/two'] } }, () => {",
      "  it('inherits', () => {});",
      "  it('replaces', { meta: { capabilities: ['t/own'] } }, () => {});",
      "  it('empties', { meta: { capabilities: [] } }, () => {});",
      "  it('other meta keys keep the suite list', { meta: { owner: 'me' } }, () => {});",
      "  describe('nested', { meta: { capabilities: ['n/only'] } }, () => {",
      "    it('nearest wins', () => {});",
      '  });',
      '});',
      "describe('late options', () => {",
      "  it('sees options given after the callback', () => {});",
      "}, { meta: { capabilities: ['late/one'] } });",
    );
    expect(claims(source)).toEqual([
      ['suite > inherits', ['s/one', 's/two'], []],
      ['suite > replaces', ['t/own'], []],
      ['suite > empties', [], []],
      ['suite > other meta keys keep the suite list', ['s/one', 's/two'], []],
      ['suite > nested > nearest wins', ['n/only'], []],
      ['late options > sees options given after the callback', ['late/one'], []],
    ]);
  });

  it('accumulates tags from describes, de-duplicated', () => {
    const source = lines(
      "describe('outer', { tags: ['db'] }, () => {",
      "  describe('inner', { tags: ['slow', 'db'] }, () => {",
      "    it('tagged', { tags: ['flaky', 'slow'] }, () => {});",
      "    it('single string tag', { tags: 'net' }, () => {});",
      "    it('untagged', () => {});",
      '  });',
      '});',
    );
    expect(claims(source)).toEqual([
      ['outer > inner > tagged', [], ['db', 'slow', 'flaky']],
      ['outer > inner > single string tag', [], ['db', 'slow', 'net']],
      ['outer > inner > untagged', [], ['db', 'slow']],
    ]);
  });
});

describe('extractTests: custom test APIs', () => {
  it('treats identifiers bound to test.extend as tests', () => {
    const source = lines(
      "import { test as base, it } from 'vitest';",
      'const test = base;',
      'const myTest = it.extend<{ db: Db; run: () => Promise<void> }>({',
      '  db: async ({}, use) => { await use(new Db()); },',
      '});',
      'export const apiTest: TestAPI<{ api: Api }> = myTest.extend({ api: async ({}, use) => use(1) });',
      "myTest('uses the db', ({ db }) => {});",
      "apiTest.skip('uses the api', ({ api }) => {});",
      "describe('suite', () => { myTest.each([1])('row %i', () => {}); });",
    );
    expect(modes(source)).toEqual([
      ['uses the db', 'run'],
      ['uses the api', 'skip'],
      ['suite > row %i', 'run'],
    ]);
  });
});

describe('extractTests: things that are not tests', () => {
  it('ignores members, declarations, strings, comments and regexes', () => {
    const source = lines(
      "if (/it('x')/.test(s)) obj.it('member');",
      "x?.test('optional member');",
      "const it2 = { it: 1, test: 2, describe: 'x' };",
      "const s = \"it('in a string')\" + `test('in a template')`;",
      "// it('in a line comment', () => {})",
      "/* describe('in a block comment', () => { it('x', () => {}) }) */",
      'function it(name: string) {}',
      'class Helper {',
      '  test() { return 1; }',
      '  describe(name: string): void {}',
      '  async it() {}',
      '}',
      'interface Api { test(name: string): void }',
      'const describe = makeDescribe;',
      'const test = 5;',
      "const re = /describe\\('x'\\)/g;",
      "it('the only real test', () => {});",
    );
    expect(names(source)).toEqual(['the only real test']);
  });

  it('keeps calls in a ternary', () => {
    expect(names("cond ? it('yes', () => {}) : it('no', () => {});")).toEqual(['yes', 'no']);
  });
});

describe('extractTests: lines and robustness', () => {
  it('reports the line of the callee, across multi-line tokens', () => {
    const source = lines(
      '/* a comment',
      '   spanning lines */',
      'const t = `template',
      'over two lines`;',
      "const s = 'continued \\",
      "string';",
      '',
      'describe(',
      "  'multi-line call',",
      '  () => {',
      '    it',
      "      .skip('callee line', () => {});",
      '  },',
      ');',
    );
    expect(extractTests(source).tests.map((t) => [t.fullName, t.line])).toEqual([
      ['multi-line call > callee line', 11],
    ]);
  });

  it('counts CRLF line endings once', () => {
    const source = [
      "describe('crlf', () => {",
      "  it('first', { meta: { capabilities: ['x/y'] } }, () => {});",
      '',
      '  it(`second`, () => {',
      '  });',
      '});',
    ].join('\r\n');
    expect(extractTests(source).tests).toEqual([
      plain('crlf > first', 2, { capabilities: [{ id: 'x/y', line: 2 }] }),
      plain('crlf > second', 4),
    ]);
  });

  it('never throws on garbage or unbalanced input', () => {
    const garbage = [
      '',
      ')))}}}]]]',
      "describe('open', () => { it('kept', () => {",
      'it.each(',
      'it.each<',
      "describe.skipIf(",
      "it('unterminated",
      'it(`unterminated ${',
      "it({ meta: { capabilities: [ 'x'",
      "it('bad escapes \\u{110000} \\x4 \\u12', () => {})",
      '<div>it (works)</div>',
      '\\',
      "describe('a', () => {".repeat(200),
    ];
    for (const source of garbage) expect(() => extractTests(source)).not.toThrow();
    expect(names("describe('open', () => { it('kept', () => {")).toEqual(['open > kept']);
    expect(names("it('bad escapes \\u{110000} \\x4 \\u12', () => {})")).toEqual(['bad escapes u{110000} x4 u12']);
  });
});

describe('extractTests: function bodies that name no suite or test function are skipped', () => {
  /** The same source lexed whole: a file that mentions `.extend` is (see lex), and a comment at its end moves no line. */
  const whole = (source: string) => extractTests(`${source}\n// .extend`);

  it('reads the same tests, lines and claims as a whole lex, on bodies with braces in strings, templates, comments and regular expressions', () => {
    const source = lines(
      "import { describe, it, expect } from 'vitest';",
      'const helper = (x: number) => { return { a: `}${x}`, b: /[}{]/.test("}") }; };',
      "describe('outer', { meta: { capabilities: ['cart/total'] } }, () => {",
      '  beforeEach(() => { /* } */ setup({ deep: { er: 1 } }); });',
      "  it('first', () => {",
      "    expect(helper(1)).toEqual({ a: '}1' }); // }",
      '  });',
      "  describe('inner', () => {",
      "    it('second', { tags: ['x/y'] }, async () => { await go(`${'{'}`); });",
      '  });',
      '});',
    );
    expect(extractTests(source)).toEqual(whole(source));
    expect(extractTests(source).tests.map((t) => [t.fullName, t.line, t.capabilities.map((c) => c.id), t.tags])).toEqual([
      ['outer > first', 5, ['cart/total'], []],
      ['outer > inner > second', 9, ['cart/total'], ['x/y']],
    ]);
  });

  it('reads blocks nested 20,000 deep, closed or not, and a line of 30,000 unclosed regular expressions, in time linear in the file', () => {
    const nested = 'const f = () => {\n'.repeat(20_000);
    expect(names(`${nested}it('deep', () => {});\n${'}\n'.repeat(20_000)}`)).toEqual(['deep']);
    expect(names(`describe('open', () => {\n${nested}it('deep', () => {});`)).toEqual(['open > deep']);
    // A line of unclosed regular expressions in a test body is read once.
    expect(names(`it('x', () => {${'(/['.repeat(30_000)}});`)).toEqual(['x']);
    // A tenth of a second here; quadratic, it took 24 s (and the regular expressions 11 s).
  }, 5_000);

  it("reads this repository's tests and its fixtures' as a whole lex does", () => {
    const files = ['test', 'fixtures'].flatMap((dir) =>
      fs.readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(f)).map((f) => path.join(REPO, dir, f)),
    );
    expect(files.length).toBeGreaterThan(60);
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      if (!source.includes('.extend')) expect([file, extractTests(source)]).toEqual([file, whole(source)]);
    }
  });
});

describe('nameContains', () => {
  const adds: NamePart[] = ['adds ', num];
  const nested: NamePart[] = ['links > check ', any, ' fragment'];

  it('matches literal substrings', () => {
    expect(nameContains(['creates a link'], 'a link')).toBe(true);
    expect(nameContains(['creates a link'], 'creates a link')).toBe(true);
    expect(nameContains(['creates a link'], 'a lint')).toBe(false);
    expect(nameContains(['creates a link'], 'creates a link!')).toBe(false);
  });

  it('treats the empty fragment as contained', () => {
    expect(nameContains([], '')).toBe(true);
    expect(nameContains(['x'], '')).toBe(true);
  });

  it('lets a number wildcard match only number-like runs', () => {
    expect(nameContains(adds, 'adds two things')).toBe(false);
    expect(nameContains(adds, 'adds 12')).toBe(true);
    expect(nameContains(adds, 'adds 1')).toBe(true);
    expect(nameContains(adds, 'adds -1.5e+3')).toBe(true);
    expect(nameContains(adds, 'adds NaN')).toBe(true);
    // Letters are number characters too (NaN, Infinity), so only the class matters.
    expect(nameContains(adds, 'adds three')).toBe(true);
    expect(nameContains(['[', num, ']'], '[]')).toBe(false);
    expect(nameContains(['[', num, ']'], '[7]')).toBe(true);
    expect(nameContains(['[', num, ']'], '[7 ]')).toBe(false);
  });

  it('matches fragments spanning or starting inside a wildcard', () => {
    expect(nameContains(nested, 'check the fragment')).toBe(true);
    expect(nameContains(nested, 'check  fragment')).toBe(true);
    expect(nameContains(nested, 'anything at all fragment')).toBe(true);
    expect(nameContains(nested, 'ment')).toBe(true);
    expect(nameContains(nested, 'checks fragment')).toBe(true);
    // An 'any' wildcard can itself hold any fragment.
    expect(nameContains(nested, 'fragment and more')).toBe(true);
    expect(nameContains(['links > check ', num, ' fragment'], 'check 3 fragment')).toBe(true);
    expect(nameContains(['links > check ', num, ' fragment'], 'check 3 fragments')).toBe(false);
    expect(nameContains(['links > check ', num, ' fragment'], 'links > checks')).toBe(false);
    expect(nameContains(['x', num, ' y'], '12 y')).toBe(true);
    expect(nameContains(['x', num, ' y'], '1 2 y')).toBe(false);
  });

  it('agrees with brute-force enumeration of names on small random patterns', () => {
    // Over a tiny alphabet, productions as long as the fragment are enough:
    // a window of |fragment| characters sees at most that much of a wildcard.
    const alphabet = ['a', '1', ' '];
    const strings = (maxLength: number, chars: string[]): string[] => {
      let level = [''];
      const all = [''];
      for (let n = 0; n < maxLength; n++) {
        level = level.flatMap((s) => chars.map((c) => s + c));
        all.push(...level);
      }
      return all;
    };
    const anyValues = strings(3, alphabet);
    const numberValues = strings(3, ['a', '1']).filter((s) => s.length > 0);
    const expand = (pattern: NamePart[]): string[] =>
      pattern.reduce<string[]>(
        (names, part) =>
          names.flatMap((name) =>
            typeof part === 'string' ? [name + part] : (part.wildcard === 'any' ? anyValues : numberValues).map((v) => name + v),
          ),
        [''],
      );
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const pattern: NamePart[] = [];
      for (let p = random(4); p >= 0; p--) {
        const choice = random(5);
        if (choice === 0) pattern.push({ wildcard: 'any' });
        else if (choice === 1) pattern.push({ wildcard: 'number' });
        else pattern.push(strings(2, alphabet)[1 + random(12)]);
      }
      const wildcards = pattern.filter((p) => typeof p !== 'string').length;
      if (wildcards > 2) continue;
      const names = expand(pattern);
      const fragment = strings(3, alphabet)[random(40)];
      const expected = names.some((name) => name.includes(fragment));
      expect([pattern, fragment, nameContains(pattern, fragment)]).toEqual([pattern, fragment, expected]);
    }
  });

  it('matches across the describe > test boundary of a full pattern', () => {
    const [test] = extractTests("describe('links', () => { it.each([1])('check %i fragment', () => {}); });").tests;
    expect(test.pattern).toEqual(['links > check ', num, ' fragment']);
    expect(nameContains(test.pattern, 'links > check 3')).toBe(true);
    expect(nameContains(test.pattern, 's > check')).toBe(true);
    expect(nameContains(test.pattern, 'links > check two things')).toBe(false);
    expect(nameContains(test.pattern, 'link > check 3')).toBe(false);
  });
});
