// Unit tests of the Tessl reader: `readTessl(file, source)` turns a `.spec.md`
// into the format-neutral model (README, "Specs sdna reads") plus the problems
// that become `spec-error` findings. Fixtures are written line by line so that
// every expected line number can be read off the array index (+1).

import { describe, expect, it } from 'vitest';
import type { Capability, Spec, TestLink } from '../src/model/model.js';
import { parseFrontmatter, splitFrontmatter } from '../src/formats/frontmatter.js';
import { attributes, findLinks, plainText } from '../src/formats/markdown.js';
import type { SpecProblem } from '../src/formats/problem.js';
import { readTessl } from '../src/formats/tessl.js';
import { tesslIdOf } from '../src/formats/ids.js';
import { distance, normalizeText, slugify } from '../src/util/text.js';
import { words } from './helpers.js';

const FILE = 'specs/links.spec.md';

/** Source lines joined with LF: line N of the file is argument N. */
function lines(...source: string[]): string {
  return source.join('\n') + '\n';
}

/** What the reader returns, its problems as their words. */
function read(source: string, file = FILE) {
  const { problems, ...rest } = readTessl(file, source);
  return { ...rest, problems: words(problems) };
}

/** The spec of a source that must read without problems. */
function clean(source: string, file = FILE): Spec {
  const { spec, problems } = readTessl(file, source);
  expect(words(problems)).toEqual([]);
  expect(spec).toBeDefined();
  return spec!;
}

type Words = Omit<SpecProblem, 'code' | 'subject'>;

function problemsOf(source: string, file = FILE): Words[] {
  return words(readTessl(file, source).problems);
}

/** A test link as the reader builds it (no `fragment` key when there is none). */
function link(raw: string, file: string, line: number, fragment?: string): TestLink {
  return fragment === undefined ? { raw, file, line } : { raw, file, fragment, line };
}

/** A capability of spec `links` in FILE, with the model's defaults. */
function cap(
  slug: string,
  name: string,
  line: number,
  extra: Partial<Pick<Capability, 'text' | 'links' | 'locked'>> = {},
  spec = 'links',
  file = FILE,
): Capability {
  return { id: `${spec}/${slug}`, spec, name, text: '', file, line, links: [], locked: false, ...extra };
}

/** Capability ids, names and texts only, for tests about one of those. */
function caps(spec: Spec): [string, string, string][] {
  return spec.capabilities.map((c) => [c.id, c.name, c.text]);
}

/** A minimal framework-dialect head (title and one target) followed by `## Capabilities`. */
const HEAD = ['# Links', '', '## Target', '', '[@generate](../src/links.ts)', '', '## Capabilities', ''];
const HEAD_TARGET = { glob: '../src/links.ts', pattern: 'src/links.ts', line: 5, via: 'generate' } as const;

const FRONTMATTER_FORM = 'write frontmatter as `---` / `name: <Title>` / `targets:` / `  - ../src/<file>.ts` / `---`';
const TARGETS_FORM = 'write it as a list of globs relative to the spec file: `targets:` / `  - ../src/links/*.ts`';
const CAPABILITY_FORMS =
  'add `## Capabilities` with bullets `- **<Name>** [@test](../test/<file>.test.ts)` or `### <Name>` headings';
const TARGET_HINT =
  'add `targets:` / `  - ../src/<file>.ts` to the frontmatter, or a `## Target` section with `[@generate](../src/<file>.ts)`';
const OUTSIDE_TARGET_HINT = 'name files inside the project, relative to the spec file: `../src/<area>/*.ts`';
const OUTSIDE_LINK_HINT = 'link a test file inside the project, relative to the spec file: `[@test](../test/<file>.test.ts)`';
const NO_FILE_HINT = 'write `[@test](../test/<file>.test.ts)` or `[@test](<../test/<file>.test.ts#test name>)`';
const KNOWN_SECTIONS = 'Known sections: ## Capabilities, ## Target, ## API, ## Dependencies';

const NO_NAME: Words = {
  line: 1,
  actual: 'spec has no name',
  hint: 'add `name: <Title>` to the frontmatter or a `# <Title>` heading',
};
const NO_CAPABILITIES_SECTION: Words = {
  line: 1,
  actual: 'spec has no capabilities: no `## Capabilities` section',
  hint: CAPABILITY_FORMS,
};
const NO_TARGETS: Words = { line: 1, actual: 'spec has no targets, so it governs no code', hint: TARGET_HINT };

// The README's frontmatter example.
const ESSAY = lines(
  '---', //                                                                        1
  'name: Payment Processing',
  'description: Processes transactions between buyers and merchants',
  'targets:',
  '  - ../src/payments/*.ts', //                                                   5
  '---',
  '# Payment Processing',
  '',
  '## Capabilities',
  '', //                                                                           10
  '- **Authorize Payment** [@test](../tests/authorize.test.ts)',
  '  Validates card details. Must be idempotent for the same transaction ID.',
  '- **Refund Payment** [@test](<../tests/refund.test.ts#partial refund>)',
  '  Reverses a captured payment. Partial refunds supported.',
  '', //                                                                           15
  '## API',
  '',
  '```typescript',
  'interface PaymentService { authorize(r: AuthorizeRequest): Promise<Authorization>; }',
  '```', //                                                                        20
);

