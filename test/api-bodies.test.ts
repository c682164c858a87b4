// The API check reads a code file's declarations from its text with the
// function bodies blanked: it must read exactly what a parse of the whole text
// reads, on real code and on every shape that could fool the guess of where a
// body is (the guess is checked against the tree, and the whole text is parsed
// when it does not hold).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankRanges, bodyRanges } from '../src/checks/api-drift/bodies.js';
import { closingBrace } from '../src/util/js-scan.js';
import { withTypedBodiesBlanked } from '../src/checks/api-drift/checker.js';
import type * as TS from 'typescript';
import { forEachToken } from '../src/checks/links/js-lexer.js';
import { loadTypeScript, parseDeclarations, parseWhole } from '../src/checks/api-drift/declarations.js';
import { REPO } from './helpers.js';

const ts = loadTypeScript();

const codeFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => (e.isFile() && /\.(?:[cm]?ts|[cm]?js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.join(e.parentPath, e.name)] : []));

/** The `}` that closes the `{` at `open`, as the tokeniser pairs them: token by token. */
function tokenisedClose(text: string, open: number): number {
  let offset = 0;
  let depth = 0;
  let close = -1;
  forEachToken(text, (type, value) => {
    const at = offset;
    offset += value.length;
    if (close !== -1 || at < open) return;
    if (type === 'TemplateHead' || (type === 'Punctuator' && value === '{')) depth++;
    else if (type === 'TemplateTail' || (type === 'Punctuator' && value === '}')) {
      if (--depth === 0) close = at;
    }
  });
  return close;
}

/** The code between each blanked body's braces, as the guess found them. */
const blanked = (text: string) => bodyRanges(text)?.map(([open, close]) => text.slice(open, close + 1).replace(/\s+/g, ' '));

