// The code a semantic check shows the model for one capability: not the
// repository, a slice. In this order, until the token budget is spent:
//   1. the declarations its tests import and use (what the tests exercise),
//   2. the declarations its spec's `## API` block names, in its targets,
//   3. the declarations of their own modules that those of 1 call, one level
//      deep (an unexported helper often holds the rule itself),
//   4. the exported declarations of its targets whose names share words with
//      the capability's text,
//   5. the bodies of its linked tests.
// A slice is data: the same files give the same slice, byte for byte (pieces in
// a fixed order, no clock, no randomness).

import type * as TS from 'typescript';
import type { Ts } from '../api-drift/declarations.js';
import type { Capability, Spec, TestRef } from '../../model/model.js';
import type { GuardedReader } from '../../util/guarded.js';
import { contentKey, type ParseCache } from '../../artifacts/cache.js';
import { extractTests } from '../links/test-names.js';
import { tokenize } from '../import/tokens.js';

export type PieceKind = 'used-by-tests' | 'called' | 'api' | 'terms' | 'test';

export interface SlicePiece {
  file: string;
  /** 1-based line of the first of `lines`. */
  start: number;
  lines: string[];
  kind: PieceKind;
  /** The declaration's or test's name. */
  name: string;
}

export interface Slice {
  pieces: SlicePiece[];
  /** Estimated tokens of the rendered slice (4 characters a token). */
  tokens: number;
  /** Pieces that did not fit the budget. */
  left: number;
}

export const DEFAULT_SLICE_TOKENS = 6000;
/** At most this many declarations chosen by shared words, the closest first. */
const MAX_TERM_DECLS = 8;

const estimate = (text: string) => Math.ceil(text.length / 4);
const DECLARED = /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;

export interface SliceInput {
  spec: Spec;
  capability: Capability;
  tests: readonly TestRef[];
  targets: readonly string[];
  budget?: number;
}

interface Decl {
  name: string;
  exported: boolean;
  start: number;
  end: number;
  /** The file's other top-level declarations this one mentions (the helpers it calls). */
  calls: string[];
}

/** What the slice needs of a file, kept in the parse cache by the file's content: an unchanged file is never parsed again. */
export interface Outline {
  /** Its top-level declarations. */
  decls: Decl[];
  /** Its imports: the local name, the module as written, the name imported there (`default`, `*`). */
  imports: [local: string, specifier: string, imported: string][];
}

/** A test of a linked test file: where its call statement runs, and which imported names it mentions. */
export interface TestOutline {
  fullName: string;
  start: number;
  end: number;
  uses: string[];
}

export interface SourceFilesInput {
  reader: GuardedReader;
  /** TypeScript, loaded the first time a file must be parsed. */
  ts: () => Ts;
  /** Resolves an import written in `from` to a project file, or undefined (a package). */
  resolve: (from: string, specifier: string) => string | undefined;
  /** Outlines by content hash, across runs. */
  cache?: { hashOf: (file: string) => string; parseCache: ParseCache };
}

/** What a helper thread has parsed, or is parsing, for this run. */
export interface OutlinesAhead {
  /** The outline of `kind` (`outline`, `tests`) for `file`, if it has one. */
  get(kind: OutlineKind, file: string): unknown;
}

export type OutlineKind = 'outline' | 'tests' | 'api';

/** How a file is read: as a test or as source (their size caps differ). */
export const readKindOf = (file: string) => (/\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ? 'test' : 'source');