// The README's framework example, plus an `{ .impl }` block and an `{ .api }` fence.
const FRAMEWORK = lines(
  '# Short links', //                                                              1
  '',
  '## Target',
  '',
  '[@generate](../src/links/create.ts)', //                                        5
  '[@describe](../src/links/resolve.ts)',
  '',
  '## Capabilities',
  '',
  '### Create link { .locked }', //                                                10
  '',
  '- Shortens a valid URL to a seven-character code [@test](../test/links.test.ts#creates a code)',
  '',
  '### Resolve link',
  '', //                                                                           15
  '- Returns the URL stored for a code',
  '- Returns undefined for an unknown code',
  '',
  '[@test](../test/resolve.test.ts)',
  '', //                                                                           20
  '### Notes { .impl }',
  '',
  '- Codes use a base62 alphabet [@test](../test/impl.test.ts)',
  '',
  '## Dependencies', //                                                            25
  '',
  '[@use](../src/limiter/limiter.ts)',
  '',
  '## Exports',
  '', //                                                                           30
  '```ts { .api }',
  'export function create(url: string): string;',
  '```',
);

describe('frontmatter dialect', () => {
  it('reads the README example: name, description, targets, bold bullets, links and the API block', () => {
    const file = 'specs/payments.spec.md';
    expect(read(ESSAY, file)).toEqual({
      spec: {
        id: 'payments',
        format: 'tessl',
        file,
        name: 'Payment Processing',
        description: 'Processes transactions between buyers and merchants',
        targets: [{ glob: '../src/payments/*.ts', pattern: 'src/payments/*.ts', line: 5, via: 'target' }],
        capabilities: [
          cap(
            'authorize-payment',
            'Authorize Payment',
            11,
            {
              text: 'Validates card details. Must be idempotent for the same transaction ID.',
              links: [link('../tests/authorize.test.ts', 'tests/authorize.test.ts', 11)],
            },
            'payments',
            file,
          ),
          cap(
            'refund-payment',
            'Refund Payment',
            13,
            {
              text: 'Reverses a captured payment. Partial refunds supported.',
              links: [link('../tests/refund.test.ts#partial refund', 'tests/refund.test.ts', 13, 'partial refund')],
            },
            'payments',
            file,
          ),
        ],
        links: [],
        uses: [],
        api: [
          {
            lang: 'typescript',
            code: 'interface PaymentService { authorize(r: AuthorizeRequest): Promise<Authorization>; }\n',
            line: 18,
          },
        ],
      },
      problems: [],
    });
  });

  it('takes a single string as the only target, on the line of `targets:`', () => {
    const spec = clean(lines('---', 'name: Links', 'targets: ../src/links/*.ts', '---', '## Capabilities', '- **Create**'));
    expect(spec.targets).toEqual([{ glob: '../src/links/*.ts', pattern: 'src/links/*.ts', line: 3, via: 'target' }]);
  });

  it('takes a flow list of targets, each on the line it is written on', () => {
    const spec = clean(
      lines('---', 'name: Links', 'targets: [../src/a.ts, ../src/b.ts]', '---', '## Capabilities', '- **Create**'),
    );
    expect(spec.targets).toEqual([
      { glob: '../src/a.ts', pattern: 'src/a.ts', line: 3, via: 'target' },
      { glob: '../src/b.ts', pattern: 'src/b.ts', line: 3, via: 'target' },
    ]);
  });

  it('links a whole file, a fragment, and an angle-bracket fragment with spaces', () => {
    const spec = clean(
      lines(
        '---',
        'name: Links',
        'targets: ../src/links.ts',
        '---',
        '## Capabilities', // 5
        '- **Whole** [@test](../test/a.test.ts)',
        '- **Fragment** [@test](../test/a.test.ts#creates)',
        '- **Spaces** [@test](<../test/a.test.ts#creates a code>)',
      ),
    );
    expect(spec.capabilities.map((c) => c.links)).toEqual([
      [link('../test/a.test.ts', 'test/a.test.ts', 6)],
      [link('../test/a.test.ts#creates', 'test/a.test.ts', 7, 'creates')],
      [link('../test/a.test.ts#creates a code', 'test/a.test.ts', 8, 'creates a code')],
    ]);
  });

  it('keeps a `>` inside the angle-bracket form (`suite > test`)', () => {
    const spec = clean(
      lines(
        '---',
        'name: Links',
        'targets: ../src/links.ts',
        '---',
        '## Capabilities',
        '- **Nested** [@test](<../test/a.test.ts#links > creates a code>) and [@test](<../test/b.test.ts#x>)',
      ),
    );
    expect(spec.capabilities[0].links).toEqual([
      link('../test/a.test.ts#links > creates a code', 'test/a.test.ts', 6, 'links > creates a code'),
      link('../test/b.test.ts#x', 'test/b.test.ts', 6, 'x'),
    ]);
    expect(spec.capabilities[0].text).toBe('and');
  });

  it('joins the text after the bold name and the continuation lines into the capability text', () => {
    const spec = clean(
      lines(
        '---',
        'name: Links',
        'targets: ../src/links.ts',
        '---',
        '## Capabilities',
        '- **Create Link** - shortens a URL.',
        '  The code has seven characters,',
        '  and is unique.',
        '- __Delete Link__: removes it',
      ),
    );
    expect(caps(spec)).toEqual([
      ['links/create-link', 'Create Link', 'shortens a URL. The code has seven characters, and is unique.'],
      ['links/delete-link', 'Delete Link', 'removes it'],
    ]);
  });

  it('captures the `## API` fence verbatim, with the line of its opening fence', () => {
    const spec = clean(
      lines(
        '---',
        'name: Links',
        'targets: ../src/links.ts',
        '---',
        '## Capabilities',
        '- **Create**',
        '',
        '## API',
        '',
        '```ts title="links.ts"', // 10
        'export interface Links {',
        '  create(url: string): string;',
        '',
        '    // indented',
        '}',
        '```',
        '',
        '```',
        'second',
        '```',
      ),
    );
    expect(spec.api).toEqual([
      { lang: 'ts', code: 'export interface Links {\n  create(url: string): string;\n\n    // indented\n}\n', line: 10 },
      { lang: '', code: 'second\n', line: 18 },
    ]);
  });

  it('reads `Description:` and `NAME:` whatever the case of the key', () => {
    const spec = clean(
      lines('---', 'NAME: Links', 'Description: Short links', 'Targets: ../src/links.ts', '---', '## Capabilities', '- **Create**'),
    );
    expect([spec.name, spec.description, spec.targets.map((t) => t.pattern)]).toEqual([
      'Links',
      'Short links',
      ['src/links.ts'],
    ]);
  });

  it('prefers the frontmatter name to the `# Title`', () => {
    const spec = clean(lines('---', 'name: From frontmatter', 'targets: ../src/a.ts', '---', '# From title', '## Capabilities', '- **A**'));
    expect(spec.name).toBe('From frontmatter');
  });
});

