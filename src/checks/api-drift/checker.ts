// Settles provisional differences with the TypeScript type checker: two type
// texts that differ but are mutually assignable (`string[]` and `Array<string>`,
// an alias and what it names) are not drift, and a type the code leaves to
// inference is inferred. One program serves a batch of checks; it sees the
// API blocks, the target files of the specs being checked and TypeScript's own
// lib, and nothing else, so a result depends only on what the cache key holds.

import path from 'node:path';
import type * as TS from 'typescript';
import type { Span, Ts } from './declarations.js';
import { oneLine, parseBlanked, scriptKind } from './declarations.js';
import type { BodyRange } from './bodies.js';
import type { TypeCheck } from './compare.js';

export interface CheckJob {
  /** The API blocks of one spec, as a module placed beside the spec (root-relative path). */
  specModule: string;
  specText: string;
  /** The target file that declares the code side (root-relative). */
  codeFile: string;
  check: TypeCheck;
}

export interface CheckResult {
  /** Mutually assignable (or, for an inferred type, the same text). */
  same: boolean;
  /** The code's type as written or inferred. */
  code: string;
}

const OPTIONS = {
  noEmit: true,
  strict: true,
  skipLibCheck: true,
  allowJs: true,
  allowImportingTsExtensions: true,
  types: [] as string[],
  // The types API signatures name (Promise, Map, Iterable, Partial…), without
  // the rest of ES2023's 62 lib files, which would cost 0.1 s to parse and bind.
  lib: [
    'lib.es5.d.ts',
    'lib.es2015.collection.d.ts',
    'lib.es2015.generator.d.ts',
    'lib.es2015.iterable.d.ts',
    'lib.es2015.promise.d.ts',
    'lib.es2015.symbol.d.ts',
    'lib.es2015.symbol.wellknown.d.ts',
    'lib.es2018.asyncgenerator.d.ts',
    'lib.es2018.asynciterable.d.ts',
    'lib.es2020.bigint.d.ts',
  ],
};

/** Lib files parse once per process (watch mode checks again and again). */
const libFiles = new Map<string, TS.SourceFile>();

/**
 * BigInt's lib and the Intl parts it references: 63 of the lib's 344 KB, and
 * about 10 ms of a program's parse and bind, which only a program that
 * names a bigint, or what that lib declares or extends, needs. Matched
 * loosely (any `bigint`, `BigInt…`, a literal such as `1n`): a needless match
 * only costs that time.
 */
const BIGINT_LIB = 'lib.es2020.bigint.d.ts';
const MAY_NEED_BIGINT = /bigint|BigU?[Ii]nt|DataView|Intl|\dn\b/;

