// Compares what an `## API` block declares with what the target files export,
// on the parsed data alone. Where two type texts differ, or the code leaves a
// type to inference, the difference is provisional: it carries a TypeCheck that
// the type checker settles (mutually assignable types are not drift).

import type { Decl, Member, Param, Signature, Span } from './declarations.js';
import { plural } from '../../util/text.js';
import { canonicalType } from './canonical.js';

export type Change = 'added' | 'removed' | 'changed';

export interface TypeCheck {
  /** What the type belongs to, e.g. "parameter `id`" or "return type". */
  label: string;
  spec: string;
  specScope: string[];
  /** The code's written type; undefined when the code leaves it to inference. */
  code?: string;
  codeScope: string[];
  /** The code's node the type belongs to: where to infer it, and which printed type it is. */
  at: Span;
  how: 'param' | 'return' | 'const' | 'property' | 'type';
}

export interface Difference {
  change: Change;
  /** Set for a settled difference; a provisional one gets its text once checked. */
  text?: string;
  check?: TypeCheck;
}

/** Where the code declares an exported name: a declaration, or a re-export sdna cannot follow. */
export type CodeExport = { decl: Decl; file: string } | { opaque: true; file: string };

export interface Exports {
  get(name: string): CodeExport | undefined;
  /** False when some target re-exports a module outside the targets or does not parse: absence proves nothing. */
  complete: boolean;
}

export interface DeclDrift {
  /** The spec's name for it (`Service.method` for a member of a service block). */
  symbol: string;
  spec: Decl;
  code?: { decl: Decl; file: string };
  /** For a service-block member: the member as declared in the spec. */
  member?: Member;
  differences: Difference[];
}

const tick = (s: string) => `\`${s}\``;

/** How a type that differs reads in a finding, whether the checker settled it or not. */
export const typeChangeText = (label: string, spec: string, code: string): string => `${label} is ${tick(spec)} in the spec, ${tick(code)} in the code`;

/** The spec's declarations to hold the code to: exported ones, or all of a block that exports nothing. */
export function compareApi(specDecls: { decl: Decl; blockHasExports: boolean }[], exports: Exports): DeclDrift[] {
  const out: DeclDrift[] = [];
  const seen = new Set<string>();
  for (const { decl, blockHasExports } of specDecls) {
    if (seen.has(decl.name)) continue;
    seen.add(decl.name);
    const found = exports.get(decl.name);
    if (found && 'opaque' in found) continue;
    if (found) {
      const differences = compareDecl(decl, found.decl);
      if (differences.length) out.push({ symbol: decl.name, spec: decl, code: found, differences });
      continue;
    }
    const listed = decl.exported || !blockHasExports;
    if (decl.kind === 'interface' && isService(decl) && (!decl.exported || !blockHasExports)) {
      out.push(...compareService(decl, exports));
    } else if (listed && exports.complete) {
      out.push({ symbol: decl.name, spec: decl, differences: [{ change: 'removed', text: `no target exports ${tick(decl.name)}` }] });
    }
  }
  return out;
}

/** An unexported interface of functions (`interface PaymentService { authorize(…): … }`) lists module exports. */
function isService(decl: Decl): boolean {
  const members = decl.members ?? [];
  return members.length > 0 && members.every((m) => m.kind === 'method' || (m.kind === 'property' && m.type !== undefined && /=>/.test(m.type)));
}

function compareService(service: Decl, exports: Exports): DeclDrift[] {
  const out: DeclDrift[] = [];
  for (const m of service.members ?? []) {
    const symbol = `${service.name}.${m.key}`;
    const spec: Decl = { name: m.key, kind: m.kind === 'method' ? 'function' : 'const', start: m.start, line: m.line, exported: true, typeParams: service.typeParams, signatures: m.signatures, type: m.type, at: m.at };
    const found = exports.get(m.key);
    if (found && 'opaque' in found) continue;
    if (!found) {
      if (exports.complete) out.push({ symbol, spec, member: m, differences: [{ change: 'removed', text: `no target exports ${tick(m.key)}, which ${tick(service.name)} declares` }] });
      continue;
    }
    const differences = compareDecl(spec, found.decl);
    if (differences.length) out.push({ symbol, spec, code: found, member: m, differences });
  }
  return out;
}

const KIND_NAMES: Record<Decl['kind'], string> = { function: 'a function', interface: 'an interface', class: 'a class', type: 'a type', const: 'a const', enum: 'an enum' };
const OBJECT_KINDS = new Set(['interface', 'class']);