describe('framework dialect', () => {
  it('reads the README example: targets, `###` capabilities, group link, impl notes, uses and an `{ .api }` fence', () => {
    expect(read(FRAMEWORK)).toEqual({
      spec: {
        id: 'links',
        format: 'tessl',
        file: FILE,
        name: 'Short links',
        targets: [
          { glob: '../src/links/create.ts', pattern: 'src/links/create.ts', line: 5, via: 'generate' },
          { glob: '../src/links/resolve.ts', pattern: 'src/links/resolve.ts', line: 6, via: 'describe' },
        ],
        capabilities: [
          cap('create-link', 'Create link', 10, {
            text: 'Shortens a valid URL to a seven-character code',
            links: [link('../test/links.test.ts#creates a code', 'test/links.test.ts', 12, 'creates a code')],
            locked: true,
          }),
          cap('resolve-link', 'Resolve link', 14, {
            text: 'Returns the URL stored for a code Returns undefined for an unknown code',
            links: [link('../test/resolve.test.ts', 'test/resolve.test.ts', 19)],
          }),
        ],
        links: [],
        uses: [{ ref: '../src/limiter/limiter.ts', line: 27 }],
        api: [{ lang: 'ts', code: 'export function create(url: string): string;\n', line: 31 }],
      },
      problems: [],
    });
  });

  it('joins the bullets of a `###` capability into its text and gives it the links at their ends', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '### Create link', //                                                        9
        '',
        '- Accepts http and https [@test](../test/a.test.ts#accepts)',
        '- Rejects other schemes [@test](<../test/a.test.ts#rejects ftp>)',
      ),
    );
    expect(spec.capabilities).toEqual([
      cap('create-link', 'Create link', 9, {
        text: 'Accepts http and https Rejects other schemes',
        links: [
          link('../test/a.test.ts#accepts', 'test/a.test.ts', 11, 'accepts'),
          link('../test/a.test.ts#rejects ftp', 'test/a.test.ts', 12, 'rejects ftp'),
        ],
      }),
    ]);
  });

  it('gives a `[@test]` alone after a `###` group to that capability only', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '### Create', //                                                             9
        '- makes a code',
        '',
        '[@test](../test/create.test.ts)',
        '',
        '### Resolve', //                                                            14
        '- finds the URL',
      ),
    );
    expect(spec.capabilities.map((c) => [c.id, c.links])).toEqual([
      ['links/create', [link('../test/create.test.ts', 'test/create.test.ts', 12)]],
      ['links/resolve', []],
    ]);
  });

  it('without `###`, gives a `[@test]` paragraph alone after a list to every bullet of that list, and only that list', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '- **Create** makes a code', //                                              9
        '- **Resolve** finds the URL',
        '',
        '[@test](../test/group.test.ts) [@test](<../test/other.test.ts#a b>)',
        '',
        'Some prose.',
        '',
        '- **Delete** removes it', //                                                16
      ),
    );
    const group = [
      link('../test/group.test.ts', 'test/group.test.ts', 12),
      link('../test/other.test.ts#a b', 'test/other.test.ts', 12, 'a b'),
    ];
    expect(spec.capabilities).toEqual([
      cap('create', 'Create', 9, { text: 'makes a code', links: group }),
      cap('resolve', 'Resolve', 10, { text: 'finds the URL', links: group }),
      cap('delete', 'Delete', 16, { text: 'removes it' }),
    ]);
    expect(spec.links).toEqual([]);
  });

  it('treats a `[@test]` inside a prose paragraph (not alone) as a spec-level link', () => {
    const spec = clean(lines(...HEAD, '- **Create**', '', 'See [@test](../test/misc.test.ts) too.'));
    expect([spec.capabilities[0].links, spec.links]).toEqual([[], [link('../test/misc.test.ts', 'test/misc.test.ts', 11)]]);
  });

  it('keeps `{ .locked }` on a `###` heading and on a bullet, out of the name and text', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '### Create { .locked }', //                                                 9
        '- makes a code',
        '',
        '## Capabilities',
        '',
        '- **Resolve** { .locked } finds the URL', //                               14
        '- **Delete** removes it',
      ),
    );
    expect(spec.capabilities).toEqual([
      cap('create', 'Create', 9, { text: 'makes a code', locked: true }),
      cap('resolve', 'Resolve', 14, { text: 'finds the URL', locked: true }),
      cap('delete', 'Delete', 15, { text: 'removes it' }),
    ]);
  });

  it('does not make a capability of `### Notes { .impl }`, nor read its bullets or links', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '### Create',
        '- makes a code',
        '',
        '### Notes { .impl }',
        '',
        '- Uses base62 [@test](../test/impl.test.ts)',
        '',
        '### Resolve',
        '- finds the URL',
      ),
    );
    expect(caps(spec)).toEqual([
      ['links/create', 'Create', 'makes a code'],
      ['links/resolve', 'Resolve', 'finds the URL'],
    ]);
    expect([spec.capabilities.flatMap((c) => c.links), spec.links]).toEqual([[], []]);
  });

  it('reads `[@use]` links under `## Dependencies` as written, with their lines', () => {
    const spec = clean(
      lines(...HEAD, '- **Create**', '', '## Dependencies', '', '[@use](../src/limiter.ts)', '- [@use](./store/index.ts)'),
    );
    expect(spec.uses).toEqual([
      { ref: '../src/limiter.ts', line: 13 },
      { ref: './store/index.ts', line: 14 },
    ]);
  });

  it('keeps a fence marked `{ .api }` outside `## API`, but not an unmarked one', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '- **Create**',
        '',
        '```ts { .api }', //                                                         11
        'export const a = 1;',
        '```',
        '',
        '```ts',
        'not api',
        '```',
        '',
        '```{.api}', //                                                              19
        'b',
        '```',
      ),
    );
    expect(spec.api).toEqual([
      { lang: 'ts', code: 'export const a = 1;\n', line: 11 },
      { lang: '', code: 'b\n', line: 19 },
    ]);
  });

  it('names a bullet without bold text by its first line, trailing punctuation dropped', () => {
    const spec = clean(lines(...HEAD, '- Creates a code.', '  More about it', '- Resolves codes:'));
    expect(caps(spec)).toEqual([
      ['links/creates-a-code', 'Creates a code', 'More about it'],
      ['links/resolves-codes', 'Resolves codes', ''],
    ]);
  });

  it('gives links in a `####` heading and prose inside a `###` capability to that capability', () => {
    const spec = clean(
      lines(...HEAD, '### Create', '', 'Makes a code', 'quickly [@test](../test/a.test.ts)', '', '#### More [@test](../test/b.test.ts)'),
    );
    expect(spec.capabilities).toEqual([
      cap('create', 'Create', 9, {
        text: 'Makes a code quickly',
        links: [link('../test/a.test.ts', 'test/a.test.ts', 12), link('../test/b.test.ts', 'test/b.test.ts', 14)],
      }),
    ]);
  });

  it('takes `[@generate]` links written anywhere, including under `## Targets`', () => {
    const spec = clean(
      lines('# Links', '## Targets', '- [@generate](../src/a.ts)', '## Capabilities', '- **A** [@describe](../src/b.ts)'),
    );
    expect(spec.targets).toEqual([
      { glob: '../src/a.ts', pattern: 'src/a.ts', line: 3, via: 'generate' },
      { glob: '../src/b.ts', pattern: 'src/b.ts', line: 5, via: 'describe' },
    ]);
  });

  it('an empty bullet at the end of the list does not make the next paragraph a capability', () => {
    // `-` alone opens a list item with no inline token, so `itemFresh` stays true
    // past the end of the list and "Some prose here." becomes a bullet capability.
    const spec = clean(lines(...HEAD, '- **Create**', '-', '', 'Some prose here.'));
    expect(caps(spec)).toEqual([['links/create', 'Create', '']]);
  });
});

