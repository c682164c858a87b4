// The code a semantic check shows the model for one capability: not the
// repository, a slice. In this order, until the token budget is spent:
//   1. the declarations its tests import and use (what the tests exercise),
//   2. the declarations its spec's `## API` block names, in its targets,
//   3. the exported declarations of its targets whose names share words with
//      the capability's text,
//   4. the bodies of its linked tests.
// A slice is data: the same files give the same slice, byte for byte (pieces in
// a fixed order, no clock, no randomness).

import type * as TS from 'typescript';
import type { Ts } from '../api-drift/declarations.js';
import type { Capability, Spec, TestRef } from '../../model/model.js';
import type { GuardedReader } from '../../util/guarded.js';
import { extractTests, type StaticTest } from '../links/test-names.js';
import { tokenize } from '../import/tokens.js';

export type PieceKind = 'used-by-tests' | 'api' | 'terms' | 'test';

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
  ts: Ts;
  reader: GuardedReader;
  spec: Spec;
  capability: Capability;
  tests: readonly TestRef[];
  targets: readonly string[];
  /** Resolves an import written in `from` to a project file, or undefined (a package). */
  resolve: (from: string, specifier: string) => string | undefined;
  budget?: number;
}

interface Decl {
  name: string;
  exported: boolean;
  start: number;
  end: number;
}

/** One parse per file per run: the same target serves many capabilities. */
export class SourceFiles {
  private readonly parsed = new Map<string, { sf: TS.SourceFile; lines: string[]; decls: Decl[] } | null>();
  private readonly tests = new Map<string, StaticTest[]>();
  private readonly imports = new Map<string, Map<string, { file: string; imported: string }>>();

  constructor(
    private readonly ts: Ts,
    private readonly reader: GuardedReader,
  ) {}

  private readonly texts = new Map<string, string | null>();
  private readonly names = new Map<string, string[]>();
  private readonly words = new Map<string, string[]>();

  text(file: string): string | undefined {
    if (!this.texts.has(file)) this.texts.set(file, this.reader.tryText(file, /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ? 'test' : 'source') ?? null);
    return this.texts.get(file) ?? undefined;
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

  get(file: string): { sf: TS.SourceFile; lines: string[]; decls: Decl[] } | undefined {
    if (!this.parsed.has(file)) {
      const text = this.text(file);
      if (text === undefined) this.parsed.set(file, null);
      else {
        const sf = this.ts.createSourceFile(file, text, this.ts.ScriptTarget.Latest, true, /x$/.test(file) ? this.ts.ScriptKind.TSX : this.ts.ScriptKind.TS);
        this.parsed.set(file, { sf, lines: text.split(/\r?\n/), decls: topDeclarations(this.ts, sf) });
      }
    }
    return this.parsed.get(file) ?? undefined;
  }

  /** The tests a file declares (extracted once). */
  testsOf(file: string, text: string): StaticTest[] {
    let tests = this.tests.get(file);
    if (!tests) this.tests.set(file, (tests = extractTests(text).tests));
    return tests;
  }

  /** What a file imports, by local name (resolved once). */
  importsOf(file: string, sf: TS.SourceFile, resolve: SliceInput['resolve']): Map<string, { file: string; imported: string }> {
    let out = this.imports.get(file);
    if (!out) this.imports.set(file, (out = importsOf(this.ts, sf, file, resolve)));
    return out;
  }
}

function topDeclarations(ts: Ts, sf: TS.SourceFile): Decl[] {
  const out: Decl[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const at = { exported, start: lineOf(st.getStart(sf)), end: lineOf(st.getEnd()) };
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      out.push({ name: st.name.text, ...at });
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push({ name: d.name.text, ...at });
    }
  }
  return out;
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

/** The test call (`it(…)`, `test.each(…)(…)`) whose statement starts on `line`: it, and its first and last line. */
function testRange(ts: Ts, sf: TS.SourceFile, line: number): { node: TS.Node; start: number; end: number } | undefined {
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  let found: { node: TS.Node; start: number; end: number } | undefined;
  const visit = (node: TS.Node) => {
    if (found) return;
    if (ts.isExpressionStatement(node) && lineOf(node.getStart(sf)) === line) {
      found = { node, start: line, end: lineOf(node.getEnd()) };
      return;
    }
    // Only the nodes that span the line are entered.
    if (lineOf(node.getStart(sf)) <= line && lineOf(node.getEnd()) >= line) ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** Names a module imports, by the file they resolve to. */
function importsOf(ts: Ts, sf: TS.SourceFile, file: string, resolve: SliceInput['resolve']): Map<string, { file: string; imported: string }> {
  const out = new Map<string, { file: string; imported: string }>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause) continue;
    const target = resolve(file, st.moduleSpecifier.text);
    if (!target) continue;
    const clause = st.importClause;
    if (clause.name) out.set(clause.name.text, { file: target, imported: 'default' });
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) out.set(el.name.text, { file: target, imported: (el.propertyName ?? el.name).text });
    } else if (bindings && ts.isNamespaceImport(bindings)) {
      out.set(bindings.name.text, { file: target, imported: '*' });
    }
  }
  return out;
}

