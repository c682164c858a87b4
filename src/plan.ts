// The static plan: read every spec, resolve targets and test links, and derive
// findings and capability statuses. Pure data in, data out; nothing is written.

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import { SdnaError } from './util/errors.js';
import { Findings, cmp } from './model/findings.js';
import { listFiles, resolveFrom } from './util/files.js';
import { findGenerated, sha256 } from './checks/generated/stamp.js';
import { readState, STATE_FILE, type State } from './artifacts/state.js';
import type { Capability, CapabilityPlan, Plan, Spec, Summary, TestLink, TestRef } from './model/model.js';
import { compileGlob, globSet, matchGlob, selectFiles, type CompiledGlob } from './util/globs.js';
import { TestIndex } from './checks/links/test-index.js';
import { readSpecFile } from './formats/read.js';
import { isChangeFile, readChangeSpec, requirementId } from './formats/openspec-changes.js';
import type { ReadResult } from './formats/tessl.js';
import { readerOf, type Reader } from './formats/readers.js';
import type { SpecProblem } from './formats/problem.js';
import { clip, distance, plural } from './util/text.js';
import { timed, timedAsync } from './util/perf.js';
import type { ParseCache } from './artifacts/cache.js';
import { scanClaims, type Claim } from './checks/links/claims.js';
import { tagOf } from './model/tags.js';

function checkRoot(root: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new SdnaError(`root ${root} does not exist`);
  }
  if (!stat.isDirectory()) throw new SdnaError(`root ${root} is not a folder`);
  try {
    fs.readdirSync(root);
  } catch (error) {
    throw new SdnaError(`root ${root} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function compileConfigGlobs(key: string, patterns: string[]) {
  try {
    return globSet(patterns);
  } catch (error) {
    throw new SdnaError(`invalid glob in config \`${key}\`: ${(error as Error).message}`);
  }
}

function projectName(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string' && pkg.name) return pkg.name;
  } catch {
    // No package.json: the folder's name will do.
  }
  return path.basename(root);
}

/** What every phase of one plan shares. */
interface Run {
  root: string;
  files: string[];
  set: Set<string>;
  findings: Findings;
  /** Each spec id and its file (the first, for a duplicated id), for grouping findings. */
  specFiles: Map<string, string>;
}

function specError(run: Run, spec: string, file: string, p: SpecProblem): void {
  run.findings.add({ kind: p.kind ?? 'spec-error', spec, capability: p.capability, file: p.file ?? file, line: p.line, actual: p.actual, hint: p.hint });
}

/**
 * Specs read in an earlier plan of the same session, by file: a spec whose
 * size and mtime are unchanged is not read again (watch mode re-plans often).
 */
export type SpecCache = Map<string, { stamp: string; problem?: SpecProblem; read?: ReadResult }>;

export interface PlanOptions {
  specCache?: SpecCache;
  /** Parse results by content hash, kept between runs; the caller saves it. */
  cache?: ParseCache;
  /** Plan from this model (`sdna plan --from`) instead of reading the spec files. */
  model?: SpecModel;
}

/** The specs as read, and what their readers found wrong (each with its spec id and file). */
export interface SpecModel {
  specs: Spec[];
  problems: { spec: string; file: string; problem: SpecProblem }[];
}

/** Async so that later checks (caches, the semantic check) can do I/O without changing callers. */
export async function createPlan(config: ResolvedConfig, options: PlanOptions = {}): Promise<Plan> {
  const root = path.resolve(config.root);
  checkRoot(root);
  const include = compileConfigGlobs('include', config.include);
  const exclude = compileConfigGlobs('exclude', config.exclude);
  const testGlobs = compileConfigGlobs('tests', config.tests);

  const { files, set } = timed('list files', () => listFiles(root));
  const run: Run = { root, files, set, findings: new Findings(config.rules), specFiles: new Map() };
  const model = options.model ?? timed('specs', () => readModel(config, files, options.specCache));
  const specs = model.specs;
  for (const { spec, file, problem } of model.problems) specError(run, spec, file, problem);
  run.specFiles = specFilesOf(model);
  const targetFiles = timed('match targets', () => matchTargets(run, specs));
  const targeted = new Set([...targetFiles.values()].flat());
  timed('scope', () => reportUnspecified(run, include.globs, exclude.test, targeted));
  timed('generated', () => checkGenerated(run, config.rules, specs, targetFiles));
  await timedAsync('api', () => checkApiDrift(run, config.rules, specs, targetFiles, options.cache));
  const scan = timed('claims', () => scanClaims(root, files.filter(testGlobs.test), options.cache));
  const claimsOf = sortClaims(run, specs, scan.claims);
  const capabilities = timed('links', () => linkCapabilities(run, specs, claimsOf, new TestIndex(root, set, scan.parsed, options.cache)));
  timed('pending changes', () => reportPendingChanges(run, capabilities));

  const list = run.findings.sorted(run.specFiles);
  return {
    version: 1,
    mode: 'static',
    root,
    project: projectName(root),
    specs: [...specs].sort((a, b) => cmp(a.file, b.file)),
    capabilities,
    findings: list,
    summary: summarize(list),
    failed: list.some((f) => f.severity === 'error'),
    targetFiles,
  };
}

