// `api-drift`: each spec's `## API` blocks against what its target files export.
// Loaded only when some spec has an API block, and TypeScript itself only when
// a spec's result is not already cached under the hash of everything it
// depends on (its blocks and the content of its target files).

import path from 'node:path';
import { contentKey, ParseCache } from '../../artifacts/cache.js';
import { GuardedReader } from '../../util/guarded.js';
import type { FindingInput } from '../../model/findings.js';
import { problemFinding } from '../../formats/problem.js';
import type { Spec } from '../../model/model.js';
import { detached, lineAt, lineStartsOf } from '../../util/text.js';
import { progress } from '../../util/progress.js';
import { timed } from '../../util/perf.js';
import { classify, compareApi, typeChangeText, type CodeExport, type DeclDrift, type Difference, type Exports } from './compare.js';
import { runChecks, type CheckJob, type CheckResult } from './checker.js';
import { loadTypeScript, parseDeclarations, type Decl, type ParsedFile, type Span, type Ts } from './declarations.js';
import { formatDecl } from './format.js';

/** Bump when the comparison changes what it finds: cached results of older ones are not reused. */
const RESULT_FORMAT = 3;

/**
 * Code files per checker program: enough that TypeScript's lib is bound once
 * for many, few enough that a large repository's syntax trees and types are
 * not all held at once.
 */
const CODE_FILES_PER_PROGRAM = 50;

/** Code sdna can read declarations from. */
const CODE = /\.(?:[cm]?tsx?|[cm]?jsx?)$/;
/** Fence languages read as TypeScript; a block in another language is not compared. */
const TS_LANGS = new Set(['', 'ts', 'typescript', 'tsx', 'mts', 'cts', 'd.ts', 'js', 'javascript', 'jsx']);

export interface ApiInput {
  root: string;
  specs: Spec[];
  targetFiles: Map<string, string[]>;
  cache?: ParseCache;
  /** The plan's reader, so that what it refuses is reported once. */
  reader?: GuardedReader;
  /** Told each target's text as it is read, for a check that would read it too. */
  onRead?: (file: string, text: string) => void;
}

interface SpecWork {
  spec: Spec;
  files: string[];
  findings: FindingInput[];
  drifts: DeclDrift[];
  /** The spec's API blocks as one module beside the spec, for the checker (empty when no difference needs it). */
  specModule: string;
  specText: string;
}

/**
 * Specs are taken one at a time, and a target's text and declarations are
 * kept only while a spec still to come targets the file: holding every
 * target's text until all were parsed took 40 MB at 100,000 files.
 */
export async function checkApi(input: ApiInput): Promise<FindingInput[]> {
  const { root } = input;
  const cache = input.cache ?? ParseCache.open(undefined, '');
  const reader = input.reader ?? new GuardedReader(root);
  const specs = input.specs.filter((spec) => tsBlocks(spec).length > 0);
  const targetsOf = (spec: Spec) => (input.targetFiles.get(spec.id) ?? []).filter((f) => CODE.test(f));
  const pending = new Map<string, number>();
  for (const spec of specs) for (const f of targetsOf(spec)) pending.set(f, (pending.get(f) ?? 0) + 1);

  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    if (!texts.has(file)) {
      const text = reader.tryText(file, 'source');
      if (text !== undefined) input.onRead?.(file, text);
      texts.set(file, text);
    }
    return texts.get(file);
  };
  /** For the checker and the findings, after the last spec: read again, not kept. */
  const readAgain = (file: string) => reader.tryText(file, 'source');
  const hashOf = (file: string): string => cache.fileHash(root, file, () => textOf(file));
  const held = new Map<string, ParsedFile | undefined>();
  let ts: Ts | undefined;
  const parsed = (file: string): ParsedFile | undefined => {
    if (!held.has(file)) {
      held.set(
        file,
        cache.fromFile('file:api-exports-1', root, file, () => {
          const text = textOf(file);
          return text === undefined ? undefined : timed('  parse targets', () => parseDeclarations(ts!, file, text));
        }),
      );
    }
    return held.get(file);
  };

  /** Each spec's findings, in spec order (which spec reports an unparsable target once depends on it). */
  const bySpec: FindingInput[][] = [];
  /**
   * The specs whose result is not cached, with the key to cache it under and
   * their place in `bySpec`, settled once their code files fill a checker
   * program: one program for a whole large repository would hold every file's
   * syntax tree and types at once, and the works are not all held until the end.
   */
  let batch: { key: string | undefined; at: number; work: SpecWork }[] = [];
  let batchCode = new Set<string>();
  const settleBatch = () => {
    if (batch.length === 0) return;
    settle(ts!, root, batch.map((w) => w.work), readAgain).forEach((findings, i) => {
      const { key } = batch[i];
      if (key !== undefined) cache.store('api', key, findings);
      bySpec[batch[i].at] = findings;
    });
    batch = [];
    batchCode = new Set();
  };
  for (const [i, spec] of specs.entries()) {
    progress('API blocks', i, specs.length);
    const files = targetsOf(spec);
    const key = cache.enabled ? resultKey(spec, files, hashOf) : undefined;
    const hit = key === undefined ? undefined : cache.lookup<FindingInput[]>('api', key);
    if (hit) bySpec[i] = hit;
    else {
      ts ??= timed('  load typescript', () => loadTypeScript(cache.codeCache));
      const parse = worthParsing(spec, files, textOf);
      const work = timed('  parse and compare', () => prepare(ts!, spec, files, parsed, parse));
      batch.push({ key, at: i, work });
      for (const file of checkedCode(work)) batchCode.add(file);
      if (batchCode.size >= CODE_FILES_PER_PROGRAM) settleBatch();
    }
    for (const f of files) {
      const left = pending.get(f)! - 1;
      pending.set(f, left);
      if (left === 0) {
        texts.delete(f);
        held.delete(f);
      }
    }
  }
  settleBatch();
  progress('API blocks', specs.length, specs.length);
  return onceEach(bySpec.flat());
}