describe('ids', () => {
  it('is the file name without `.spec.md`, whatever folder the spec is in', () => {
    expect(clean(lines(...HEAD, '- **A**'), 'specs/deep/nested/short-links.spec.md').id).toBe('short-links');
    expect(tesslIdOf('links.spec.md')).toBe('links');
    expect(tesslIdOf('a/b/Links.SPEC.MD')).toBe('Links');
  });

  it('is the frontmatter `id` when there is one, and capability ids use it', () => {
    const spec = clean(lines('---', 'id: links.v2', 'name: Links', 'targets: ../src/a.ts', '---', '## Capabilities', '- **Create Link**'));
    expect([spec.id, spec.capabilities.map((c) => [c.id, c.spec])]).toEqual(['links.v2', [['links.v2/create-link', 'links.v2']]]);
  });

  it('slugs capability names: lower case, punctuation runs to `-`, non-ASCII letters kept', () => {
    const spec = clean(lines(...HEAD, '- **Create Link!**', '- **Café crème**', '- **  HTTP/2 -- push  **', '- **Ünïcödé 名前**'));
    expect(spec.capabilities.map((c) => c.id)).toEqual([
      'links/create-link',
      'links/café-crème',
      'links/http-2-push',
      'links/ünïcödé-名前',
    ]);
  });

  it('reports an invalid frontmatter `id` and falls back to the file name', () => {
    const { spec, problems } = read(lines('---', 'id: not valid!', 'name: Links', 'targets: ../src/a.ts', '---', '## Capabilities', '- **A**'));
    expect(problems).toEqual([
      {
        line: 2,
        actual: 'spec id `not valid!` is not a valid id',
        hint: 'use letters, digits, `.`, `_` and `-`, e.g. `id: payments`',
      },
    ]);
    expect(spec?.id).toBe('links');
    expect(spec?.capabilities[0].id).toBe('links/a');
  });

  it('an invalid `id` is reported on the line of `id:`, not on the first frontmatter line', () => {
    // The problem uses `split.yamlLine` (always 2) instead of the line of the `id:` key.
    const problems = problemsOf(lines('---', 'name: Links', 'targets: ../src/a.ts', 'id: -bad', '---', '## Capabilities', '- **A**'));
    expect(problems.map((p) => p.line)).toEqual([4]);
  });
});