describe('api-drift: declarations read with function bodies blanked', () => {
  it("reads every code file of this repository's source, tests and benchmarks as the whole text does", () => {
    const files = [...codeFiles(path.join(REPO, 'src')), ...codeFiles(path.join(REPO, 'test')), ...codeFiles(path.join(REPO, 'bench'))];
    expect(files.length).toBeGreaterThan(150);
    const differ = files.filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return JSON.stringify(parseDeclarations(ts, file, text)) !== JSON.stringify(parseWhole(ts, file, text));
    });
    expect(differ).toEqual([]);
  });

  it('blanks the bodies of functions, methods, accessors and arrows, with or without a return type, and nothing else', () => {
    const text = [
      'export function a(x: number): { y: string } { return { y: String(x) }; }',
      'export const b = (x: number): Promise<{ z: 1 }> => { if (x) { return go(`${x}}`); } return none(/{/); };',
      'export class C extends Base { constructor() { super(); } get v(): number { return 1 } m(): () => { w: 1 } { return f; } p = () => { "}"; }; }',
      'export type F = (a: number) => { ok: boolean };',
      'export interface I { m(): { a: 1 }; n(): void }',
      'if (x) { y(); }',
    ].join('\n');
    expect(blanked(text)).toEqual([
      '{ return { y: String(x) }; }',
      '{ if (x) { return go(`${x}}`); } return none(/{/); }',
      '{ super(); }',
      '{ return 1 }',
      '{ return f; }',
      '{ "}"; }',
      // An arrow's object type looks like an arrow's body: the tree shows it is not, and the text is parsed whole.
      '{ ok: boolean }',
    ]);
    expect(parseDeclarations(ts, 'a.ts', text)).toEqual(parseWhole(ts, 'a.ts', text));
  });

  it('parses the whole text where a blanked block would change what is read, or the braces do not pair up', () => {
    const cases = [
      // A class body that follows a call (a mixin): blanked, it would lose its members.
      'export class A extends mixin(Base) { m(): string { return "a"; } }',
      // A default value's function is printed with the parameter.
      'export function f({ g = () => { return 1; } }): void { g(); }',
      // A class decorated with a call that takes a function.
      '@register(() => { return 1; })\nexport class D { n(): number { return 2; } }',
      // Unbalanced: the file does not parse, and says so.
      'export function broken( {\n',
      // A syntax error before any body.
      'export const = 1;\nexport function ok(): void { }',
    ];
    for (const text of cases) expect(parseDeclarations(ts, 'a.ts', text)).toEqual(parseWhole(ts, 'a.ts', text));
    expect(parseDeclarations(ts, 'a.ts', 'export function broken( {\n').problem?.message).toBe("'}' expected");
  });

  it('keeps every offset: what is left is the text with spaces where the bodies were', () => {
    const text = 'export function a() {\n  return 1;\n}\nexport const b = 2;\n';
    const out = blankRanges(text, bodyRanges(text)!);
    expect(out).toHaveLength(text.length);
    expect(out).toBe(`export function a() {${' '.repeat(13)}}\nexport const b = 2;\n`);
    const read = parseDeclarations(ts, 'a.ts', text);
    expect(read.decls.map((d) => [d.name, d.start])).toEqual([
      ['a', 0],
      ['b', 36],
    ]);
    expect(read).toEqual(parseWhole(ts, 'a.ts', text));
  });

  it('a syntax error inside a function body bears on no declaration: the exports are read, from the blanked text or the whole one', () => {
    const text = "export function render(rows: number[]): string {\n  return rows.map((r) => `${r}`.join('\\n');\n}\nexport const n = 1;\n";
    for (const file of ['a.ts', 'a.tsx']) {
      const read = parseDeclarations(ts, file, text);
      expect(read.problem).toBeUndefined();
      expect(read.decls.map((d) => d.name)).toEqual(['render', 'n']);
      expect(read).toEqual(parseWhole(ts, file, text));
    }
  });

  it("pairs a body's braces as the tokeniser does, on this repository's code and on strings, templates, comments and regular expressions", () => {
    const files = [...codeFiles(path.join(REPO, 'src')), ...codeFiles(path.join(REPO, 'test')), ...codeFiles(path.join(REPO, 'bench'))];
    let bodies = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [open, close] of bodyRanges(text) ?? []) {
        expect([file, open, close]).toEqual([file, open, tokenisedClose(text, open)]);
        bodies++;
      }
    }
    expect(bodies).toBeGreaterThan(500);
    const shapes = [
      "{ return '}' + \"{\" + '\\'}'; }",
      '{ return `a}${ { b: `}${c}}` }.b }}`; }',
      '{ // }\n /* } */ return 1; }',
      '{ const r = /[}/]\\}/g; return r.test(s) ? a / b / c : typeof /}/; }',
      '{ if (x) { return (y) / 2; } else { return [z] / 2; } }',
      '{ return a++ / 2 + `${ `${"}"}` }`; }',
    ];
    for (const body of shapes) {
      const text = `function f() ${body}\nexport const after = 1;\n`;
      expect([body, closingBrace(text, 13)]).toEqual([body, tokenisedClose(text, 13)]);
      expect(closingBrace(text, 13)).toBe(13 + body.length - 1);
    }
    // Unclosed: no pairing, and the text is parsed whole.
    for (const text of ['function f() { return `${x}', 'function f() { /* ', 'function f() { {']) expect(closingBrace(text, 13)).toBe(-1);
  });

  it('reads what lies between bodies token by token: templates, regular expressions, comments and operators there do not fool it', () => {
    const text = [
      '#!/usr/bin/env node',
      "export const a = `${'{'}${`}`}` + '{';",
      'const re = /[{(]/g, half = 1 / 2 / 3; // { (',
      '/* } ) */ let n = 1; n >>>= 2; n ??= 3; const o = a?.length, p = true ? .5 : 1;',
      'export function f(x: Map<string, Set<number>>): Array<Set<string>> { return go(`${x}`); }',
      'export const g = async (y = { z: 1 }): Promise<{ w: 1 }> => { return y; };',
    ].join('\n');
    expect(blanked(text)).toEqual(['{ return go(`${x}`); }', '{ return y; }']);
    expect(parseDeclarations(ts, 'a.ts', text)).toEqual(parseWhole(ts, 'a.ts', text));
    // Decorators are read; what it does not read (an escape in a name) leaves the text whole.
    const decorated = "@Component({ selector: 'x' })\nexport class C {\n  @Input() name = '';\n  @HostListener('click') m(): void { go(); }\n}";
    expect(blanked(decorated)).toEqual(['{ go(); }']);
    expect(parseDeclarations(ts, 'a.ts', decorated)).toEqual(parseWhole(ts, 'a.ts', decorated));
    const escaped = 'export const \\u0061 = 1;\nexport function f(): void { }';
    expect(bodyRanges(escaped)).toBeUndefined();
    expect(parseDeclarations(ts, 'a.ts', escaped)).toEqual(parseWhole(ts, 'a.ts', escaped));
  });

  it("gives the type checker the same exported types with the bodies it blanks as the whole text does, on this repository's source", () => {
    const options: TS.CompilerOptions = { noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts'], types: [] };
    const libs = new Map<string, TS.SourceFile | undefined>();
    /** Each export's type, and each property's of an exported class or interface, as the checker reads them from `sf` alone. */
    const exported = (sf: TS.SourceFile): string[] => {
      const host = ts.createCompilerHost(options, true);
      const lib = host.getSourceFile.bind(host);
      host.getSourceFile = (f, version) => (f === sf.fileName ? sf : libs.has(f) ? libs.get(f) : libs.set(f, f.includes('/typescript/lib/') ? lib(f, version) : undefined).get(f));
      const program = ts.createProgram({ rootNames: [sf.fileName], options, host });
      const checker = program.getTypeChecker();
      const module = checker.getSymbolAtLocation(program.getSourceFile(sf.fileName)!);
      // A unique symbol's property is named by the symbol's id in its program: left out.
      const text = (t: TS.Type) => checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
      return (module ? checker.getExportsOfModule(module) : []).flatMap((sym) => {
        const decl = sym.valueDeclaration ?? sym.declarations![0];
        const own = ts.SymbolFlags.Class | ts.SymbolFlags.Interface;
        const members = sym.flags & own ? checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)).filter((p) => !p.name.startsWith('__@')) : [];
        return [`${sym.name}: ${text(checker.getTypeOfSymbolAtLocation(sym, decl))}`, ...members.map((p) => `${sym.name}.${p.name}: ${text(checker.getTypeOfSymbolAtLocation(p, decl))}`)];
      });
    };
    let read = 0;
    for (const file of codeFiles(path.join(REPO, 'src')).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(file, 'utf8');
      const blanked = withTypedBodiesBlanked(ts, file, text, ts.ScriptTarget.ES2022);
      if (!blanked) continue;
      expect([file, exported(blanked)]).toEqual([file, exported(ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true))]);
      read++;
    }
    expect(read).toBeGreaterThan(30);
  });

  it('checks 100,000 blanked blocks in statements it skips in time linear in the file (pairing each with a search of the statements took half a minute)', () => {
    const text = `${'go(() => { return 1; });\n'.repeat(100_000)}export function f(): void { }\n`;
    expect(parseDeclarations(ts, 'a.ts', text).decls.map((d) => d.name)).toEqual(['f']);
  }, 15_000);

  it('reads a line of unclosed regular expressions once: each ends at the line break, as the tokeniser reads it', () => {
    const line = '(/['.repeat(30_000);
    const body = `function f() {${line}\n}`;
    expect(closingBrace(body, 13)).toBe(body.length - 1);
    expect(bodyRanges(`const a = ${line}\nexport function f(): void { }\n`)).toBeUndefined();
    // A tenth of a second; taken for divisions, each `/` scanned on to the line's end: 14 s.
  }, 5_000);

  it('leaves JSX files whole: their text is not JavaScript to a tokeniser', () => {
    const text = "export function Hello(): JSX.Element { return <p>Don't {'}'}</p>; }\n";
    expect(parseDeclarations(ts, 'a.tsx', text)).toEqual(parseWhole(ts, 'a.tsx', text));
  });
});