/** Each spec id and its file (the first by path, for an id that several files share), for grouping findings. */
function specFilesOf(model: SpecModel): Map<string, string> {
  const out = new Map<string, string>();
  const offer = (id: string, file: string) => {
    const known = out.get(id);
    if (known === undefined || cmp(file, known) < 0) out.set(id, file);
  };
  for (const s of model.specs) offer(s.id, s.file);
  // `file` is the spec file read, also for a problem in a companion file (Kiro's tasks.md).
  for (const p of model.problems) offer(p.spec, p.file);
  return out;
}

/**
 * Reads every spec file among `files` into the model (`sdna export` writes it):
 * each spec once, the targets sdna.config adds, and every problem found.
 */
export function readModel(config: ResolvedConfig, files: string[], cache?: SpecCache): SpecModel {
  const isSpec = compileConfigGlobs('specs', config.specs).test;
  const specs: Spec[] = [];
  const problems: SpecModel['problems'] = [];
  for (const file of files) {
    const reader = isSpec(file) ? readerOf(file) : undefined;
    if (!reader) continue;
    const fallbackId = reader.idOf(file);
    const { problem, read } = cache ? cachedRead(config.root, file, reader, cache) : freshRead(config.root, file, reader);
    if (problem) {
      problems.push({ spec: fallbackId, file, problem });
      continue;
    }
    const { spec, problems: found } = read!;
    const id = spec?.id ?? fallbackId;
    for (const p of found) problems.push({ spec: id, file, problem: p });
    if (spec) specs.push(spec);
  }
  const byId = new Map<string, Spec[]>();
  for (const s of specs) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const s of group) {
      const others = group.filter((o) => o !== s).map((o) => o.file);
      problems.push({
        spec: id,
        file: s.file,
        problem: {
          line: 1,
          actual: `spec id \`${id}\` is also the id of ${others.join(', ')}`,
          hint: 'give each spec a distinct `id:` in its frontmatter (`id: <unique-name>`)',
        },
      });
    }
  }
  addConfigTargets(config, specs);
  return { specs, problems };
}

function freshRead(root: string, file: string, reader: Reader): { problem?: SpecProblem; read?: ReadResult } {
  const { text, problem } = readSpecFile(root, file);
  const companion = (name: string) => readSpecFile(root, path.posix.join(path.posix.dirname(file), name)).text;
  return problem ? { problem } : { read: reader.read(file, text!, companion) };
}

/** Size and mtime of a spec and of the files its reader reads beside it: what says it is unchanged. */
function stampOf(root: string, file: string, reader: Reader): string | undefined {
  const parts: string[] = [];
  for (const f of [file, ...reader.companions.map((name) => path.posix.join(path.posix.dirname(file), name))]) {
    try {
      const stat = fs.statSync(path.join(root, f));
      parts.push(`${stat.size}:${stat.mtimeMs}`);
    } catch {
      // A spec that cannot be stat'ed is read fresh, which reports why; a missing companion is a state too.
      if (f === file) return undefined;
      parts.push('-');
    }
  }
  return parts.join(' ');
}

function cachedRead(root: string, file: string, reader: Reader, cache: SpecCache): { problem?: SpecProblem; read?: ReadResult } {
  const stamp = stampOf(root, file, reader);
  const hit = cache.get(file);
  if (stamp !== undefined && hit?.stamp === stamp) return hit;
  const result = freshRead(root, file, reader);
  if (stamp !== undefined) cache.set(file, { stamp, ...result });
  return result;
}

/**
 * What OpenSpec's pending changes would do to tested capabilities: a REMOVED
 * requirement that tests still prove, a RENAMED one whose tests prove it under
 * the old id, a MODIFIED one whose tests are older than the change (so were not
 * updated for it). The deltas themselves never change the plan.
 */