/**
 * What a spec's result depends on: its blocks and the content of its targets.
 * Made only when there is a cache to look it up in: hashing every target's
 * content and the blocks' text took 4 % of a cold 20,000-file plan that keeps
 * nothing.
 */
function resultKey(spec: Spec, files: string[], hashOf: (file: string) => string): string {
  const parts: unknown[] = [RESULT_FORMAT, spec.id, spec.file, tsBlocks(spec).map((b) => [b.line, b.code])];
  for (const f of files) parts.push([f, hashOf(f)]);
  return contentKey(JSON.stringify(parts));
}

/** The code files whose types the checker must see to settle a spec's differences. */
function checkedCode(work: SpecWork): string[] {
  return work.drifts.flatMap((d) => (d.differences.some((diff) => diff.check) ? [d.code!.file] : []));
}

/** The spec's API blocks in TypeScript (or JavaScript): the ones this check compares. */
const tsBlocks = (spec: Spec) => spec.api.filter((b) => TS_LANGS.has(b.lang.toLowerCase()));

/**
 * The targets that may bear on the comparison: those that name something a
 * block declares or refers to, and the files they re-export from. All of them
 * when a block has an unexported interface, which lists the module's exports
 * by its members' names.
 */
function worthParsing(spec: Spec, files: string[], textOf: (file: string) => string | undefined): string[] {
  const blocks = tsBlocks(spec).map((b) => b.code);
  if (blocks.some((code) => SERVICE_INTERFACE.test(code))) return files;
  const names = namesOf(blocks);
  return withReexported(files.filter((f) => mayDeclare(textOf(f), names)), files, textOf);
}

/**
 * The names a spec's blocks ask the targets for: those they declare, and the
 * types they refer to without declaring (a target's `User`), as written.
 * Lower-case words other than declared names are left out: they are parameter
 * names or TypeScript's own (`string`, `readonly`), which every file holds.
 */
function namesOf(blocks: string[]): string[] {
  const names = new Set<string>();
  for (const code of blocks) {
    for (const m of code.matchAll(/\b(?:function|const|let|var|class|interface|type|enum|namespace|module)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
    if (/\bexport\s+default\b/.test(code)) names.add('default');
    for (const m of code.matchAll(/(?<![\w$.])[A-Z][\w$]*/g)) if (!GLOBAL_TYPES.has(m[0])) names.add(m[0]);
  }
  return [...names];
}

const SERVICE_INTERFACE = /^[ \t]*(?:declare\s+)?interface\s/m;

/** Types every TypeScript file can name without declaring them. */
const GLOBAL_TYPES = new Set(
  'Array ReadonlyArray Promise PromiseLike Record Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType Parameters InstanceType Awaited Map Set WeakMap WeakSet ReadonlyMap ReadonlySet Date Error RegExp Function Object String Number Boolean Symbol BigInt Iterable Iterator AsyncIterable AsyncIterator Generator AsyncGenerator ArrayLike Uint8Array Int8Array Uint16Array Int16Array Uint32Array Int32Array Float32Array Float64Array BigInt64Array BigUint64Array ArrayBuffer SharedArrayBuffer DataView Buffer JSON Math Uppercase Lowercase Capitalize Uncapitalize ThisType NoInfer ConstructorParameters ThisParameterType OmitThisParameter'.split(' '),
);

/** Whether a target's text may hold a declaration or export of one of `names`: one of them as a whole word, or an `export *` that may pass any name on. */
function mayDeclare(text: string | undefined, names: readonly string[]): boolean {
  if (text === undefined) return true; // unreadable: the parse reports it
  if (/\bexport\s*\*/.test(text)) return true;
  for (const name of names) {
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      if (!/[\w$]/.test(text[at - 1] ?? '') && !/[\w$]/.test(text[at + name.length] ?? '')) return true;
    }
  }
  return false;
}

/** `kept`, and the targets the kept files re-export from (`export { impl as take } from './impl'`), transitively. */
function withReexported(kept: string[], targets: string[], textOf: (file: string) => string | undefined): string[] {
  const all = new Set(targets);
  const out = new Set(kept);
  const queue = [...kept];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const m of (textOf(file) ?? '').matchAll(/\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"](\.[^'"]+)['"]/g)) {
      const found = resolveTarget(file, m[1], all);
      if (found && !out.has(found)) {
        out.add(found);
        queue.push(found);
      }
    }
  }
  return targets.filter((f) => out.has(f));
}