/** The capability's slice. */
export function buildSlice(input: SliceInput, files: SourceFiles): Slice {
  const { ts, spec, capability } = input;
  const candidates: SlicePiece[] = [];
  const piece = (file: string, d: { start: number; end: number }, kind: PieceKind, name: string): SlicePiece | undefined => {
    const source = files.get(file);
    return source && { file, start: d.start, lines: source.lines.slice(d.start - 1, d.end), kind, name };
  };

  // The tests: each linked test's body, or every test of a file linked whole.
  const testPieces: SlicePiece[] = [];
  const used: SlicePiece[] = [];
  const byFile = new Map<string, (string | undefined)[]>();
  for (const t of input.tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t.name]);
  for (const [file, names] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const source = files.get(file);
    if (!source) continue;
    const whole = names.includes(undefined);
    const wanted = new Set(names.filter((n): n is string => n !== undefined));
    const imports = files.importsOf(file, source.sf, input.resolve);
    for (const test of files.testsOf(file, source.sf.text)) {
      if (!whole && !wanted.has(test.fullName)) continue;
      const range = testRange(ts, source.sf, test.line);
      if (!range) continue;
      const body = piece(file, range, 'test', test.fullName);
      if (body) testPieces.push(body);
      // What the test uses of what its file imports.
      for (const id of identifiersIn(ts, range.node)) {
        const imp = imports.get(id);
        if (!imp) continue;
        const target = files.get(imp.file);
        // A namespace or default import names no declaration by itself; the slice takes named ones.
        const decl = target?.decls.find((d) => d.name === imp.imported);
        if (decl) {
          const p = piece(imp.file, decl, 'used-by-tests', decl.name);
          if (p) used.push(p);
        }
      }
    }
  }

  // The names the `## API` block declares, where the targets declare them.
  const apiNames = new Set<string>();
  for (const block of spec.api) {
    const sf = ts.createSourceFile('api.ts', block.code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const d of topDeclarations(ts, sf)) apiNames.add(d.name);
  }
  const api: SlicePiece[] = [];
  const terms: { p: SlicePiece; shared: number }[] = [];
  const words = new Set(tokenize(`${capability.name} ${capability.text}`));
  for (const file of [...input.targets].sort()) {
    if (!files.declaredNames(file).some((n) => apiNames.has(n) || files.wordsOf(n).some((w) => words.has(w)))) continue;
    const source = files.get(file);
    if (!source) continue;
    for (const d of source.decls) {
      if (apiNames.has(d.name)) {
        const p = piece(file, d, 'api', d.name);
        if (p) api.push(p);
      } else if (d.exported) {
        const shared = files.wordsOf(d.name).filter((w) => words.has(w)).length;
        const p = shared > 0 ? piece(file, d, 'terms', d.name) : undefined;
        if (p) terms.push({ p, shared });
      }
    }
  }
  terms.sort((a, b) => b.shared - a.shared || (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.p.start - b.p.start));
  candidates.push(...used, ...api, ...terms.slice(0, MAX_TERM_DECLS).map((t) => t.p), ...testPieces);

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

/** One piece as the model reads it: a delimited block of numbered lines. */
export function renderPiece(p: SlicePiece): string {
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
