// `api-drift`: each shape of drift on a project of its own, the differences that
// must not count, bad input, and the promise that TypeScript is loaded only when
// a spec has an `## API` block and its result is not cached.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/model/words.js';
import { normalizeType } from '../src/checks/api-drift/declarations.js';
import { FIXTURES, REPO, SMALL_PLAN_FLAGS, sdna, tempProject, write } from './helpers.js';

/** Exits with a line on stderr naming whether typescript.js was loaded. */
const TS_PROBE = path.join(os.tmpdir(), `sdna-ts-probe-${process.pid}.cjs`);
fs.writeFileSync(
  TS_PROBE,
  "process.on('exit', () => { const loaded = Object.keys(require.cache).some((k) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(k)); process.stderr.write(`typescript loaded: ${loaded}\\n`); });\n",
);
const probe = { NODE_OPTIONS: `--require ${TS_PROBE}` };

const CAPABILITIES = '\n## Capabilities\n\n- **Works** [@test](../test/mod.test.ts)\n  It works.\n';

/** A project with one spec whose `## API` block is `api` and one target file `src/mod.ts` holding `code`. */
function project(api: string, code: string, extra: Record<string, string> = {}): string {
  const root = tempProject();
  write(root, 'package.json', '{ "name": "shapes" }\n');
  write(
    root,
    'specs/mod.spec.md',
    `---\nname: Mod\ntargets:\n  - ../src/*.ts\n---\n# Mod\n\n## Capabilities\n\n- **Works** [@test](../test/mod.test.ts)\n  It works.\n\n## API\n\n\`\`\`ts\n${api}\n\`\`\`\n`,
  );
  write(root, 'src/mod.ts', code);
  write(root, 'test/mod.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
  for (const [file, text] of Object.entries(extra)) write(root, file, text);
  return root;
}

async function apiFindings(root: string, args: string[] = []) {
  const r = await sdna(['plan', '--root', root, '--json', '--no-cache', ...args], { root });
  expect(r.stderr).toBe('');
  const plan = JSON.parse(r.stdout) as { findings: { kind: string; file?: string; line?: number; symbol?: string; change?: string; code?: { file: string; line: number }; message: string; diff?: string }[] };
  return { code: r.code, findings: plan.findings.filter((f) => f.kind === 'api-drift' || f.kind === 'spec-error') };
}

/** The TypeScript lib files a plan of `root` read (none: it made no checker program), and its findings. */
async function libsRead(root: string): Promise<{ libs: string[]; findings: { message: string }[] }> {
  const libProbe = path.join(os.tmpdir(), `sdna-lib-probe-${process.pid}.cjs`);
  fs.writeFileSync(
    libProbe,
    "const fs = require('node:fs'); const read = fs.readFileSync; const seen = new Set();\n" +
      "fs.readFileSync = function (file, ...rest) { if (/lib\\.[\\w.]+\\.d\\.ts$/.test(String(file))) seen.add(require('node:path').basename(String(file))); return read.call(this, file, ...rest); };\n" +
      "process.on('exit', () => process.stderr.write(`lib read: ${[...seen].sort().join(' ')}\\n`));\n",
  );
  const r = await sdna(['plan', '--root', root, '--json', '--no-cache'], { root, env: { NODE_OPTIONS: `--require ${libProbe}` } });
  const libs = /lib read: (.*)/.exec(r.stderr)![1].split(' ').filter(Boolean);
  return { libs, findings: (JSON.parse(r.stdout) as { findings: { kind: string; message: string }[] }).findings.filter((f) => f.kind === 'api-drift') };
}

describe.concurrent('api-drift: each shape of drift', () => {
  it('only targets that name what a block declares or refers to are parsed, with the files they re-export from', async () => {
    const root = project(
      'export function take(key: string): boolean;\nexport function size(of: Bucket): number;',
      "export { impl as take } from './impl';\nexport { size } from './size';\n",
      {
        // Declares `take` under another name: reached through the re-export.
        'src/impl.ts': 'export function impl(key: string): number {\n  return key.length;\n}\n',
        'src/size.ts': "import type { Bucket } from './bucket';\nexport function size(of: Bucket): number {\n  return of.tokens;\n}\n",
        // Names only a type the block refers to.
        'src/bucket.ts': 'export interface Bucket {\n  tokens: number;\n}\n',
        // Names nothing the block does: not parsed, so its syntax error is not the API's concern.
        'src/unrelated.ts': 'export function (((\n',
      },
    );
    const { findings } = await apiFindings(root);
    expect(findings.map((f) => [f.symbol, f.change, f.code?.file])).toEqual([['take', 'changed', 'src/impl.ts']]);
  });

  it('a declaration no target exports: removed, with the targets named', async () => {
    const { code, findings } = await apiFindings(project('export function take(key: string): boolean;\nexport function give(key: string): void;', 'export function take(key: string): boolean {\n  return key.length > 0;\n}\n'));
    expect(code).toBe(1);
    expect(findings).toEqual([
      {
        kind: 'api-drift',
        category: 'drift',
        severity: 'error',
        spec: 'mod',
        file: 'specs/mod.spec.md',
        line: 17,
        symbol: 'give',
        change: 'removed',
        message: "no target exports `give` (targets: src/mod.ts); export it from one of the spec's targets, or take it out of the `## API` block",
        diff: '--- specs/mod.spec.md:17 (spec)\n+++ (no target exports it)\n@@ -1 +0,0 @@\n-export function give(key: string): void;',
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
  });

  it('a renamed parameter: changed, naming both names, with the code line', async () => {
    const { findings } = await apiFindings(project('export function take(key: string): boolean;', '\nexport function take(bucket: string): boolean {\n  return bucket.length > 0;\n}\n'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ symbol: 'take', change: 'changed', line: 16, code: { file: 'src/mod.ts', line: 2 } });
    expect(findings[0].message).toBe(
      '`take` in src/mod.ts:2 differs from the spec: parameter 1 is `key` in the spec, `bucket` in the code; change the code to match the `## API` block, or update the block if the code is right',
    );
    expect(findings[0].diff).toBe(
      '--- specs/mod.spec.md:16 (spec)\n+++ src/mod.ts:2 (code)\n@@ -1 +1 @@\n-export function take(key: string): boolean;\n+export function take(bucket: string): boolean;',
    );
  });

  it('parameters in another order', async () => {
    const { findings } = await apiFindings(project('export function move(from: string, to: number): void;', 'export function move(to: number, from: string): void {}\n'));
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual(['`move` in src/mod.ts:1 differs from the spec: the parameters are in another order: (from, to) in the spec, (to, from) in the code']);
  });

  it('optional in the spec, required in the code (a default value makes it optional)', async () => {
    const { findings } = await apiFindings(
      project('export function page(size?: number): number[];\nexport function limit(max: number): number;', 'export function page(size: number): number[] {\n  return [size];\n}\nexport function limit(max = 10): number {\n  return max;\n}\n'),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`page` in src/mod.ts:1 differs from the spec: parameter `size` is optional in the spec, required in the code',
      '`limit` in src/mod.ts:4 differs from the spec: parameter `max` is required in the spec, optional in the code',
    ]);
  });

  it('a missing or an extra parameter: removed or added', async () => {
    const { findings } = await apiFindings(
      project('export function a(x: string, y: string): void;\nexport function b(x: string): void;', 'export function a(x: string): void {}\nexport function b(x: string, y?: string): void {}\n'),
    );
    expect(findings.map((f) => [f.symbol, f.change, f.message.split('; ')[0].split(': ').slice(1).join(': ')])).toEqual([
      ['a', 'removed', 'the code lacks parameter `y`'],
      ['b', 'added', 'the code has an extra parameter `y`'],
    ]);
  });

  it('a changed return type, written or inferred, and a changed parameter type', async () => {
    const { findings } = await apiFindings(
      project(
        'export function count(): Promise<number>;\nexport function size(): number;\nexport function find(id: number): void;',
        "export async function count(): Promise<string> {\n  return '';\n}\nexport function size() {\n  return 'large';\n}\nexport function find(id: string): void {}\n",
      ),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`count` in src/mod.ts:1 differs from the spec: the return type is `Promise<number>` in the spec, `Promise<string>` in the code',
      '`size` in src/mod.ts:4 differs from the spec: the return type is `number` in the spec, `string` in the code',
      '`find` in src/mod.ts:7 differs from the spec: the type of parameter `id` is `number` in the spec, `string` in the code',
    ]);
    expect(findings[1].diff).toContain('+export function size(): string;');
  });

  it("two keyword types that differ are drift without TypeScript's checker; a keyword against a named type is settled by it", async () => {
    const api = 'export function find(id: number, all: boolean): void;\nexport interface Page {\n  size: number;\n}';
    const keywords = await libsRead(project(api, 'export function find(id: string, all: undefined): string {\n  return id;\n}\nexport interface Page {\n  size: bigint;\n}\n'));
    expect(keywords.libs).toEqual([]);
    expect(keywords.findings.map((f) => f.message.replace(/; change the code to match .*$/, ''))).toEqual([
      '`find` in src/mod.ts:1 differs from the spec: the type of parameter `id` is `number` in the spec, `string` in the code; the type of parameter `all` is `boolean` in the spec, `undefined` in the code; the return type is `void` in the spec, `string` in the code',
      '`Page` in src/mod.ts:4 differs from the spec: member `size`: the type is `number` in the spec, `bigint` in the code',
    ]);
    // `Size` is `number` by another name: only the checker can tell.
    const named = await libsRead(project('export function find(id: number): void;', 'type Size = number;\nexport function find(id: Size): void {}\n'));
    expect(named.libs).toContain('lib.es5.d.ts');
    expect(named.findings).toEqual([]);
  });

  it('a missing, an extra and a changed interface member, in one finding with the whole interface in the diff', async () => {
    const { findings } = await apiFindings(
      project('export interface User {\n  id: string;\n  name: string;\n  age?: number;\n}', 'export interface User {\n  id: string;\n  age: number;\n  email: string;\n}\n'),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ symbol: 'User', change: 'changed', line: 16 });
    expect(findings[0].message.split('; ').slice(0, 3)).toEqual([
      '`User` in src/mod.ts:1 differs from the spec: the code lacks member `name`',
      'member `age`: it is optional in the spec, required in the code',
      'the code has member `email`, which the spec does not declare',
    ]);
    expect(findings[0].diff).toBe(
      [
        '--- specs/mod.spec.md:16 (spec)',
        '+++ src/mod.ts:1 (code)',
        '@@ -1,5 +1,5 @@',
        ' export interface User {',
        '   id: string;',
        '-  name: string;',
        '-  age?: number;',
        '+  age: number;',
        '+  email: string;',
        ' }',
      ].join('\n'),
    );
  });

  it('class members: public methods and the constructor are compared, private ones are not', async () => {
    const { findings } = await apiFindings(
      project(
        'export declare class Cart {\n  private items;\n  constructor(owner: string);\n  add(sku: string): number;\n  clear(): void;\n}',
        'export class Cart {\n  private items: string[] = [];\n  constructor(private owner: string, limit?: number) {}\n  add(sku: string): number {\n    return this.items.push(sku);\n  }\n  #secret = 1;\n}\n',
      ),
    );
    expect(findings.map((f) => f.message.split(': ').slice(1).join(': ').split('; change')[0])).toEqual([
      'the constructor: the code has an extra parameter `limit`; the code lacks member `clear`',
    ]);
  });

  it('an unexported service interface lists module exports; a function-typed const counts as a function', async () => {
    const { findings } = await apiFindings(
      project(
        'interface Limiter {\n  take(key: string): boolean;\n  reset(key: string): void;\n  peek(key: string): number;\n}',
        'export const take = (key: string): boolean => key.length > 0;\nexport function reset(key: string, all?: boolean): void {}\n',
      ),
    );
    expect(findings.map((f) => [f.symbol, f.change, f.line])).toEqual([
      ['Limiter.reset', 'added', 18],
      ['Limiter.peek', 'removed', 19],
    ]);
    expect(findings[1].message).toContain('no target exports `peek`, which `Limiter` declares');
  });
});

describe.concurrent('api-drift: texts that differ but mean the same are not drift', () => {
  it('array and generic forms, member order and separators, union order, aliases, async, inference, interface vs type', async () => {
    const { findings } = await apiFindings(
      project(
        [
          'export type Id = string;',
          'export interface Page { items: string[]; next?: string }',
          'export type Status = "open" | "closed";',
          'export function list(filter: { status: Status; limit: number }): Array<Page>;',
          'export function get(id: string): Promise<Page | undefined>;',
          'export async function total(): Promise<number>;',
          'export function label(page: Page): string;',
          'export declare const LIMIT: number;',
          'export function each(fn: (page: Page) => void): ReadonlyArray<string>;',
        ].join('\n'),
        [
          "import type { Key } from './key';",
          'export type Id = Key;',
          'export type Page = {',
          '  next?: string,',
          '  items: Array<string>,',
          '};',
          "export type Status = 'closed' | 'open';",
          'export function list(filter: { limit: number, status: Status }): Page[] {',
          '  return [];',
          '}',
          'export async function get(id: Id): Promise<undefined | Page> {',
          '  return undefined;',
          '}',
          'export async function total(): Promise<number> {',
          '  return 1;',
          '}',
          'export const label = (page: Page) => page.items.join(", ");',
          'export const LIMIT = 50;',
          'export function each(fn: (p: Page) => void): readonly string[] {',
          '  return [];',
          '}',
          '',
        ].join('\n'),
        { 'src/key.ts': 'export type Key = string;\n' },
      ),
    );
    expect(findings).toEqual([]);
  });

  it('a type the checker infers from a body is read from that body; a declared return type needs none', async () => {
    const { findings } = await apiFindings(
      project(
        ['export function open(): { read(): string; size(): number };', 'export function named(): { name(): string; size(): number };'].join('\n'),
        [
          // `read` declares no return type: the checker infers `string` from its body.
          'export class Session {',
          "  read() { return 'text'; }",
          '  size(): number { return 1; }',
          '}',
          'export function open(): Session {',
          '  return new Session();',
          '}',
          '',
        ].join('\n'),
        {
          // Every return type declared: the checker reads none of these bodies, and finds `size` changed.
          'src/named.ts': ['export class Named {', "  name(): string { return 'n'; }", "  size(): string { return 's'; }", '}', 'export function named(): Named {', '  return new Named();', '}', ''].join('\n'),
        },
      ),
    );
    expect(findings.map((f) => [f.file, f.symbol])).toEqual([['specs/mod.spec.md', 'named']]);
    expect(findings[0].message).toContain('`named` in src/named.ts:5 differs from the spec: the return type is `{ name(): string; size(): number }` in the spec, `Named` in the code');
  });

  it("a type inferred through a bigint is inferred with BigInt's lib, whether the target or only a file it imports names one", async () => {
    const { findings } = await apiFindings(
      project(
        ['export function label(n: bigint): number;', 'export function wide(n: number): number;', 'export function plain(n: number): string;'].join('\n'),
        // Without the lib that declares BigInt's methods, each inferred type would be an error type, which proves no drift.
        ['export const label = (n: bigint) => n.toLocaleString();', "export { wide } from './wide';", 'export const plain = (n: number) => n.toFixed(1);', ''].join('\n'),
        { 'src/wide.ts': "import { toWide } from './convert';\nexport const wide = (n: number) => toWide(n);\n", 'src/convert.ts': 'export const toWide = (n: number) => BigInt(n).toLocaleString();\n' },
      ),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`label` in src/mod.ts:1 differs from the spec: the return type is `number` in the spec, `string` in the code',
      '`wide` in src/wide.ts:2 differs from the spec: the return type is `number` in the spec, `string` in the code',
    ]);
  });

  it("BigInt's lib asked for before a file that needs it is read: the program is made again with it", async () => {
    // The lib reference comes before the imports: TypeScript reads ES2020's lib, and BigInt's with it, before the file that names BigInt.
    const { findings } = await apiFindings(
      project(
        'export function wide(n: number): number;',
        "export { wide } from './wide';\n",
        {
          'src/wide.ts': '/// <reference lib="es2020" />\nimport { toWide } from \'./convert\';\nexport const wide = (n: number) => toWide(n);\n',
          'src/convert.ts': 'export const toWide = (n: number) => BigInt(n).toLocaleString();\n',
        },
      ),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual(['`wide` in src/wide.ts:3 differs from the spec: the return type is `number` in the spec, `string` in the code']);
  });

  it("BigInt's lib is read only by a plan whose checks may need it", async () => {
    // `Id` and `string` differ as text: the checker settles them.
    const plain = (await libsRead(project('export function get(id: string): number;', "type Id = string;\nexport function get(id: Id): number {\n  return 1;\n}\n"))).libs;
    const big = (await libsRead(project('export function get(id: string): bigint;', "type Id = string;\nexport function get(id: Id): bigint {\n  return 1n;\n}\n"))).libs;
    expect(plain).toContain('lib.es5.d.ts');
    expect(plain).not.toContain('lib.es2020.bigint.d.ts');
    expect(big).toEqual(expect.arrayContaining(['lib.es5.d.ts', 'lib.es2020.bigint.d.ts', 'lib.es2020.intl.d.ts']));
  });

  it("a property the code leaves untyped takes the type its constructor assigns, read from the constructor's body", async () => {
    const { findings } = await apiFindings(
      project(
        'export class Square {\n  area: number;\n  constructor(side: number);\n  grow(by: number): number;\n}',
        ['export class Square {', '  area;', '  constructor(side: number) {', '    this.area = side * side;', '  }', '  grow(by: number): number {', '    return this.area * by;', '  }', '}', ''].join('\n'),
      ),
    );
    expect(findings).toEqual([]);
  });

  it('a type the code leaves to inference from a package the checker does not see proves nothing; one it can infer is compared', async () => {
    const { findings } = await apiFindings(
      project(
        'export class Shell {\n  isSaving$: Observable<boolean>;\n  count: string;\n}',
        ["import { BehaviorSubject } from 'rxjs';", 'export class Shell {', '  private readonly saving = new BehaviorSubject<boolean>(false);', '  isSaving$ = this.saving.asObservable();', '  count = 1;', '}', ''].join('\n'),
      ),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual(['`Shell` in src/mod.ts:2 differs from the spec: member `count`: the type is `string` in the spec, `number` in the code']);
  });

  it("a JavaScript target's JSDoc types are its types: the same type is no drift, another one is", async () => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "jsdoc" }\n');
    write(root, 'specs/mod.spec.md', `---\nname: Mod\ntargets:\n  - ../src/*.js\n---\n# Mod\n${CAPABILITIES}\n## API\n\n\`\`\`ts\nexport function total(prices: number[]): number;\nexport function label(n: number): string;\n\`\`\`\n`);
    write(root, 'src/mod.js', '/**\n * @param {number[]} prices\n * @returns {number}\n */\nexport function total(prices) {\n  return prices.reduce((a, b) => a + b, 0);\n}\n\n/**\n * @param {number} n\n * @returns {number}\n */\nexport function label(n) {\n  return n;\n}\n');
    write(root, 'test/mod.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
    const { findings } = await apiFindings(root);
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual(['`label` in src/mod.js:13 differs from the spec: the return type is `string` in the spec, `number` in the code']);
  });

  it('but `any` is not the same as a real type, and a name no target resolves is compared as text', async () => {
    const { findings } = await apiFindings(
      project('export function parse(text: string): number;\nexport function load(id: string): Remote;', "import type { Other } from 'elsewhere';\nexport function parse(text: any): number {\n  return 1;\n}\nexport function load(id: string): Other {\n  return null!;\n}\n"),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`parse` in src/mod.ts:2 differs from the spec: the type of parameter `text` is `string` in the spec, `any` in the code',
      '`load` in src/mod.ts:5 differs from the spec: the return type is `Remote` in the spec, `Other` in the code',
    ]);
  });

  it('union members in another order are the same type, even where no target resolves a name', async () => {
    const { findings } = await apiFindings(
      project(
        'export function load(id: string): Promise<Remote | null>;\nexport function pick(r: Remote | undefined, n: number | string): void;\nexport function keep(r: Remote | null): void;',
        "import type { Remote } from 'elsewhere';\nexport function load(id: string): Promise<null | Remote> {\n  return null!;\n}\nexport function pick(r: undefined | Remote, n: string | number): void {}\nexport function keep(r: Remote | undefined): void {}\n",
      ),
    );
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`keep` in src/mod.ts:6 differs from the spec: the type of parameter `r` is `Remote | null` in the spec, `Remote | undefined` in the code',
    ]);
  });
});