describe('text normalisation', () => {
  it('reads CRLF line endings as LF, with the same line numbers', () => {
    const crlf = ESSAY.replace(/\n/g, '\r\n');
    expect(read(crlf)).toEqual(read(ESSAY));
    expect(read(crlf).spec?.capabilities.map((c) => c.line)).toEqual([11, 13]);
  });

  it('ignores a UTF-8 BOM, also before frontmatter and together with CRLF', () => {
    expect(read('\uFEFF' + ESSAY)).toEqual(read(ESSAY));
    expect(read('\uFEFF' + FRAMEWORK.replace(/\n/g, '\r\n'))).toEqual(read(FRAMEWORK));
    expect(read('\uFEFF' + ESSAY).spec?.name).toBe('Payment Processing');
  });

  it('reads old-Mac CR line endings with the same line numbers', () => {
    expect(read(FRAMEWORK.replace(/\n/g, '\r'))).toEqual(read(FRAMEWORK));
  });

  it('accepts tabs after the bullet marker and as continuation indent', () => {
    const spec = clean(lines(...HEAD, '-\t**Create**\tmakes a code', '\tquickly [@test](../test/a.test.ts)'));
    expect(spec.capabilities).toEqual([
      cap('create', 'Create', 9, { text: 'makes a code quickly', links: [link('../test/a.test.ts', 'test/a.test.ts', 10)] }),
    ]);
  });
});

describe('links', () => {
  it('ignores links shown in inline code spans (single and double backticks)', () => {
    const spec = clean(
      lines(...HEAD, '- **Create** write `[@test](../test/x.test.ts)` or ``a ` [@test](../test/y.test.ts) `` here'),
    );
    expect([spec.capabilities[0].links, spec.links]).toEqual([[], []]);
  });

  it('ignores links inside fenced and indented code, and in `[@generate]` examples there', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '- **Create**',
        '',
        '```md',
        '- **Fake** [@test](../test/fenced.test.ts)',
        '[@generate](../src/fenced.ts)',
        '```',
        '',
        '    [@test](../test/indented.test.ts)',
      ),
    );
    expect([caps(spec), spec.capabilities[0].links, spec.links, spec.targets]).toEqual([
      [['links/create', 'Create', '']],
      [],
      [],
      [HEAD_TARGET],
    ]);
  });

  it('makes links under `## Test Cases` spec-level links, not capabilities or capability links', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '- **Create**', //                                                           9
        '',
        '## Test Cases',
        '',
        '- [@test](../test/cases.test.ts#one)', //                                   13
        '- **Bold** [@test](../test/cases.test.ts)',
      ),
    );
    expect(spec.capabilities).toEqual([cap('create', 'Create', 9)]);
    expect(spec.links).toEqual([
      link('../test/cases.test.ts#one', 'test/cases.test.ts', 13, 'one'),
      link('../test/cases.test.ts', 'test/cases.test.ts', 14),
    ]);
  });

  it('decodes percent-encoded fragments, keeps a stray `%`, and drops an empty fragment', () => {
    const spec = clean(
      lines(
        ...HEAD,
        '- **A** [@test](../test/a.test.ts#partial%20refund)', //                     9
        '- **B** [@test](<../test/a.test.ts#caf%C3%A9 %3E cr%C3%A8me>)',
        '- **C** [@test](../test/a.test.ts#50%)',
        '- **D** [@test](../test/a.test.ts#)',
      ),
    );
    expect(spec.capabilities.map((c) => c.links)).toEqual([
      [link('../test/a.test.ts#partial%20refund', 'test/a.test.ts', 9, 'partial refund')],
      [link('../test/a.test.ts#caf%C3%A9 %3E cr%C3%A8me', 'test/a.test.ts', 10, 'café > crème')],
      [link('../test/a.test.ts#50%', 'test/a.test.ts', 11, '50%')],
      [link('../test/a.test.ts#', 'test/a.test.ts', 12)],
    ]);
  });

  it('numbers links on the line they are written on inside a multi-line paragraph', () => {
    const spec = clean(lines(...HEAD, '- **A** first', '  second', '  [@test](../test/a.test.ts) third'));
    expect(spec.capabilities[0].links).toEqual([link('../test/a.test.ts', 'test/a.test.ts', 11)]);
  });

  it('a link after an inline code span that spans two lines keeps its own line number', () => {
    // findLinks blanks code spans with spaces, newlines included, so every link
    // after a multi-line code span is counted one line too early (10 instead of 11).
    const spec = clean(lines(...HEAD, '- **A** uses `a', '  b` in', '  [@test](../test/a.test.ts)'));
    expect(spec.capabilities[0].links).toEqual([link('../test/a.test.ts', 'test/a.test.ts', 11)]);
  });

  it('a plain link destination may hold balanced parentheses, as in CommonMark', () => {
    // The plain form stops at the first `)`: the fragment is read as `adds (one`
    // and the `)` left over lands in the capability text.
    const spec = clean(lines(...HEAD, '- **A** [@test](../test/a.test.ts#adds(one))'));
    expect(spec.capabilities[0]).toEqual(
      cap('a', 'A', 9, { links: [link('../test/a.test.ts#adds(one)', 'test/a.test.ts', 9, 'adds(one)')] }),
    );
  });
});