export function runChecks(ts: Ts, root: string, jobs: CheckJob[], allowed: Set<string>, readText: (file: string) => string | undefined): CheckResult[] {
  const options: TS.CompilerOptions = {
    ...OPTIONS,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve,
  };
  const abs = (file: string) => path.posix.join(root, file);
  const virtual = new Map<string, string>();
  const extra = new Map<string, string[]>();
  let brands = 0;
  const alias = (file: string, id: string, text: string, scope: string[]) => {
    brands = Math.max(brands, scope.length);
    extra.set(file, [...(extra.get(file) ?? []), `type ${id} = ${brand(text, scope)};`]);
  };
  jobs.forEach((job, i) => {
    virtual.set(abs(job.specModule), job.specText);
    alias(abs(job.specModule), `__SdnaS${i}`, job.check.spec, job.check.specScope);
    if (job.check.code !== undefined) alias(abs(job.codeFile), `__SdnaC${i}`, job.check.code, job.check.codeScope);
  });
  // The same stand-in for the n-th type parameter on both sides.
  const brandFile = abs('__sdna_type_parameters.d.ts');
  virtual.set(brandFile, Array.from({ length: brands }, (_, k) => `interface __SdnaT${k} { readonly __sdnaTypeParameter: ${k} }`).join('\n'));
  const codeFiles = new Set(jobs.map((j) => abs(j.codeFile)));
  for (const file of codeFiles) virtual.set(file, readText(path.posix.relative(root, file)) ?? '');
  for (const [file, lines] of extra) virtual.set(file, `${virtual.get(file)}\n${lines.join('\n')}\n`);

  const allowedAbs = new Set([...allowed].map(abs));
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const bigIntLib = path.join(libDir, BIGINT_LIB);
  // TypeScript reads the root files and what they import before the lib: BigInt's lib is then parsed
  // only if what it read may need it. Read in another order, the program is made again with it.
  let mayNeedBigInt = false;
  let bigIntLeftOut = false;
  const host = ts.createCompilerHost(options, true);
  // A TypeScript file's JSDoc bears on no type (a JavaScript file's does, and is
  // still parsed); skipping it halves the time TypeScript's own lib files take.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  const under = (dir: string, f: string) => f === dir || f.startsWith(dir + '/');
  const projectText = (f: string): string | undefined => {
    if (virtual.has(f)) return virtual.get(f);
    if (allowedAbs.has(f)) return readText(path.posix.relative(root, f));
    return undefined;
  };
  const textOf = (f: string): string | undefined => {
    const text = projectText(f);
    if (text !== undefined) {
      mayNeedBigInt ||= MAY_NEED_BIGINT.test(text);
      return text;
    }
    return under(libDir, f) ? ts.sys.readFile(f) : undefined;
  };
  host.getSourceFile = (fileName, languageVersion) => {
    if (fileName === bigIntLib && !mayNeedBigInt) {
      bigIntLeftOut = true;
      return ts.createSourceFile(fileName, '', languageVersion);
    }
    if (under(libDir, fileName) && libFiles.has(fileName)) return libFiles.get(fileName);
    const text = textOf(fileName);
    if (text === undefined) return undefined;
    if (under(libDir, fileName)) {
      const sf = ts.createSourceFile(fileName, text, languageVersion, true);
      libFiles.set(fileName, sf);
      return sf;
    }
    return (!virtual.has(fileName) || codeFiles.has(fileName) ? withTypedBodiesBlanked(ts, fileName, text, languageVersion) : undefined) ?? ts.createSourceFile(fileName, text, languageVersion, true, scriptKind(ts, fileName));
  };
  host.fileExists = (f) => virtual.has(f) || allowedAbs.has(f) || (under(libDir, f) && ts.sys.fileExists(f));
  host.readFile = textOf;
  host.directoryExists = (d) => under(root, d) || under(libDir, d);
  host.getDirectories = () => [];
  host.realpath = (f) => f;
  host.getCurrentDirectory = () => root;
  host.writeFile = () => {};

  const roots = [brandFile, ...new Set(jobs.map((j) => abs(j.specModule))), ...codeFiles];
  let program = ts.createProgram({ rootNames: roots, options, host });
  if (bigIntLeftOut && mayNeedBigInt) program = ts.createProgram({ rootNames: roots, options, host });
  const checker = program.getTypeChecker();
  const lastAlias = (file: string, name: string) => {
    const sf = program.getSourceFile(file);
    const st = sf?.statements.find((s): s is TS.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name);
    return st;
  };

  return jobs.map((job, i) => {
    const specAlias = lastAlias(abs(job.specModule), `__SdnaS${i}`);
    const fallback = { same: false, code: job.check.code ?? 'unknown' };
    if (!specAlias) return fallback;
    const specType = checker.getTypeFromTypeNode(specAlias.type);
    let codeType: TS.Type | undefined;
    let codeText = job.check.code;
    let resolved = !unresolved(ts, checker, specAlias.type);
    if (job.check.code !== undefined) {
      const codeAlias = lastAlias(abs(job.codeFile), `__SdnaC${i}`);
      if (!codeAlias) return fallback;
      codeType = checker.getTypeFromTypeNode(codeAlias.type);
      resolved &&= !unresolved(ts, checker, codeAlias.type);
    } else {
      const sf = program.getSourceFile(abs(job.codeFile));
      const node = sf && findNode(ts, sf, job.check.at);
      codeType = node && inferred(ts, checker, node, job.check.how);
      if (!codeType) return fallback;
      // Inferred from what the program cannot resolve (`new BehaviorSubject(…)` from a package it does not see): the type is unknown, and proves no drift.
      if (isError(codeType)) return { same: true, code: job.check.spec };
      codeText = oneLine(checker.typeToString(codeType, undefined, ts.TypeFormatFlags.NoTruncation));
      if (codeText === job.check.spec) return { same: true, code: codeText };
    }
    if (!codeType || !resolved) return { same: false, code: codeText ?? 'unknown' };
    const isAny = (t: TS.Type) => (t.flags & ts.TypeFlags.Any) !== 0;
    // `any` is assignable both ways to everything: it only matches itself.
    const same = isAny(specType) || isAny(codeType) ? isAny(specType) && isAny(codeType) : checker.isTypeAssignableTo(specType, codeType) && checker.isTypeAssignableTo(codeType, specType);
    return { same, code: codeText ?? 'unknown' };
  });
}