/** The names an `## API` block declares. */
export function apiNamesOf(ts: Ts, code: string): string[] {
  return topDeclarations(ts, ts.createSourceFile('api.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)).map((d) => d.name);
}

/** One read and at most one parse per file per run (none for a file whose outline is cached): the same target serves many capabilities. */
export class SourceFiles {
  private readonly texts = new Map<string, string | null>();
  private readonly lines = new Map<string, string[]>();
  private readonly names = new Map<string, string[]>();
  private readonly words = new Map<string, string[]>();
  private readonly outlines = new Map<string, Outline | null>();
  private readonly testOutlines = new Map<string, TestOutline[]>();
  private readonly resolved = new Map<string, Map<string, { file: string; imported: string }>>();
  private readonly api = new Map<Spec, Set<string>>();
  /** The last tree parsed, for a file asked for both outlines; no other tree is kept. */
  private last: { file: string; sf: TS.SourceFile } | undefined;

  /** Outlines another thread computes ahead (./outline-worker.ts), by `kind` and file. */
  ahead: OutlinesAhead | undefined;

  constructor(private readonly input: SourceFilesInput) {}

  text(file: string): string | undefined {
    if (!this.texts.has(file)) this.texts.set(file, this.input.reader.tryText(file, readKindOf(file)) ?? null);
    return this.texts.get(file) ?? undefined;
  }

  linesOf(file: string): string[] {
    let out = this.lines.get(file);
    if (!out) this.lines.set(file, (out = (this.text(file) ?? '').split(/\r?\n/)));
    return out;
  }

  /**
   * Names declared at the start of a line (`export function total`): a cheap
   * look before parsing, so that a target with nothing for a capability is
   * never parsed for it.
   */
  declaredNames(file: string): string[] {
    let out = this.names.get(file);
    if (!out) {
      const text = this.text(file) ?? '';
      this.names.set(file, (out = [...text.matchAll(DECLARED)].map((m) => m[1])));
    }
    return out;
  }

  /** A name's words (`parseShortCode` → parse, short, code), tokenised once. */
  wordsOf(name: string): string[] {
    let out = this.words.get(name);
    if (!out) this.words.set(name, (out = tokenize(name)));
    return out;
  }

  /** The file's declarations and imports, or undefined when it cannot be read. */
  outline(file: string): Outline | undefined {
    if (!this.outlines.has(file)) this.outlines.set(file, this.cached('outline', file, outlineOf) ?? null);
    return this.outlines.get(file) ?? undefined;
  }

  /** The tests a linked test file declares, each with its range and what it uses of the file's imports. */
  testsOf(file: string): TestOutline[] {
    let out = this.testOutlines.get(file);
    if (!out) {
      const imported = new Set(this.outline(file)?.imports.map(([local]) => local));
      this.testOutlines.set(file, (out = this.cached('tests', file, (ts, sf) => testOutlines(ts, sf, imported)) ?? []));
    }
    return out;
  }

  /** What a file imports, by local name, resolved to project files. */
  importsOf(file: string): Map<string, { file: string; imported: string }> {
    let out = this.resolved.get(file);
    if (!out) {
      out = new Map();
      for (const [local, specifier, imported] of this.outline(file)?.imports ?? []) {
        const target = this.input.resolve(file, specifier);
        if (target) out.set(local, { file: target, imported });
      }
      this.resolved.set(file, out);
    }
    return out;
  }

  /** The names a spec's `## API` blocks declare (parsed once per spec, not per capability). */
  apiNames(spec: Spec): Set<string> {
    let out = this.api.get(spec);
    if (!out) {
      out = new Set();
      for (const block of spec.api) {
        const parse = () => (this.ahead?.get('api', block.code) as string[] | undefined) ?? apiNamesOf(this.input.ts(), block.code);
        // By the block's text: an unchanged block is not parsed again (nor TypeScript loaded for it).
        const { cache } = this.input;
        for (const name of cache ? cache.parseCache.through('slice-api-names', apiKey(block.code), parse) : parse()) out.add(name);
      }
      this.api.set(spec, out);
    }
    return out;
  }

  /** What parsing ahead should cover of these files and blocks: those whose outlines the cache does not have. */
  unparsed(files: readonly { file: string; tests: boolean }[], blocks: readonly string[]): { files: { file: string; tests: boolean }[]; blocks: string[] } {
    const { cache } = this.input;
    if (!cache) return { files: [...files], blocks: [...blocks] };
    const has = (kind: string, key: string) => cache.parseCache.peek(kind, key);
    return {
      files: files.filter(({ file, tests }) => !has(`slice-outline-${OUTLINE_FORMAT}`, cache.hashOf(file)) || (tests && !has(`slice-tests-${OUTLINE_FORMAT}`, cache.hashOf(file)))),
      blocks: blocks.filter((code) => !has('slice-api-names', apiKey(code))),
    };
  }

  private cached<T>(kind: OutlineKind, file: string, compute: (ts: Ts, sf: TS.SourceFile) => T): T | undefined {
    const text = this.text(file);
    if (text === undefined) return undefined;
    const run = () => {
      const done = this.ahead?.get(kind, file);
      if (done !== undefined) return done as T;
      const ts = this.input.ts();
      if (this.last?.file !== file) {
        this.last = { file, sf: parseSource(ts, file, text) };
      }
      return compute(ts, this.last.sf);
    };
    const { cache } = this.input;
    return cache ? cache.parseCache.through(`slice-${kind}-${OUTLINE_FORMAT}`, cache.hashOf(file), run) : run();
  }
}

const apiKey = (code: string) => contentKey(code);

/** Bumped when an outline's form changes: outlines cached in another form are not used. */
const OUTLINE_FORMAT = 2;

/** No parent pointers and no JSDoc: every walk here passes the source file, and comments are shown as lines. */
export function parseSource(ts: Ts, file: string, text: string): TS.SourceFile {
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  return ts.createSourceFile(file, text, options, false, /x$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

export function outlineOf(ts: Ts, sf: TS.SourceFile): Outline {
  return { decls: topDeclarations(ts, sf), imports: importsIn(ts, sf) };
}

function topDeclarations(ts: Ts, sf: TS.SourceFile): Decl[] {
  const out: (Decl & { node: TS.Node })[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const at = { exported, start: lineOf(st.getStart(sf)), end: lineOf(st.getEnd()), calls: [], node: st };
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      out.push({ name: st.name.text, ...at });
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push({ name: d.name.text, ...at });
    }
  }
  const names = new Set(out.map((d) => d.name));
  return out.map(({ node, ...d }) => ({ ...d, calls: [...identifiersIn(ts, node)].filter((id) => id !== d.name && names.has(id)).sort() }));
}

/** The identifiers a node mentions. */
function identifiersIn(ts: Ts, node: TS.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: TS.Node) => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** Each test's call statement (`it(…)`, `test.each(…)(…)`): its lines, and the imported names it mentions. */
export function testOutlines(ts: Ts, sf: TS.SourceFile, imported: ReadonlySet<string>): TestOutline[] {
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const out: TestOutline[] = [];
  for (const test of extractTests(sf.text).tests) {
    let found: TS.Node | undefined;
    const visit = (node: TS.Node) => {
      if (found) return;
      if (ts.isExpressionStatement(node) && lineOf(node.getStart(sf)) === test.line) {
        found = node;
        return;
      }
      // Only the nodes that span the line are entered.
      if (lineOf(node.getStart(sf)) <= test.line && lineOf(node.getEnd()) >= test.line) ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
    if (!found) continue;
    const uses = [...identifiersIn(ts, found)].filter((id) => imported.has(id)).sort();
    out.push({ fullName: test.fullName, start: test.line, end: lineOf(found.getEnd()), uses });
  }
  return out;
}

/** What a module imports: [local name, module as written, name imported]. */
function importsIn(ts: Ts, sf: TS.SourceFile): Outline['imports'] {
  const out: Outline['imports'] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause) continue;
    const specifier = st.moduleSpecifier.text;
    const clause = st.importClause;
    if (clause.name) out.push([clause.name.text, specifier, 'default']);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) out.push([el.name.text, specifier, (el.propertyName ?? el.name).text]);
    } else if (bindings && ts.isNamespaceImport(bindings)) {
      out.push([bindings.name.text, specifier, '*']);
    }
  }
  return out;
}