describe('paths', () => {
  it('resolves targets against the spec folder into root-relative patterns', () => {
    const spec = clean(
      lines(
        '---',
        'name: Links',
        'targets:',
        '  - ../../src/links/**/*.ts',
        '  - ./local.ts', //                                                         5
        '  - ../../src/folder/',
        '---',
        '# Links',
        '## Target',
        '[@generate](..\\..\\src\\win.ts)', //                                     10
        '## Capabilities',
        '- **A**',
      ),
      'specs/area/links.spec.md',
    );
    expect(spec.targets).toEqual([
      { glob: '../../src/links/**/*.ts', pattern: 'src/links/**/*.ts', line: 4, via: 'target' },
      { glob: './local.ts', pattern: 'specs/area/local.ts', line: 5, via: 'target' },
      { glob: '../../src/folder/', pattern: 'src/folder', line: 6, via: 'target' },
      { glob: '..\\..\\src\\win.ts', pattern: 'src/win.ts', line: 10, via: 'generate' },
    ]);
  });

  it('resolves test links against the spec folder into root-relative files', () => {
    const spec = clean(lines(...HEAD, '- **A** [@test](../../test/a.test.ts) [@test](./b.test.ts)'), 'specs/area/links.spec.md');
    expect(spec.capabilities[0].links).toEqual([
      link('../../test/a.test.ts', 'test/a.test.ts', 9),
      link('./b.test.ts', 'specs/area/b.test.ts', 9),
    ]);
  });

  it('reports a target outside the root as a problem, never as a target, and does not add "no targets"', () => {
    const { spec, problems } = read(
      lines('---', 'name: Links', 'targets:', '  - ../../x.ts', '  - /etc/passwd', '---', '## Capabilities', '- **A**'),
    );
    expect(spec?.targets).toEqual([]);
    expect(problems).toEqual([
      {
        line: 4,
        target: true,
        actual: 'target `../../x.ts` resolves outside the project root and was not read',
        hint: OUTSIDE_TARGET_HINT,
      },
      {
        line: 5,
        target: true,
        actual: 'target `/etc/passwd` resolves outside the project root and was not read',
        hint: OUTSIDE_TARGET_HINT,
      },
    ]);
  });

  it('reports `[@generate]`/`[@describe]` links outside the root as problems', () => {
    const { spec, problems } = read(
      lines('# Links', '## Target', '[@generate](../../x.ts)', '[@describe](C:\\src\\x.ts)', '## Capabilities', '- **A**'),
    );
    expect(spec?.targets).toEqual([]);
    expect(problems).toEqual([
      {
        line: 3,
        target: true,
        actual: 'target `../../x.ts` resolves outside the project root and was not read',
        hint: OUTSIDE_TARGET_HINT,
      },
      {
        line: 4,
        target: true,
        actual: 'target `C:\\src\\x.ts` resolves outside the project root and was not read',
        hint: OUTSIDE_TARGET_HINT,
      },
    ]);
  });

  it('reports test links outside the root as problems, never as links', () => {
    const { spec, problems } = read(
      lines(...HEAD, '- **A** [@test](../../t.test.ts) [@test](</etc/passwd#x>)', '', '## Test Cases', '[@test](../../../u.test.ts)'),
    );
    expect([spec?.capabilities[0].links, spec?.links]).toEqual([[], []]);
    expect(problems).toEqual([
      { line: 9, actual: 'test link `../../t.test.ts` resolves outside the project root and was not read', hint: OUTSIDE_LINK_HINT },
      { line: 9, actual: 'test link `/etc/passwd` resolves outside the project root and was not read', hint: OUTSIDE_LINK_HINT },
      { line: 12, actual: 'test link `../../../u.test.ts` resolves outside the project root and was not read', hint: OUTSIDE_LINK_HINT },
    ]);
  });
});