/** A target file that does not parse is reported once, however many specs target it. */
function onceEach(findings: FindingInput[]): FindingInput[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.kind !== 'api-drift' || f.symbol !== undefined) return true;
    const key = `${f.file}\0${f.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The findings of each spec of a batch, in order, its provisional differences settled by one checker program. */
function settle(ts: Ts, root: string, works: SpecWork[], textOf: (file: string) => string | undefined): FindingInput[][] {
  const jobs: CheckJob[] = [];
  const owners: Difference[] = [];
  for (const w of works) {
    for (const d of w.drifts) {
      for (const diff of d.differences) {
        if (!diff.check) continue;
        jobs.push({ specModule: w.specModule, specText: w.specText, codeFile: d.code!.file, check: diff.check });
        owners.push(diff);
      }
    }
  }
  const results = new Map<Difference, CheckResult>();
  const allowed = new Set(works.flatMap((w) => w.files));
  if (jobs.length > 0) timed('  type checks', () => runChecks(ts, root, jobs, allowed, textOf)).forEach((r, i) => results.set(owners[i], r));
  return works.map((w) => [...w.findings, ...w.drifts.flatMap((d) => toFinding(w, d, results, textOf))]);
}

/** `parse`: the targets that may declare what the blocks name (the others are only handed to the checker). */
function prepare(ts: Ts, spec: Spec, files: string[], parsed: (file: string) => ParsedFile | undefined, parse = files): SpecWork {
  const findings: FindingInput[] = [];
  const specDecls: { decl: Decl; blockHasExports: boolean }[] = [];
  const blocks = tsBlocks(spec);
  const textParts: string[] = [];
  for (const block of blocks) {
    const result = parseDeclarations(ts, `${spec.file}.api.ts`, block.code, true);
    if (result.problem) {
      findings.push(
        problemFinding(spec.id, spec.file, {
          code: 'invalid-api-block',
          subject: String(spec.api.indexOf(block)),
          line: block.line + result.problem.line,
          actual: `the \`## API\` block is not valid TypeScript: ${result.problem.message}`,
          hint: 'write the block as TypeScript declarations, e.g. `export function take(key: string): boolean;`',
        }),
      );
      continue;
    }
    const starts = lineStartsOf(block.code);
    const lineOf = (offset: number) => lineAt(starts, offset);
    for (const decl of result.decls) specDecls.push({ decl: setLines(decl, block.line, lineOf), blockHasExports: result.hasExports });
    textParts.push(block.code);
  }

  const exportsOf = new Map<string, ParsedFile>();
  let complete = true;
  for (const file of parse) {
    const p = parsed(file);
    if (!p) {
      complete = false;
      continue;
    }
    if (p.problem) {
      complete = false;
      findings.push({ kind: 'api-drift', spec: spec.id, file, line: p.problem.line, data: { unparsable: p.problem.message } });
      continue;
    }
    exportsOf.set(file, p);
  }
  const exports = buildExports(parse, exportsOf);
  if (!exports.complete) complete = false;
  const drifts = compareApi(specDecls, { get: exports.get, complete });
  const specModule = `${spec.file}.__sdna_api__.ts`;
  // The module is for the checker, which only a provisional difference needs (most specs have none).
  const checked = drifts.some((d) => d.differences.some((diff) => diff.check));
  const imports = checked ? targetTypeImports(specModule, textParts.join('\n'), new Set(specDecls.map((d) => d.decl.name)), exports.get) : [];
  return { spec, files, findings, drifts, specModule, specText: checked ? [...imports, ...textParts].join('\n') : '' };
}

/**
 * Types the spec names without declaring them, that a target declares: the spec
 * means the targets' own `User`, however the code spells it (`models.User`, an
 * alias on import), so the spec's module imports it from there for the checker.
 */