function reportPendingChanges(run: Run, capabilities: CapabilityPlan[]): void {
  const files = run.files.filter(isChangeFile);
  if (files.length === 0) return;
  const byId = new Map(capabilities.map((c) => [c.id, c]));
  const mtime = (file: string) => {
    try {
      return fs.statSync(path.join(run.root, file)).mtimeMs;
    } catch {
      return 0;
    }
  };
  for (const file of files) {
    const { text } = readSpecFile(run.root, file);
    if (text === undefined) continue;
    const change = readChangeSpec(file, text);
    for (const d of change.deltas) {
      const id = requirementId(change.capability, d.name);
      const cap = byId.get(id);
      if (!cap || cap.tests.length === 0) continue;
      const testFiles = [...new Set(cap.tests.map((t) => t.file))].sort();
      const where = { kind: 'pending-change' as const, spec: cap.spec, capability: id, file, line: d.line, expected: `${d.op} in openspec/changes/${change.change}` };
      if (d.op === 'REMOVED') {
        run.findings.add({
          ...where,
          actual: `change \`${change.change}\` removes requirement "${d.name}", which ${plural(testFiles.length, 'test file')} still prove${testFiles.length === 1 ? 's' : ''}: ${testFiles.join(', ')}`,
          hint: 'when the change is archived, delete those tests or point them at what replaces the requirement',
        });
      } else if (d.op === 'RENAMED' && d.to !== undefined) {
        run.findings.add({
          ...where,
          actual: `change \`${change.change}\` renames requirement "${d.name}" to "${d.to}": its tests (${testFiles.join(', ')}) prove it as \`${id}\`, which becomes \`${requirementId(change.capability, d.to)}\``,
          hint: 'when the change is archived, update the claims and links of those tests to the new id',
        });
      } else if (d.op === 'MODIFIED' && testFiles.every((t) => mtime(t) < mtime(file))) {
        run.findings.add({
          ...where,
          actual: `change \`${change.change}\` modifies requirement "${d.name}", but none of its tests (${testFiles.join(', ')}) changed since`,
          hint: "update the tests to the modified requirement and its scenarios (or they will prove the old behaviour once the change is archived)",
        });
      }
    }
  }
}

/** Targets sdna.config gives the specs whose file a `{ path, targets }` entry matches. */
function addConfigTargets(config: ResolvedConfig, specs: Spec[]): void {
  for (const entry of config.specTargets) {
    const matches = compileConfigGlobs('specs', [entry.path]).test;
    for (const spec of specs) {
      if (!matches(spec.file)) continue;
      const known = new Set(spec.targets.map((t) => t.pattern));
      const added = entry.targets.filter((t) => !known.has(t)).map((t) => ({ glob: t, pattern: t, line: 1, via: 'config' as const }));
      // A cached spec is shared between plans: extend a copy.
      if (added.length) spec.targets = [...spec.targets, ...added];
    }
  }
}

/**
 * Generated files among the targets: an edit by hand is `generated-edited`, a
 * marked file with neither a stamp nor a recorded hash `generated-unrecorded`.
 */
function checkGenerated(run: Run, rules: ResolvedConfig['rules'], specs: Spec[], targetFiles: Map<string, string[]>): void {
  if (rules['generated-edited'] === 'off' && rules['generated-unrecorded'] === 'off') return;
  const owner = new Map<string, Spec>();
  for (const spec of specs) for (const f of targetFiles.get(spec.id) ?? []) if (!owner.has(f)) owner.set(f, spec);
  const byFile = new Map(specs.map((s) => [s.file, s]));
  let state: State | undefined;
  for (const file of [...owner.keys()].sort()) {
    const found = findGenerated(run.root, file);
    if (!found) continue;
    const { header, text } = found;
    // The header names its spec; else the spec that targets the file owns it.
    const named = header.source === undefined ? undefined : byFile.get(resolveFrom(file, header.source) ?? '') ?? byFile.get(header.source);
    const spec = named ?? owner.get(file)!;
    let edited = header.intact === false;
    if (header.intact === undefined) {
      state ??= readState(run.root);
      const recorded = state.generated[file];
      if (recorded === undefined) {
        run.findings.add({
          kind: 'generated-unrecorded',
          spec: spec.id,
          file,
          line: header.line,
          expected: `generated from ${spec.file}`,
          actual: `${file} is marked as generated but carries no hash, and none is recorded in ${STATE_FILE}`,
          hint: `run \`sdna accept ${file}\` right after generating it, so that an edit by hand is caught`,
        });
        continue;
      }
      edited = sha256(text) !== recorded;
    }
    if (!edited) continue;
    run.findings.add({
      kind: 'generated-edited',
      spec: spec.id,
      file,
      line: header.line,
      expected: `generated from ${spec.file}`,
      actual: `${file} was edited by hand since it was generated (its content no longer matches ${header.stamp === 'sdna' ? 'its sha256 stamp' : header.stamp === 'tessl' ? 'its Tessl (code:…) stamp' : `the hash recorded in ${STATE_FILE}`})`,
      hint:
        header.intact === undefined
          ? `change the spec and regenerate the file; if the edit is meant to stay, run \`sdna accept ${file}\``
          : 'change the spec and regenerate the file, or take the file out of generation by removing its marker',
    });
  }
}