describe.concurrent('api-drift: many specs, settled by several checker programs', () => {
  it('120 specs, each a target of its own that imports a shared type: a spelling is settled, a real change is drift, in every program', async () => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "many" }\n');
    write(root, 'src/shared.ts', 'export interface Item { id: string }\n');
    write(root, 'test/mod.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
    const changed = new Set([0, 59, 60, 119]);
    for (let i = 0; i < 120; i++) {
      write(
        root,
        `specs/m${i}.spec.md`,
        `---\nname: M${i}\ntargets:\n  - ../src/m${i}.ts\n  - ../src/load.ts\n  - ../src/shared.ts\n---\n# M${i}\n${CAPABILITIES}\n## API\n\n\`\`\`ts\nexport function list${i}(): Array<Item>;\n\`\`\`\n`,
      );
      // Inferred, through an import: only the checker can say what it returns.
      write(root, `src/m${i}.ts`, `import type { Item } from './shared';\nimport { load } from './load';\nexport function list${i}() {\n  return load${changed.has(i) ? '().map((x) => x.id)' : '()'};\n}\n`);
    }
    write(root, 'src/load.ts', "import type { Item } from './shared';\nexport function load(): Item[] {\n  return [];\n}\n");
    const { findings } = await apiFindings(root);
    expect(findings.map((f) => `${f.file}: ${f.message.split('; ')[0]}`).sort()).toEqual(
      [...changed].sort().map((i) => `specs/m${i}.spec.md: \`list${i}\` in src/m${i}.ts:3 differs from the spec: the return type is \`Array<Item>\` in the spec, \`string[]\` in the code`).sort(),
    );
  });
});