/**
 * A code file parsed with its function bodies blanked (see bodies.ts), where
 * each blanked body is one the checker never reads a type from: that of a
 * function or method whose return type is declared, of a setter, or of a
 * constructor whose class declares no property without a type or a value (the
 * checker types such a property from what the constructor assigns to it).
 * Else undefined, and the file is parsed whole. TypeScript only: in
 * JavaScript a constructor's `this.x = …` declares a property.
 */
export function withTypedBodiesBlanked(ts: Ts, fileName: string, text: string, languageVersion: TS.ScriptTarget | TS.CreateSourceFileOptions): TS.SourceFile | undefined {
  if (scriptKind(ts, fileName) !== ts.ScriptKind.TS) return undefined;
  return parseBlanked(ts, fileName, text, (blanked) => ts.createSourceFile(fileName, blanked, languageVersion, true, ts.ScriptKind.TS), (sf, ranges) => typedBodiesOnly(ts, sf, ranges));
}

function typedBodiesOnly(ts: Ts, sf: TS.SourceFile, ranges: readonly BodyRange[]): boolean {
  const typed = new Map<number, number>();
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionLike(node) && (node.type !== undefined || ts.isSetAccessorDeclaration(node) || (ts.isConstructorDeclaration(node) && typesNoProperty(ts, node)))) {
      const body = (node as TS.FunctionLikeDeclaration).body;
      if (body && ts.isBlock(body)) typed.set(body.getStart(sf), body.end - 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return ranges.every(([open, close]) => typed.get(open) === close);
}

/** Whether a constructor's class gives every property a type or a value: none is typed from the constructor's body. */
const typesNoProperty = (ts: Ts, ctor: TS.ConstructorDeclaration) =>
  ctor.parent.members.every((m) => !ts.isPropertyDeclaration(m) || m.type !== undefined || m.initializer !== undefined);

function brand(text: string, scope: string[]): string {
  let out = text;
  scope.forEach((name, k) => {
    out = out.replace(new RegExp(`(?<![\\w$.])${name.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g'), `__SdnaT${k}`);
  });
  return out;
}

/** The type the checker gives what it cannot resolve (it prints as `any`). */
const isError = (type: TS.Type) => (type as { intrinsicName?: string }).intrinsicName === 'error';

/** A type that names something the program cannot resolve proves nothing either way. */
function unresolved(ts: Ts, checker: TS.TypeChecker, node: TS.TypeNode): boolean {
  let missing = false;
  const visit = (n: TS.Node): void => {
    if (missing) return;
    if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n) || ts.isTypeQueryNode(n)) {
      const name = ts.isTypeReferenceNode(n) ? n.typeName : ts.isTypeQueryNode(n) ? n.exprName : n.expression;
      const type = ts.isTypeQueryNode(n) ? undefined : checker.getTypeFromTypeNode(n as TS.TypeNode);
      if (!checker.getSymbolAtLocation(name) || (type && isError(type))) {
        missing = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return missing;
}

function findNode(ts: Ts, sf: TS.SourceFile, at: Span): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (n: TS.Node): void => {
    if (found || n.pos > at.pos || n.end < at.end) return;
    if (n.pos === at.pos && n.end === at.end && n.kind !== ts.SyntaxKind.SyntaxList) found = n;
    else ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

function inferred(ts: Ts, checker: TS.TypeChecker, node: TS.Node, how: TypeCheck['how']): TS.Type | undefined {
  if (how === 'return') {
    let fn: TS.Node | undefined = node;
    // A `const f = () => …` span is the variable's; its initializer is the function.
    if (ts.isVariableDeclaration(fn) && fn.initializer) fn = fn.initializer;
    while (fn && ts.isParenthesizedExpression(fn)) fn = fn.expression;
    if (!fn || !ts.isFunctionLike(fn)) return undefined;
    const sig = checker.getSignatureFromDeclaration(fn as TS.SignatureDeclaration);
    return sig && checker.getReturnTypeOfSignature(sig);
  }
  if (how === 'param' && ts.isParameter(node)) return checker.getTypeAtLocation(node);
  if (how === 'const' && ts.isVariableDeclaration(node)) return checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(node.name));
  if (how === 'property' && (ts.isPropertyDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node))) return checker.getTypeAtLocation(node.name);
  return undefined;
}