describe('problems', () => {
  /** A body that reads cleanly, so that only the frontmatter's problem shows. */
  const BODY = ['# Links', '## Capabilities', '- **A**'];

  it('reports YAML that does not parse, on the line where it breaks, and keeps the capabilities below it', () => {
    const { spec, problems } = read(lines('---', 'name: Links', 'targets: [../src/a.ts', '---', '# Links', '## Capabilities', '- **A**'));
    expect(problems).toEqual([
      {
        line: 3,
        actual: 'frontmatter is not valid YAML: unexpected end of the stream within a flow collection',
        hint: FRONTMATTER_FORM,
      },
    ]);
    // Its keys are lost (the targets with them, and no "no targets" is added); the promises are not.
    expect([spec!.name, spec!.targets, spec!.capabilities.map((c) => c.id)]).toEqual(['Links', [], ['links/a']]);
  });

  it('reports bad YAML indentation on its own line', () => {
    expect(problemsOf(lines('---', 'name: Links', 'targets: ../src/a.ts', 'bad: : :', '  - oops', '---', ...BODY))).toEqual([
      { line: 4, actual: 'frontmatter is not valid YAML: bad indentation of a mapping entry', hint: FRONTMATTER_FORM },
    ]);
  });

  it('reports frontmatter that is not a mapping', () => {
    expect(problemsOf(lines('---', '- a', '- b', '---', ...BODY))).toEqual([
      { line: 2, actual: 'frontmatter is not a YAML mapping of keys to values', hint: FRONTMATTER_FORM },
    ]);
  });

  it('reports frontmatter that is never closed, and reads nothing else', () => {
    expect(read(lines('---', 'name: Links', 'targets: ../src/a.ts', '# Links', '## Capabilities', '- **A**'))).toEqual({
      problems: [
        {
          line: 1,
          actual: 'frontmatter opened with `---` on line 1 is never closed',
          hint: 'close it with a line `---` after the last key (name:, description:, targets:)',
        },
      ],
    });
  });

  it('reports `targets` of the wrong form on the line of the key', () => {
    const wrong = { actual: 'frontmatter `targets` has the wrong form', hint: TARGETS_FORM };
    expect(problemsOf(lines('---', 'name: Links', 'targets: 5', '---', ...BODY))).toEqual([{ line: 3, ...wrong }]);
    expect(problemsOf(lines('---', 'name: Links', 'description: d', 'targets:', '  - 1', '---', ...BODY))).toEqual([{ line: 4, ...wrong }]);
    expect(problemsOf(lines('---', 'name: Links', 'targets:', '---', ...BODY))).toEqual([{ line: 3, ...wrong }]);
    expect(problemsOf(lines('---', 'name: Links', 'targets: { a: b }', '---', ...BODY))).toEqual([{ line: 3, ...wrong }]);
  });

  it('reports a `name` that is not text', () => {
    expect(problemsOf(lines('---', 'targets: ../src/a.ts', 'name: [a, b]', '---', ...BODY))).toEqual([
      { line: 3, actual: 'frontmatter `name` has the wrong form', hint: 'write it as a single line of text: `name: <text>`' },
    ]);
  });

  it('reports a spec with neither a frontmatter name nor a `# Title`', () => {
    const { spec, problems } = read(lines('---', 'targets: ../src/a.ts', '---', '## Capabilities', '- **A**'));
    expect(problems).toEqual([NO_NAME]);
    expect(spec?.name).toBe('links');
  });

  it('reports a spec without `## Capabilities`', () => {
    expect(problemsOf(lines('# Links', '## Target', '[@generate](../src/a.ts)'))).toEqual([NO_CAPABILITIES_SECTION]);
  });

  it('reports an empty `## Capabilities` on the line of that heading', () => {
    expect(problemsOf(lines(...HEAD, 'Only prose here.', '', '```', '- **not a bullet**', '```'))).toEqual([
      {
        line: 7,
        actual: 'spec has no capabilities: `## Capabilities` holds no bullet or `###` heading',
        hint: CAPABILITY_FORMS,
      },
    ]);
  });

  it('names a near-miss heading such as `## Capabilites` when there are no capabilities', () => {
    expect(problemsOf(lines('# Links', '## Target', '[@generate](../src/a.ts)', '', '## Capabilites', '', '- **A**'))).toEqual([
      {
        line: 5,
        actual: 'spec has no capabilities: `## Capabilites` is not a known section (did you mean `## Capabilities`?)',
        hint: CAPABILITY_FORMS,
      },
    ]);
  });

  it('reports a spec without targets', () => {
    expect(problemsOf(lines('# Links', '## Capabilities', '- **A**'))).toEqual([NO_TARGETS]);
  });

  it('names a near-miss `## Tagret` when there are no targets', () => {
    expect(problemsOf(lines('# Links', '', '## Tagret', '', '[@use](../src/a.ts)', '## Capabilities', '- **A**'))).toEqual([
      {
        line: 3,
        actual: 'spec has no targets: `## Tagret` is not a known section (did you mean `## Target`?)',
        hint: TARGET_HINT,
      },
    ]);
  });

  it('still reports a near-miss `## Tagret` when the frontmatter has targets', () => {
    expect(
      problemsOf(lines('---', 'name: Links', 'targets: ../src/a.ts', '---', '## Tagret', '## Capabilities', '- **A**')),
    ).toEqual([
      { line: 5, actual: '`## Tagret` is not a known section', hint: `did you mean \`## Target\`? ${KNOWN_SECTIONS}` },
    ]);
  });

  it('does not take unrelated sections (`## Test Cases`, `## Notes`, `## Examples`) for near misses', () => {
    expect(problemsOf(lines(...HEAD, '- **A**', '## Test Cases', '## Notes', '## Examples', '## Overview'))).toEqual([]);
  });

  it('reports a capability name given twice, and keeps the first', () => {
    const { spec, problems } = read(lines(...HEAD, '- **Create Link**', '', '### Create link!'));
    expect(problems).toEqual([
      {
        line: 11,
        capability: 'links/create-link',
        actual: `capability id \`links/create-link\` is declared twice: ${FILE}:9 and ${FILE}:11`,
        hint: 'give each capability a distinct name',
      },
    ]);
    expect(spec?.capabilities).toEqual([cap('create-link', 'Create Link', 9)]);
  });

  it('reports a capability name with no letters or digits', () => {
    const { spec, problems } = read(lines(...HEAD, '- **!!!**', '- **Ok**'));
    expect(problems).toEqual([
      {
        line: 9,
        actual: 'capability `!!!` has no letters or digits to make an id from',
        hint: 'name it in words: `- **Create Link** …` or `### Create Link`',
      },
    ]);
    expect(caps(spec!)).toEqual([['links/ok', 'Ok', '']]);
  });

  it('reports a test link that names no file', () => {
    expect(problemsOf(lines(...HEAD, '- **A** [@test](#creates) [@test]( )'))).toEqual([
      { line: 9, actual: 'test link `[@test](#creates)` names no file', hint: NO_FILE_HINT },
      { line: 9, actual: 'test link `[@test]()` names no file', hint: NO_FILE_HINT },
    ]);
  });

  it('reports an empty `[@generate]()` target and does not also say the spec has no targets', () => {
    expect(problemsOf(lines('# Links', '## Target', '[@generate]()', '## Capabilities', '- **A**'))).toEqual([
      { line: 3, target: true, actual: 'empty target', hint: 'write a glob relative to the spec file: `../src/<file>.ts`' },
    ]);
  });

  it('reports an empty file: no name, no capabilities, no targets', () => {
    expect(read('')).toEqual({
      spec: {
        id: 'links',
        format: 'tessl',
        file: FILE,
        name: 'links',
        targets: [],
        capabilities: [],
        links: [],
        uses: [],
        api: [],
      },
      problems: [NO_NAME, NO_CAPABILITIES_SECTION, NO_TARGETS],
    });
  });

  it('reports a file that is only frontmatter as having no capabilities', () => {
    expect(read('---\nname: Links\ntargets: ../src/a.ts\n---')).toEqual({
      spec: {
        id: 'links',
        format: 'tessl',
        file: FILE,
        name: 'Links',
        targets: [{ glob: '../src/a.ts', pattern: 'src/a.ts', line: 3, via: 'target' }],
        capabilities: [],
        links: [],
        uses: [],
        api: [],
      },
      problems: [NO_CAPABILITIES_SECTION],
    });
  });

  it('reads empty frontmatter as no keys', () => {
    expect(problemsOf(lines('---', '---'))).toEqual([NO_NAME, NO_CAPABILITIES_SECTION, NO_TARGETS]);
  });

  it('each target gets its own line even when its text is part of an earlier line', () => {
    // parseFrontmatter looks for a target from the line of the previous one, inclusive,
    // so `a.ts` is found inside `- ../src/a.ts` (line 4) instead of on line 5.
    const spec = clean(lines('---', 'name: Links', 'targets:', '  - ../src/a.ts', '  - a.ts', '---', '## Capabilities', '- **A**'));
    expect(spec.targets.map((t) => [t.glob, t.line])).toEqual([
      ['../src/a.ts', 4],
      ['a.ts', 5],
    ]);
  });
});