/** `api-drift`, whose module (and TypeScript) loads only when some spec has an `## API` block. */
async function checkApiDrift(run: Run, rules: ResolvedConfig['rules'], specs: Spec[], targetFiles: Map<string, string[]>, cache?: ParseCache): Promise<void> {
  const withApi = specs.filter((s) => s.api.length > 0);
  if (withApi.length === 0 || rules['api-drift'] === 'off') return;
  const { checkApi } = await import('./checks/api-drift/index.js');
  for (const f of await checkApi({ root: run.root, specs: withApi, targetFiles, cache })) run.findings.add(f);
}

/** The files each spec targets, by spec id; a target that matches nothing is stale. */
function matchTargets(run: Run, specs: Spec[]): Map<string, string[]> {
  const bySpec = new Map<string, string[]>();
  for (const spec of specs) {
    const targeted = new Set<string>(bySpec.get(spec.id));
    for (const target of spec.targets) {
      let glob: CompiledGlob;
      try {
        glob = compileGlob(target.pattern);
      } catch (error) {
        specError(run, spec.id, spec.file, {
          line: target.line,
          actual: `target \`${target.glob}\` is not a valid glob: ${(error as Error).message}`,
          hint: 'write a glob such as `../src/<area>/*.ts`; escape a literal bracket as `\\[`',
        });
        continue;
      }
      const matched = matchGlob(glob, run.files, run.set);
      for (const f of matched) targeted.add(f);
      if (matched.length === 0) {
        run.findings.add({
          kind: 'stale-target',
          spec: spec.id,
          file: spec.file,
          line: target.line,
          expected: `targets ${target.glob}`,
          actual: `no file matches target \`${target.glob}\` (${target.pattern})`,
          hint: 'remove the target, or restore the code it named',
        });
      }
    }
    bySpec.set(spec.id, [...targeted].sort());
  }
  return bySpec;
}

function reportUnspecified(run: Run, include: CompiledGlob[], excluded: (f: string) => boolean, targeted: Set<string>): void {
  for (const f of selectFiles(include, run.files, run.set)) {
    if (targeted.has(f) || excluded(f)) continue;
    run.findings.add({
      kind: 'unspecified-code',
      file: f,
      actual: `${f} is in scope but no spec targets it`,
      hint: "add it to a spec's targets, or exclude it from the scope (`exclude` in sdna.config)",
    });
  }
}

/** Claims by capability id; claims of ids no spec declares are broken links. */
function sortClaims(run: Run, specs: Spec[], claims: Claim[]): Map<string, Claim[]> {
  const known = new Set<string>();
  // A capability's Vitest tag is its id, or the id made tag-safe (see tagOf).
  const byTag = new Map<string, string>();
  for (const s of specs) {
    for (const c of s.capabilities) {
      known.add(c.id);
      byTag.set(tagOf(c.id), c.id);
    }
  }
  const claimsOf = new Map<string, Claim[]>();
  for (const claim of claims) {
    const id = claim.via === 'tag' ? byTag.get(claim.id) : known.has(claim.id) ? claim.id : undefined;
    if (id !== undefined) claimsOf.set(id, [...(claimsOf.get(id) ?? []), claim]);
    // Other tags are the user's own; Vitest's strictTags checks them.
    else if (claim.via === 'meta') reportUnknownClaim(run, claim, known);
  }
  return claimsOf;
}

function reportUnknownClaim(run: Run, claim: Claim, known: Set<string>): void {
  const near = closest(claim.id, known);
  run.findings.add({
    kind: 'broken-test-link',
    file: claim.file,
    line: claim.line,
    expected: `meta: { capabilities: ['${claim.id}'] }`,
    actual: `test "${claim.test}" claims \`${claim.id}\`, which no spec declares`,
    hint: near
      ? `did you mean \`${near}\`? Claim an existing capability id (\`<spec-id>/<slug>\`)`
      : 'claim an existing capability id (`<spec-id>/<slug>`; `sdna plan --json` lists them), or add the capability to a spec',
  });
}