/** The capability's slice. */
export function buildSlice(input: SliceInput, files: SourceFiles): Slice {
  const { spec, capability } = input;
  const candidates: SlicePiece[] = [];
  const piece = (file: string, d: { start: number; end: number }, kind: PieceKind, name: string): SlicePiece => ({ file, start: d.start, lines: files.linesOf(file).slice(d.start - 1, d.end), kind, name });

  // The tests: each linked test's body, or every test of a file linked whole.
  const testPieces: SlicePiece[] = [];
  const used: SlicePiece[] = [];
  const called: SlicePiece[] = [];
  const byFile = new Map<string, (string | undefined)[]>();
  for (const t of input.tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t.name]);
  for (const [file, names] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (files.text(file) === undefined) continue;
    const whole = names.includes(undefined);
    const wanted = new Set(names.filter((n): n is string => n !== undefined));
    const imports = files.importsOf(file);
    for (const test of files.testsOf(file)) {
      if (!whole && !wanted.has(test.fullName)) continue;
      testPieces.push(piece(file, test, 'test', test.fullName));
      // What the test uses of what its file imports.
      for (const id of test.uses) {
        const imp = imports.get(id);
        if (!imp) continue;
        // A namespace or default import names no declaration by itself; the slice takes named ones.
        const decls = files.outline(imp.file)?.decls ?? [];
        const decl = decls.find((d) => d.name === imp.imported);
        if (!decl) continue;
        used.push(piece(imp.file, decl, 'used-by-tests', decl.name));
        // What it calls in its own module (unexported helpers most often hold the rule itself): one level deep.
        for (const name of decl.calls) {
          const callee = decls.find((d) => d.name === name);
          if (callee) called.push(piece(imp.file, callee, 'called', callee.name));
        }
      }
    }
  }

  // The names the `## API` block declares, where the targets declare them.
  const apiNames = files.apiNames(spec);
  const api: SlicePiece[] = [];
  const terms: { p: SlicePiece; shared: number }[] = [];
  const words = new Set(tokenize(`${capability.name} ${capability.text}`));
  for (const file of [...input.targets].sort()) {
    if (!files.declaredNames(file).some((n) => apiNames.has(n) || files.wordsOf(n).some((w) => words.has(w)))) continue;
    for (const d of files.outline(file)?.decls ?? []) {
      if (apiNames.has(d.name)) api.push(piece(file, d, 'api', d.name));
      else if (d.exported) {
        const shared = files.wordsOf(d.name).filter((w) => words.has(w)).length;
        if (shared > 0) terms.push({ p: piece(file, d, 'terms', d.name), shared });
      }
    }
  }
  terms.sort((a, b) => b.shared - a.shared || (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.p.start - b.p.start));
  candidates.push(...used, ...api, ...called, ...terms.slice(0, MAX_TERM_DECLS).map((t) => t.p), ...testPieces);

  // Each place once (a declaration both used and named by the API comes first as used), within the budget.
  const budget = input.budget ?? DEFAULT_SLICE_TOKENS;
  const seen = new Set<string>();
  const pieces: SlicePiece[] = [];
  let tokens = 0;
  let left = 0;
  for (const p of candidates) {
    const key = `${p.file}:${p.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cost = estimate(renderPiece(p));
    if (tokens + cost > budget) {
      left++;
      continue;
    }
    tokens += cost;
    pieces.push(p);
  }
  return { pieces, tokens, left };
}

const rendered = new WeakMap<SlicePiece, string>();

/** One piece as the model reads it: a delimited block of numbered lines (rendered once: the budget weighs it, the request shows it). */
export function renderPiece(p: SlicePiece): string {
  let text = rendered.get(p);
  if (text === undefined) rendered.set(p, (text = render(p)));
  return text;
}

function render(p: SlicePiece): string {
  const end = p.start + p.lines.length - 1;
  const body = p.lines.map((l, i) => `${p.start + i}| ${l}`).join('\n');
  return `<file path="${attr(p.file)}" lines="${p.start}-${end}" shows="${p.kind}: ${attr(p.name)}">\n${neutralize(body)}\n</file>`;
}

export function renderSlice(slice: Slice): string {
  return slice.pieces.map(renderPiece).join('\n');
}

const attr = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/**
 * Text inside a data block can never close it: a `</` in code or spec text
 * (`</file>`, `</code_data>`) is written `<\/`. Quotes are compared on the
 * original text, so evidence is unaffected.
 */
export function neutralize(text: string): string {
  return text.replace(/<\//g, '<\\/');
}