describe('helpers', () => {
  it('splitFrontmatter blanks the frontmatter so body lines keep their numbers', () => {
    expect(splitFrontmatter('---\nname: A\n---\n# A\n')).toEqual({ yaml: 'name: A', yamlLine: 2, body: '\n\n\n# A\n' });
  });

  it('splitFrontmatter accepts `...` as the closing line and trailing blanks on the fences', () => {
    expect(splitFrontmatter('--- \nname: A\n...\t\nbody')).toEqual({ yaml: 'name: A', yamlLine: 2, body: '\n\n\nbody' });
  });

  it('splitFrontmatter leaves a file without a `---` first line alone', () => {
    expect(splitFrontmatter('----\nname: A\n---\n')).toEqual({ yamlLine: 0, body: '----\nname: A\n---\n' });
    expect(splitFrontmatter('# A\n---\n')).toEqual({ yamlLine: 0, body: '# A\n---\n' });
  });

  it('parseFrontmatter keeps each target with its line', () => {
    const { fm, problems } = parseFrontmatter('name: A\ntargets:\n  - x.ts\n  - "y.ts"', 2);
    expect(problems).toEqual([]);
    expect(fm?.fields).toEqual({ name: 'A', targets: ['x.ts', 'y.ts'] });
    expect(fm?.targets).toEqual([
      { value: 'x.ts', line: 4 },
      { value: 'y.ts', line: 5 },
    ]);
    expect([fm?.keyLine('name'), fm?.keyLine('targets'), fm?.keyLine('absent')]).toEqual([2, 3, 2]);
  });

  it('findLinks finds every kind, with its line, and skips code spans', () => {
    const found = findLinks('a [@generate](x.ts)\n`[@test](no)` [@use]( y.ts )\n[@describe](<z#a > b>)', 7);
    expect(found.map(({ kind, target, line }) => ({ kind, target, line }))).toEqual([
      { kind: 'generate', target: 'x.ts', line: 7 },
      { kind: 'use', target: 'y.ts', line: 8 },
      { kind: 'describe', target: 'z#a > b', line: 9 },
    ]);
  });

  it('plainText drops links, bold markers and attribute blocks, and folds whitespace', () => {
    expect(plainText('**Create**  { .locked }\n link [@test](a.ts) __now__')).toBe('Create link now');
    // Each run of whitespace, of any kind, is one space; a text already so is itself.
    for (const [text, folded] of [['a\tb', 'a b'], ['a\u00a0b', 'a b'], ['a \u2028 b', 'a b'], ['\u3000a  b\n', 'a b'], ['a b c', 'a b c'], ['a\r\nb', 'a b']]) expect(plainText(text)).toBe(folded);
  });

  it('attributes reads every class of every `{ … }` block', () => {
    expect([...attributes('Create { .locked .impl } {.api}')]).toEqual(['locked', 'impl', 'api']);
    expect([...attributes('no attributes {here}')]).toEqual([]);
  });

  it('normalizeText drops a BOM and turns CRLF and CR into LF', () => {
    expect(normalizeText('\uFEFFa\r\nb\rc\n')).toBe('a\nb\nc\n');
  });

  it('slugify keeps letters and digits of any script', () => {
    expect(['Create Link!', 'Café crème', '--A__b--', '名前 2', '!!!'].map(slugify)).toEqual([
      'create-link',
      'café-crème',
      'a-b',
      '名前-2',
      '',
    ]);
  });

  it('distance is the edit distance used for near-miss headings', () => {
    expect([distance('tagret', 'target'), distance('capabilites', 'capabilities'), distance('', 'api'), distance('a', 'a')]).toEqual([
      2, 1, 3, 0,
    ]);
  });
});