function reportBrokenLink(run: Run, spec: Spec, capability: string | undefined, link: TestLink, reason: string): void {
  run.findings.add({
    kind: 'broken-test-link',
    spec: spec.id,
    capability,
    file: spec.file,
    line: link.line,
    expected: `[@test](${link.raw})`,
    actual: `test link \`${link.raw}\` is broken: ${reason}`,
    hint: "point it at an existing test file (relative to the spec), with a fragment from a test's full name, or remove it",
  });
}

/**
 * Each capability's tests (valid links and claims) and static status. A part
 * (a Kiro criterion) is also proven by its parent's own tests; a parent with
 * parts is linked when every part is, and its parts carry the findings.
 */
function linkCapabilities(run: Run, specs: Spec[], claimsOf: Map<string, Claim[]>, index: TestIndex): CapabilityPlan[] {
  const capabilities: CapabilityPlan[] = [];
  for (const spec of specs) {
    for (const link of spec.links) {
      const check = index.check(link);
      if (!check.ok) reportBrokenLink(run, spec, undefined, link, check.reason);
    }
    const own = new Map<string, Map<string, TestRef>>();
    for (const cap of spec.capabilities) {
      const tests = new Map<string, TestRef>();
      const addTest = (ref: TestRef) => tests.set(`${ref.file}\0${ref.name ?? ''}`, ref);
      for (const link of cap.links) {
        const check = index.check(link);
        if (!check.ok) reportBrokenLink(run, spec, cap.id, link, check.reason);
        else addTest(link.fragment === undefined ? { file: link.file } : { file: link.file, name: link.fragment });
      }
      for (const claim of claimsOf.get(cap.id) ?? []) addTest({ file: claim.file, name: claim.test });
      own.set(cap.id, tests);
    }
    const parts = partsOf(spec);
    const testsOf = (cap: Capability) => new Map([...(own.get(cap.id) ?? []), ...(cap.parent ? (own.get(cap.parent) ?? []) : [])]);
    for (const cap of spec.capabilities) {
      const children = parts.get(cap.id);
      if (children) {
        const tests = new Map([...(own.get(cap.id) ?? []), ...children.flatMap((c) => [...(own.get(c.id) ?? [])])]);
        const linked = children.every((c) => testsOf(c).size > 0);
        capabilities.push(capabilityEntry(spec, cap, linked ? 'linked' : 'untested', [...tests.values()]));
        continue;
      }
      const tests = testsOf(cap);
      if (tests.size === 0) {
        reportUntested(run.findings, spec, cap, cap.links.length > 0 ? `none of the tests linked to ${cap.id} exists` : undefined);
      }
      capabilities.push(capabilityEntry(spec, cap, tests.size > 0 ? 'linked' : 'untested', [...tests.values()]));
    }
  }
  return capabilities;
}

/** The parts of each capability that has any, by parent id. */
export function partsOf(spec: Spec): Map<string, Capability[]> {
  const parts = new Map<string, Capability[]>();
  for (const c of spec.capabilities) if (c.parent !== undefined) parts.set(c.parent, [...(parts.get(c.parent) ?? []), c]);
  return parts;
}

export function summarize(findings: Plan['findings']): Summary {
  const s: Summary = { drift: 0, unspecified: 0, stale: 0, errors: 0 };
  for (const f of findings) {
    if (f.category === 'error') s.errors++;
    else s[f.category]++;
  }
  return s;
}

/** The nearest known id, for "did you mean" hints; only when it is close. */
function closest(id: string, ids: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const candidate of ids) {
    if (Math.abs(candidate.length - id.length) >= bestD) continue;
    const d = distance(id, candidate);
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  return best;
}

/** `untested-capability` for a capability; `actual` says why when it is not simply unlinked. */
export function reportUntested(findings: Findings, spec: Spec, cap: Capability, actual?: string): void {
  findings.add({
    kind: 'untested-capability',
    spec: spec.id,
    capability: cap.id,
    file: spec.file,
    line: cap.line,
    expected: `"${clip(cap.text || cap.name)}"`,
    actual: actual ?? `no test is linked to ${cap.id} or claims it`,
    hint: `link one with [@test](../test/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['${cap.id}'] } }`,
  });
}

export function capabilityEntry(spec: Spec, cap: Capability, status: CapabilityPlan['status'], tests: TestRef[]): CapabilityPlan {
  return { id: cap.id, spec: spec.id, name: cap.name, file: cap.file, line: cap.line, status, tests };
}
