// A plan scoped to a change (`sdna plan --since <ref>`, `--staged`, or the
// files a hook passes): the specs the change touches (their file or a
// companion, a file they target or that the change deleted from their
// targets, a test linked to them or claiming them) and
// the findings about them or about a changed file. `touchedBy` picks the specs
// `createPlan` checks (every spec is read, so that one anywhere that targets a
// changed file is found); `scopeToChange` narrows what is shown and gated.

import type { FindingInput } from './model/findings.js';
import type { ChangeScope, Plan, SpecOutline } from './model/model.js';
import type { LevelOf } from './model/levels.js';
import { tagOf } from './model/tags.js';
import { companionPaths } from './formats/readers.js';
import type { Claim } from './checks/links/claims.js';
import { firstFrom, type FileList } from './util/files.js';
import { compileGlob, matchGlob, staticStart } from './util/globs.js';
import { withFindings } from './statuses.js';

/**
 * Whether a changed file concerns every spec: the config (a package.json only
 * when it holds the config: a dependency bump touches no spec) and sdna's own
 * records.
 */
export const concernsAll = (file: string, config: string | undefined): boolean => file === config || file.startsWith('.sdna/');

/**
 * `config`: the config file, root-relative (`ResolvedConfig.source`), if there is one;
 * `of`: how many specs the project has (a plan made for the change holds only those it touches).
 */
export function scopeToChange(plan: Plan, changed: ReadonlySet<string>, by: string, levelOf: LevelOf, config?: string, of = plan.specs.length): Plan & { scope: ChangeScope } {
  const all = [...changed].some((f) => concernsAll(f, config));
  const sorted = [...changed].sort();
  const set = new Set(sorted);
  const touched = new Set<string>();
  for (const spec of plan.specs) {
    if (all || ownChanged(spec, changed) || targetsTouched(targetedChanges(spec.targets.map((t) => t.pattern), sorted, set))) touched.add(spec.id);
  }
  for (const cap of plan.capabilities) if (cap.tests.some((t) => changed.has(t.file))) touched.add(cap.spec);

  const kept = plan.findings.filter((f) => (f.spec !== undefined ? touched.has(f.spec) : all || (f.file !== undefined && changed.has(f.file))));
  const inputs = kept.map(({ category: _c, severity: _s, fingerprint: _f, baselined: _b, ...f }) => f as FindingInput);
  const scoped: Plan = {
    ...plan,
    specs: plan.specs.filter((s) => touched.has(s.id)),
    capabilities: plan.capabilities.filter((c) => touched.has(c.spec)),
    findings: [],
  };
  return { ...withFindings(scoped, levelOf, inputs), scope: { by, files: changed.size, specs: touched.size, of } };
}

/**
 * Whether the spec's own file, or a file its reader reads beside it, changed;
 * `folders`, the changed files' folders, spares most specs the companions' names.
 */
const ownChanged = (spec: { file: string }, changed: ReadonlySet<string>, folders?: ReadonlySet<string>) =>
  changed.has(spec.file) || ((folders === undefined || folders.has(folderOf(spec.file))) && companionPaths(spec.file).some((f) => changed.has(f)));

const folderOf = (file: string) => file.slice(0, Math.max(0, file.lastIndexOf('/')));

/**
 * The specs a change touches, before they are checked: whose own file
 * changed, that link to a changed file, are claimed by a changed test or
 * target a changed file; and which changed files some spec targets (for
 * `unspecified-code` over the changed files alone, in `listing`).
 */
export function touchedBy(specs: SpecOutline[], changed: ReadonlySet<string>, claims: Claim[], listing: FileList): { touched: Set<string>; targeted: Set<string>; listing: FileList } {
  const sorted = [...changed].sort();
  const all = new Set(sorted);
  const files = sorted.filter((f) => listing.set.has(f));
  const set = new Set(files);
  const touched = new Set<string>();
  const targeted = new Set<string>();
  const claimed = new Set(claims.filter((c) => changed.has(c.file)).map((c) => c.id));
  const folders = new Set(sorted.map(folderOf));
  for (const spec of specs) {
    if (ownChanged(spec, changed, folders) || spec.links.some((f) => changed.has(f))) touched.add(spec.id);
    if (claimed.size > 0 && spec.capabilities.some((id) => claimed.has(id) || claimed.has(tagOf(id)))) touched.add(spec.id);
    const matched = targetedChanges(spec.targets, sorted, all);
    if (targetsTouched(matched)) touched.add(spec.id);
    for (const f of matched ?? []) if (set.has(f)) targeted.add(f);
  }
  return { touched, targeted, listing: { ...listing, files, set } };
}

/** A spec is touched when its targets match a changed file, or when a glob is invalid (the spec's finding: matchTargets reports it). */
const targetsTouched = (matched: string[] | undefined) => matched === undefined || matched.length > 0;

/**
 * The changed files a spec's targets match, deleted ones too (a target the
 * change deleted may leave the spec's glob matching nothing), each glob
 * tried only below its static folder; undefined when a glob is invalid.
 */
function targetedChanges(patterns: readonly string[], sorted: string[], set: Set<string>): string[] | undefined {
  const out: string[] = [];
  for (const pattern of patterns) {
    const start = staticStart(pattern);
    if (start !== undefined && !someStartsWith(sorted, start)) continue;
    try {
      out.push(...matchGlob(compileGlob(pattern), sorted, set));
    } catch {
      return undefined;
    }
  }
  return out;
}

/** Whether a path of `sorted` begins with `start` (they would sort together). */
function someStartsWith(sorted: string[], start: string): boolean {
  const at = firstFrom(sorted, start);
  return at < sorted.length && sorted[at].startsWith(start);
}