export function compareDecl(spec: Decl, code: Decl): Difference[] {
  if (spec.kind === code.kind || (OBJECT_KINDS.has(spec.kind) && OBJECT_KINDS.has(code.kind))) {
    const diffs: Difference[] = [];
    if (spec.kind !== 'const' && spec.kind !== 'function') compareTypeParams(diffs, '', spec.typeParams, code.typeParams);
    switch (spec.kind) {
      case 'function':
        compareSignatures(diffs, '', spec.signatures ?? [], code.signatures ?? [], [], []);
        break;
      case 'interface':
      case 'class':
        compareHeritage(diffs, spec, code);
        compareMembers(diffs, spec, code);
        break;
      case 'type':
        pushType(diffs, () => 'the aliased type', spec.type, code.type, names(spec.typeParams), names(code.typeParams), code.at, 'type');
        break;
      case 'const':
        pushType(diffs, () => 'the type', spec.type, code.type, [], [], code.at, 'const');
        break;
      case 'enum':
        if (spec.type !== code.type) diffs.push({ change: 'changed', text: `the members are ${tick(spec.type ?? '')} in the spec, ${tick(code.type ?? '')} in the code` });
        break;
    }
    return diffs;
  }
  // An interface in one place and a type alias (or a function and a function-typed
  // const) in the other can still describe the same type.
  const text = `it is ${KIND_NAMES[spec.kind]} in the spec, ${KIND_NAMES[code.kind]} in the code`;
  const byName = spec.kind !== 'function' && code.kind !== 'function' && spec.typeParams.length === code.typeParams.length;
  const typed = (spec.kind === 'function' && code.kind === 'const') || (spec.kind === 'const' && code.kind === 'function');
  if (byName) {
    const tp = (d: Decl) => (d.typeParams.length ? `<${d.typeParams.map((_, i) => `__SdnaT${i}`).join(', ')}>` : '');
    return [{ change: 'changed', text, check: { label: 'the type', spec: spec.name + tp(spec), specScope: [], code: code.name + tp(code), codeScope: [], at: code.at, how: 'type' } }];
  }
  if (typed) return [{ change: 'changed', text, check: { label: 'the type', spec: `typeof ${spec.name}`, specScope: [], code: `typeof ${code.name}`, codeScope: [], at: code.at, how: 'type' } }];
  return [{ change: 'changed', text }];
}

const names = (tps: { name: string }[]) => tps.map((t) => t.name);

function compareTypeParams(diffs: Difference[], where: string, spec: { text: string }[], code: { text: string }[]): void {
  const s = spec.map((t) => t.text).join(', ');
  const c = code.map((t) => t.text).join(', ');
  if (s !== c) diffs.push({ change: 'changed', text: `${where}the type parameters are ${tick(`<${s}>`)} in the spec, ${tick(`<${c}>`)} in the code` });
}

function compareHeritage(diffs: Difference[], spec: Decl, code: Decl): void {
  const s = (spec.heritage ?? []).join(' ');
  const c = (code.heritage ?? []).join(' ');
  if (s !== c) diffs.push({ change: 'changed', text: `it ${s ? tick(s) : 'extends nothing'} in the spec, ${c ? tick(c) : 'nothing'} in the code` });
}

/** Types TypeScript names by a keyword (and the two boolean literals): no two of them are the same type. */
const KEYWORD_TYPES = new Set(['string', 'number', 'boolean', 'bigint', 'symbol', 'object', 'undefined', 'null', 'void', 'never', 'unknown', 'any', 'true', 'false']);

function pushType(
  diffs: Difference[],
  /** Made only for a difference: most types read the same. */
  label: () => string,
  spec: string | undefined,
  code: string | undefined,
  specScope: string[],
  codeScope: string[],
  at: Span,
  how: TypeCheck['how'],
): void {
  // A type the spec leaves out is not a promise; an interface member always has one written.
  if (spec === undefined || spec === code) return;
  // Union and intersection members in another order are the same type, resolvable or not.
  if (code !== undefined && canonicalType(spec) === canonicalType(code)) return;
  // Two keyword types that differ (`string` and `number`, `void` and `undefined`) are never assignable
  // both ways under strict checks: the difference is settled without TypeScript's checker, whose program
  // (its lib parsed and bound) costs a plan tens of milliseconds and more.
  if (code !== undefined && KEYWORD_TYPES.has(spec) && KEYWORD_TYPES.has(code)) {
    diffs.push({ change: 'changed', text: typeChangeText(label(), spec, code) });
    return;
  }
  diffs.push({ change: 'changed', check: { label: label(), spec, specScope, code, codeScope, at, how } });
}

function compareSignatures(diffs: Difference[], where: string, spec: Signature[], code: Signature[], specScope: string[], codeScope: string[]): void {
  if (spec.length !== code.length && spec.length > 0 && code.length > 0) {
    diffs.push({ change: 'changed', text: `${where}${plural(spec.length, 'signature')} in the spec, ${code.length} in the code` });
  }
  for (let i = 0; i < Math.min(spec.length, code.length); i++) {
    const at = spec.length > 1 ? `${where}signature ${i + 1}: ` : where;
    compareSignature(diffs, at, spec[i], code[i], specScope, codeScope);
  }
}