describe.concurrent('api-drift: a type the targets declare, spelled another way', () => {
  it('the spec names `User`; the code writes `models.User` or imports it under another name: not drift', async () => {
    const { findings } = await apiFindings(
      project(
        'export function get(id: string): Promise<User | null>;\nexport function save(user: User): void;\nexport function find(id: string): Account;',
        [
          "import * as models from './models';",
          "import type { User as Person } from './models';",
          'export async function get(id: string): Promise<null | models.User> {',
          '  return null;',
          '}',
          'export function save(user: Person): void {}',
          'export function find(id: string): models.User {',
          '  return null!;',
          '}',
          '',
        ].join('\n'),
        { 'src/models.ts': 'export interface User {\n  id: string;\n}\nexport interface Account {\n  id: string;\n  owner: string;\n}\n' },
      ),
    );
    // `Account` is a different type the targets declare: still drift.
    expect(findings.map((f) => f.message.split('; ')[0])).toEqual([
      '`find` in src/mod.ts:7 differs from the spec: the return type is `Account` in the spec, `models.User` in the code',
    ]);
  });
});

describe.concurrent('api-drift: bad input', () => {
  it('an `## API` block that is not TypeScript is a spec-error at its line; other specs are still compared', async () => {
    const root = project('export function take(key: string): boolean;', 'export function take(key: number): boolean {\n  return true;\n}\n');
    write(root, 'specs/broken.spec.md', `---\nname: Broken\ntargets:\n  - ../src/mod.ts\n---\n# Broken\n\n\`\`\`ts { .api }\nexport function take(key: string: boolean;\n\`\`\`\n${CAPABILITIES}`);
    const { findings } = await apiFindings(root);
    expect(findings.map((f) => [f.kind, f.line, f.message])).toEqual([
      [
        'spec-error',
        9,
        "the `## API` block is not valid TypeScript: ',' expected; write the block as TypeScript declarations, e.g. `export function take(key: string): boolean;`",
      ],
      ['api-drift', 16, expect.stringContaining('the type of parameter `key` is `string` in the spec, `number` in the code')],
    ]);
  });

  it('a target file that does not parse is reported once, however many specs target it; other targets are still compared', async () => {
    const root = project('export function take(key: string): boolean;\nexport function give(): void;', 'export function take(key: string): number {\n  return 1;\n}\n', {
      'src/broken.ts': 'export function give( {\n',
      'specs/other.spec.md': `---\nname: Other\ntargets:\n  - ../src/broken.ts\n---\n# Other\n\n## API\n\n\`\`\`ts\nexport function give(): void;\n\`\`\`\n${CAPABILITIES}`,
    });
    const { findings } = await apiFindings(root);
    expect(findings.map((f) => [f.kind, f.symbol ?? f.file, f.message.split('; ')[0]])).toEqual([
      ['api-drift', 'take', '`take` in src/mod.ts:1 differs from the spec: the return type is `boolean` in the spec, `number` in the code'],
      ['api-drift', 'src/broken.ts', "src/broken.ts does not parse as TypeScript ('}' expected), so its exports were not compared with any `## API` block"],
    ]);
  });

  it('a target that does not parse is reported under the same spec by a warm plan as by the cold one, whichever specs the cache knows', async () => {
    // Both specs name what src/broken.ts should declare; the cold plan reports it under the first, Mod.
    const root = project('export function take(key: string): boolean;\nexport function give(): void;', 'export function take(key: string): boolean {\n  return true;\n}\n', {
      'src/broken.ts': 'export function give( {\n',
      'specs/other.spec.md': `---\nname: Other\ntargets:\n  - ../src/broken.ts\n---\n# Other\n\n## API\n\n\`\`\`ts\nexport function give(): void;\n\`\`\`\n${CAPABILITIES}`,
    });
    fs.mkdirSync(path.join(root, 'node_modules'));
    const plan = async (...more: string[]) => (await sdna(['plan', '--root', root, '--json', ...more], { root })).stdout;
    await plan();
    // Mod's result is no longer cached; Other's still is.
    write(root, 'src/mod.ts', 'export function take(key: string): number {\n  return 1;\n}\n');
    const warm = await plan();
    expect(warm).toBe(await plan('--no-cache'));
    const broken = (JSON.parse(warm) as { findings: { file?: string; spec?: string }[] }).findings.filter((f) => f.file === 'src/broken.ts');
    expect(broken.map((f) => f.spec)).toEqual(['mod']);
  });

  it('a block in another language is not compared', async () => {
    const root = project('export function take(key: string): boolean;', 'export function take(key: string): boolean {\n  return true;\n}\n');
    write(root, 'specs/py.spec.md', `---\nname: Py\ntargets:\n  - ../src/mod.ts\n---\n# Py\n\n## API\n\n\`\`\`python\ndef take(key: str) -> bool: ...\n\`\`\`\n${CAPABILITIES}`);
    expect((await apiFindings(root)).findings).toEqual([]);
  });

  /** sdna as installed in a folder of its own, with `typescript` as given (none, or a stand-in). */
  async function planWithTypeScript(typescript?: Record<string, string>) {
    const copy = tempProject();
    fs.cpSync(path.join(REPO, 'dist'), path.join(copy, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(copy, 'package.json'));
    for (const [file, text] of Object.entries(typescript ?? {})) write(copy, `node_modules/typescript/${file}`, text);
    const root = path.join(FIXTURES, 'api-drift');
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(copy, 'dist/cli.cjs'), 'plan', '--root', root, '--no-cache'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('a TypeScript that cannot be loaded stops sdna with exit 2 and says how to recover', async () => {
    // Nothing above this copy holds `typescript`.
    const r = await planWithTypeScript();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "sdna: `## API` blocks need the `typescript` package, a dependency of sdna, which cannot be loaded (Cannot find module 'typescript'): reinstall sdna, or set rules: { \"api-drift\": \"off\" }\n",
    );
  });

  it('a TypeScript without the compiler API (typescript@7, the native compiler) stops sdna with exit 2', async () => {
    const r = await planWithTypeScript({ 'package.json': '{ "name": "typescript", "version": "7.0.0", "main": "index.js" }\n', 'index.js': "module.exports = { version: '7.0.0' };\n" });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: the `typescript` package sdna loaded (7.0.0) has no compiler API: sdna needs typescript 5 or 6\n');
  });

  it('`rules: { "api-drift": "off" }` turns the check off', async () => {
    const root = project('export function give(): void;', 'export const x = 1;\n');
    write(root, 'sdna.config.json', '{ "rules": { "api-drift": "off" } }\n');
    const r = await sdna(['plan', '--root', root, '--json', '--no-cache'], { root, env: probe });
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(r.stderr).toBe('typescript loaded: false\n');
  });
});

describe.concurrent('api-drift: TypeScript only when needed, results cached', () => {
  it('a plan without `## API` blocks never loads TypeScript', async () => {
    const r = await sdna(['plan', '--root', path.join(FIXTURES, 'untested-capability'), '--no-cache'], { env: probe });
    expect(r.stderr).toBe('typescript loaded: false\n');
  });

  it('a second plan on an unchanged project reuses every result without loading TypeScript; an edit is seen', async () => {
    const root = tempProject('api-drift');
    const cacheDir = path.join(root, '.cache');
    const args = ['plan', '--root', root, '--cache-dir', cacheDir];
    const cold = await sdna(args, { root, env: probe });
    expect(cold.stderr).toBe('typescript loaded: true\n');
    const warm = await sdna([...args, '--performance'], { root, env: probe });
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stderr).toMatch(/parse cache: .*: \d+ hits, 0 misses\n/);
    expect(warm.stderr).toContain('typescript loaded: false\n');

    fs.appendFileSync(path.join(root, 'src/orders/service.ts'), '\nexport function refundOrder(id: string, amount: number): Promise<void> {\n  return Promise.resolve();\n}\n');
    const edited = await sdna(args, { root, env: probe });
    expect(edited.stderr).toBe('typescript loaded: true\n');
    expect(edited.stdout).not.toContain('orders: refundOrder');
    expect(edited.stdout.split('\n').filter((l) => l.startsWith('~ orders:')).length).toBe(cold.stdout.split('\n').filter((l) => l.startsWith('~ orders:')).length - 1);
  });

  it("TypeScript's compiled code is kept in the cache folder and used by the next run that loads it; --no-cache keeps none", async () => {
    const root = tempProject('api-drift');
    const cacheDir = path.join(root, '.cache');
    const args = ['plan', '--root', root, '--cache-dir', cacheDir];
    const first = await sdna(args, { root });
    const kept = fs.readdirSync(cacheDir).filter((f) => f !== 'parse-cache.json');
    // V8's code cache for typescript.js, made as the run exits (with the compiler's functions the run compiled).
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^v8-typescript-${SMALL_PLAN_FLAGS}[0-9a-f]{16}\\.bin$`))]);
    const made = kept.map((f) => fs.statSync(path.join(cacheDir, f)).mtimeMs);
    fs.rmSync(path.join(cacheDir, 'parse-cache.json'));
    const second = await sdna(args, { root, env: probe });
    expect(second.stderr).toBe('typescript loaded: true\n');
    expect(second.stdout).toBe(first.stdout);
    expect(kept.map((f) => fs.statSync(path.join(cacheDir, f)).mtimeMs)).toEqual(made);
    const none = tempProject('api-drift');
    const off = await sdna(['plan', '--root', none, '--no-cache'], { root: none });
    expect(off.stdout).toBe(first.stdout.split(root).join(none));
    expect(fs.readdirSync(none).sort()).toEqual(fs.readdirSync(path.join(FIXTURES, 'api-drift')).sort());
  });
});

describe('api-drift: memory', () => {
  it("a finding's text is its own: the plan does not keep alive the whole text of the module made of each spec's blocks", async () => {
    const { createPlan, resolveConfig } = await import('../src/index.js');
    const { withV8Flag } = await import('../src/util/v8-flags.js');
    const gc = withV8Flag('--expose-gc', '--no-expose-gc', () => vm.runInNewContext('gc') as () => void);
    // Specs whose blocks are long; each finding shows the spec's `Array<number>` (a type the checker finds the same as `number[]`)
    // in the code's declaration, and V8 keeps a slice of 13 characters or more as a view of the text it was cut from.
    const projectOf = (padding: number) => {
      const root = tempProject();
      write(root, 'package.json', '{ "name": "long-blocks" }\n');
      for (let i = 0; i < 4; i++) {
        const block = `/* ${'x'.repeat(padding)} */\nexport function f(a: Record<string, number>, b: Array<number>): void;`;
        write(root, `specs/m${i}.spec.md`, `---\nname: M${i}\ntargets:\n  - ../src/m${i}.ts\n---\n# M${i}\n${CAPABILITIES}\n## API\n\n\`\`\`ts\n${block}\n\`\`\`\n`);
        write(root, `src/m${i}.ts`, 'export function f(a: Record<string, string>, b: number[]): void {}\n');
      }
      write(root, 'test/mod.test.ts', "import { it } from 'vitest';\nit('works', () => {});\n");
      return root;
    };
    const drifts = async (root: string) => (await createPlan(resolveConfig({}, undefined, root))).findings.filter((f) => f.kind === 'api-drift');
    // TypeScript and its lib loaded first, by a plan with the same differences to settle.
    expect(await drifts(projectOf(10))).toHaveLength(4);
    gc();
    const before = process.memoryUsage().heapUsed;
    const found = await drifts(projectOf(900_000));
    expect(found.map((f) => (f.data as { code: { decl: string[] } }).code.decl.join('\n'))).toEqual(Array(4).fill('export function f(a: Record<string, string>, b: Array<number>): void;'));
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(1 << 20);
  });
});

describe('normalizeType and unifiedDiff', () => {
  it('normalizes layout and separators only', () => {
    expect(normalizeType('{\n  a: string;\n  b?: Array< number >;\n}')).toBe('{ a: string; b?: Array<number> }');
    expect(normalizeType('{a: string, b: number,}')).toBe('{ a: string, b: number }');
    expect(normalizeType('`id-${ string }`')).toBe('`id-${ string }`');
    expect(normalizeType('Record<string, { }>')).toBe('Record<string, {}>');
  });

  it('prints removals before additions within a changed run, with context', () => {
    expect(unifiedDiff(['a', 'b', 'c'], ['a', 'B', 'c', 'd'], 'x', 'y')).toBe('--- x\n+++ y\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d');
  });
});