function targetTypeImports(specModule: string, text: string, declared: Set<string>, get: Exports['get']): string[] {
  const from = path.posix.dirname(specModule);
  const out: string[] = [];
  for (const name of new Set(text.match(/(?<![\w$.])[A-Za-z_$][\w$]*/g) ?? [])) {
    if (declared.has(name)) continue;
    const found = get(name);
    if (!found || 'opaque' in found || !TYPE_KINDS.has(found.decl.kind)) continue;
    const rel = path.posix.relative(from, found.file);
    out.push(`import type { ${name} } from '${rel.startsWith('.') ? rel : `./${rel}`}';`);
  }
  return out;
}

const TYPE_KINDS = new Set(['interface', 'type', 'class', 'enum']);

/**
 * Lines in the spec file (the fence is on line `fence`, the block's code starts
 * after it), set on the block's own declarations, which nothing else holds: a
 * copy of each declaration and member raised the memory peak of a cold plan of
 * the 20,000-file benchmark corpus by 19 MB.
 */
function setLines(decl: Decl, fence: number, lineOf: (offset: number) => number): Decl {
  decl.line = fence + lineOf(decl.start);
  for (const m of decl.members ?? []) m.line = fence + lineOf(m.start);
  return decl;
}

/** The target file a relative module specifier names from `from`, as TypeScript would find it; undefined when it is no target. */
function resolveTarget(from: string, spec: string, targets: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.[cm]?jsx?$/, '');
  return [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.d.ts`, `${stem}.mts`, `${stem}.js`, `${base}/index.ts`, `${base}/index.js`].find((c) => targets.has(c));
}

/** What the targets export by name, following re-exports between target files. */
function buildExports(files: string[], parsed: Map<string, ParsedFile>): Exports {
  const map = new Map<string, CodeExport>();
  let complete = true;
  const fileSet = new Set(files);
  const resolveModule = (from: string, spec: string) => resolveTarget(from, spec, fileSet);
  const exportsOfFile = (file: string, seen: Set<string>): Map<string, CodeExport> => {
    const result = new Map<string, CodeExport>();
    const p = parsed.get(file);
    if (!p || seen.has(file)) return result;
    seen.add(file);
    for (const d of p.decls) if (d.exported && !result.has(d.name)) result.set(d.name, { decl: d, file });
    for (const r of p.reexports) {
      const target = r.module === '' ? undefined : resolveModule(file, r.module);
      if (!target) {
        if (r.name === '*') complete = false;
        else if (!result.has(r.name)) result.set(r.name, { opaque: true, file });
        continue;
      }
      const inner = exportsOfFile(target, seen);
      if (r.name === '*') {
        for (const [name, e] of inner) if (name !== 'default' && !result.has(name)) result.set(name, e);
      } else if (r.from === '*') {
        result.set(r.name, { opaque: true, file });
      } else {
        const e = inner.get(r.from);
        if (e && !result.has(r.name)) result.set(r.name, 'decl' in e ? { decl: { ...e.decl, name: r.name }, file: e.file } : e);
      }
    }
    return result;
  };
  for (const file of files) {
    for (const [name, e] of exportsOfFile(file, new Set())) if (!map.has(name)) map.set(name, e);
  }
  return { get: (name) => map.get(name), complete };
}

function toFinding(work: SpecWork, drift: DeclDrift, results: Map<Difference, CheckResult>, textOf: (file: string) => string | undefined): FindingInput[] {
  // The code's side of the diff shows an inferred type as inferred, and a type
  // that only reads differently as the spec writes it: the diff shows drift only.
  const shown = new Map<string, string>();
  const spanKey = (at: Span) => `${at.pos}:${at.end}`;
  const texts: string[] = [];
  const kept: Difference[] = [];
  for (const d of drift.differences) {
    const r = results.get(d);
    if (d.check && r) shown.set(spanKey(d.check.at), r.same ? d.check.spec : r.code);
    if (r?.same) continue;
    kept.push(d);
    texts.push(d.text ?? typeChangeText(d.check!.label, d.check!.spec, r?.code ?? d.check!.code ?? 'unknown'));
  }
  if (kept.length === 0) return [];
  const { spec } = work;
  const codeLine = drift.code && lineAt(lineStartsOf(textOf(drift.code.file) ?? ''), drift.code.decl.start);
  // The finding lives as long as the plan: its text is its own, not views of the code's and the spec module's whole texts.
  return [
    {
      kind: 'api-drift',
      spec: spec.id,
      file: spec.file,
      line: drift.spec.line ?? 1,
      symbol: detached(drift.symbol),
      data: {
        change: classify(kept),
        spec: formatDecl(drift.spec, (t) => t ?? 'any').map(detached),
        ...(drift.code && {
          code: { file: drift.code.file, line: codeLine!, decl: formatDecl(drift.code.decl, (t, at) => shown.get(spanKey(at)) ?? t ?? '(inferred)').map(detached) },
        }),
        differences: texts.map(detached),
        targets: work.files,
      },
    },
  ];
}