function compareSignature(diffs: Difference[], where: string, spec: Signature, code: Signature, outerSpec: string[], outerCode: string[]): void {
  compareTypeParams(diffs, where, spec.typeParams, code.typeParams);
  const specScope = [...outerSpec, ...names(spec.typeParams)];
  const codeScope = [...outerCode, ...names(code.typeParams)];
  const sNames = spec.params.map((p) => p.name);
  const cNames = code.params.map((p) => p.name);
  const reordered =
    sNames.length === cNames.length && sNames.some((n, i) => n !== cNames[i]) && [...sNames].sort().join('\0') === [...cNames].sort().join('\0');
  if (reordered) {
    diffs.push({ change: 'changed', text: `${where}the parameters are in another order: (${sNames.join(', ')}) in the spec, (${cNames.join(', ')}) in the code` });
    for (const s of spec.params) compareParam(diffs, where, s, code.params.find((c) => c.name === s.name)!, specScope, codeScope);
  } else {
    for (let i = 0; i < Math.min(spec.params.length, code.params.length); i++) {
      const s = spec.params[i];
      const c = code.params[i];
      if (!s.pattern && !c.pattern && s.name !== c.name) {
        diffs.push({ change: 'changed', text: `${where}parameter ${i + 1} is ${tick(s.name)} in the spec, ${tick(c.name)} in the code` });
      }
      compareParam(diffs, where, s, c, specScope, codeScope);
    }
  }
  for (const s of spec.params.slice(code.params.length)) diffs.push({ change: 'removed', text: `${where}the code lacks parameter ${tick(s.name)}` });
  for (const c of code.params.slice(spec.params.length)) diffs.push({ change: 'added', text: `${where}the code has an extra parameter ${tick(c.name)}` });
  pushType(diffs, () => `${where}the return type`, spec.returns, code.returns, specScope, codeScope, code.at, 'return');
}

function compareParam(diffs: Difference[], where: string, s: Param, c: Param, specScope: string[], codeScope: string[]): void {
  const name = tick(s.pattern ? c.name : s.name);
  if (s.rest !== c.rest) diffs.push({ change: 'changed', text: `${where}parameter ${name} is ${s.rest ? 'a rest parameter' : 'not a rest parameter'} in the spec, ${c.rest ? 'a rest parameter' : 'not one'} in the code` });
  else if (s.optional !== c.optional) diffs.push({ change: 'changed', text: `${where}parameter ${name} is ${s.optional ? 'optional' : 'required'} in the spec, ${c.optional ? 'optional' : 'required'} in the code` });
  pushType(diffs, () => `${where}the type of parameter ${name}`, s.type, c.type, specScope, codeScope, c.at, 'param');
}

function compareMembers(diffs: Difference[], spec: Decl, code: Decl): void {
  const specScope = names(spec.typeParams);
  const codeScope = names(code.typeParams);
  // An interface cannot declare a constructor, so a class's is not compared with one.
  const relevant = (m: Member, other: Decl) => !(m.kind === 'constructor' && other.kind === 'interface');
  const codeMembers = new Map((code.members ?? []).filter((m) => relevant(m, spec)).map((m) => [m.key, m]));
  const specKeys = new Set<string>();
  for (const s of spec.members ?? []) {
    if (!relevant(s, code)) continue;
    specKeys.add(s.key);
    const where = s.kind === 'constructor' ? 'the constructor: ' : `member ${tick(s.key)}: `;
    const c = codeMembers.get(s.key);
    if (!c) {
      diffs.push({ change: 'removed', text: `the code lacks member ${tick(s.key)}` });
      continue;
    }
    if (s.signatures && c.signatures) {
      if (s.optional !== c.optional) diffs.push({ change: 'changed', text: `${where}it is ${s.optional ? 'optional' : 'required'} in the spec, ${c.optional ? 'optional' : 'required'} in the code` });
      compareSignatures(diffs, where, s.signatures, c.signatures, specScope, codeScope);
      continue;
    }
    if (s.signatures || c.signatures) {
      diffs.push({ change: 'changed', text: `${where}it is ${s.signatures ? 'a method' : 'a property'} in the spec, ${c.signatures ? 'a method' : 'a property'} in the code` });
      continue;
    }
    if (s.optional !== c.optional) diffs.push({ change: 'changed', text: `${where}it is ${s.optional ? 'optional' : 'required'} in the spec, ${c.optional ? 'optional' : 'required'} in the code` });
    if (s.readonly !== c.readonly) diffs.push({ change: 'changed', text: `${where}it is ${s.readonly ? 'readonly' : 'writable'} in the spec, ${c.readonly ? 'readonly' : 'writable'} in the code` });
    pushType(diffs, () => `member ${tick(s.key)}: the type`, s.type, c.type, specScope, codeScope, c.at, 'property');
  }
  for (const c of code.members ?? []) {
    if (!relevant(c, spec) || specKeys.has(c.key)) continue;
    diffs.push({ change: 'added', text: `the code has member ${tick(c.key)}, which the spec does not declare` });
  }
}

/** One word for a declaration's differences. */
export function classify(differences: Difference[]): Change {
  const kinds = new Set(differences.map((d) => d.change));
  return kinds.size === 1 ? [...kinds][0] : 'changed';
}
