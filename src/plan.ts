// The static plan: read the spec model, run every static check (src/checks/),
// judge capability statuses (src/statuses.ts), then sort and gate. Pure data
// in, data out; nothing is written.

import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { ParseCache } from './artifacts/cache.js';
import { cmp, type FindingInput } from './model/findings.js';
import { linksOf, outlineOf, type Plan, type SpecOutline } from './model/model.js';
import { concernsAll, scopeToChange, touchedBy } from './change-scope.js';
import { loadParsers, parsesSpecs, preloadOutlines, readModel, readScoped, specsIn, type SpecCache, type SpecModel } from './read-model.js';
import { keepPlan, memoKey, memoPlan } from './artifacts/plan-memo.js';
import { problemFinding } from './formats/problem.js';
import { checkScope, matchTargets } from './checks/scope.js';
import { generatedCheck, preloadGenerated, unmarked } from './checks/generated/index.js';
import { GLANCE_THREAD_AFTER, glanceAhead } from './checks/generated/glances.js';
import { checkLinks } from './checks/links/index.js';
import { applyRecords, recordedOutlines } from './checks/links/recorded.js';
import { readRecords } from './artifacts/links.js';
import { preloadClaims, scanClaims, type ClaimScan } from './checks/links/claims.js';
import { TestIndex } from './checks/links/test-index.js';
import { checkPendingChanges } from './checks/pending-changes.js';
import { gate, staticStatuses, testDirOf } from './statuses.js';
import { levels } from './model/levels.js';
import { BASELINE_FILE, readBaseline } from './artifacts/baseline.js';
import { checkRoot } from './util/root.js';
import { listFilesAsync, type FileList } from './util/files.js';
import { GuardedReader, readInRoot } from './util/guarded.js';
import { configGlobs } from './util/globs.js';
import { timed, timedAsync } from './util/perf.js';

export interface PlanOptions {
  /** Plan without `.sdna/baseline.json`: every finding counts (`sdna baseline` itself plans so). */
  ignoreBaseline?: boolean;
  specCache?: SpecCache;
  /** Parse results by content hash, kept between runs; the caller saves it. */
  cache?: ParseCache;
  /** Plan from this model (`sdna plan --from`) instead of reading the spec files. */
  model?: SpecModel;
  /**
   * Files a change touched (`--since`, `--staged`, a hook's file arguments):
   * the plan is scoped to it (`scopeToChange`). Only the specs it touches are
   * read in full and checked, and only these files for `unspecified-code`;
   * every other spec is matched against the change by its outline, kept in
   * the parse cache beside it. A promise (git's answer) is awaited only once
   * the claims are read.
   */
  changed?: ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /** How the change was given (`--since origin/main`), for the scoped plan to say. */
  by?: string;
  /** The project's files, when the caller started listing them early. */
  listing?: Promise<FileList>;
}

/**
 * Scoped to the change when `options.changed` is given (see `scopeToChange`).
 * Async so that checks can do I/O (API drift loads TypeScript) without changing callers.
 */
export async function createPlan(config: ResolvedConfig, options: PlanOptions = {}): Promise<Plan> {
  const root = path.resolve(config.root);
  checkRoot(root);
  const include = configGlobs('include', config.include);
  const exclude = configGlobs('exclude', config.exclude);
  const isTest = configGlobs('tests', config.tests).test;
  const { rules } = config;
  const checksGenerated = rules['generated-edited'] !== 'off' || rules['generated-unrecorded'] !== 'off';

  // Every file the checks read goes through this one reader; what it refuses is reported below.
  const reader = new GuardedReader(root);
  const asked = options.listing ?? listFilesAsync(root);
  // While git lists the files, a scoped plan loads the spec parsers (a spec the change edited needs them),
  // the tests' claims and the specs' outlines. A whole plan loads the parsers then when it will parse
  // every spec (none cached): 3 % of a cold 2,000-file plan. A warm one may parse none.
  if (options.changed !== undefined || (!options.model && parsesSpecs(options.cache))) loadParsers().catch(() => undefined);
  if (options.changed !== undefined) {
    if (options.cache) {
      preloadClaims(options.cache, root);
      preloadOutlines(options.cache, root);
      if (checksGenerated) preloadGenerated(options.cache, root);
    }
  }
  const listing = await timedAsync('list files', () => asked);
  options.cache?.markListed(root, listing);
  reader.knowFolders(listing.folders);
  // Nothing changed since a plan was made: that plan (a plan scoped to a change, or from a model, is made afresh).
  const memo = options.cache?.enabled && !options.model && !options.changed && !options.specCache ? options.cache : undefined;
  const key = memo && timed('stamps', () => memoKey(memo, config, listing, Boolean(options.ignoreBaseline)));
  const kept = key && memoPlan(memo!, root, key);
  if (kept) return kept;
  const specCache = options.specCache ?? (options.cache?.enabled ? specsIn(options.cache, root) : undefined);
  const testFiles = listing.files.filter(isTest);
  const testDir = testDirOf(testFiles);

  // A plan scoped to a change: the claims first (a changed test touches the specs it claims),
  // then git's answer, then every spec's outline and only the specs the change touches in full.
  let scan: ClaimScan | undefined;
  let narrow: ReadonlySet<string> | undefined;
  if (options.changed !== undefined) {
    scan = timed('claims', () => scanClaims(reader, testFiles, options.cache));
    const changed = await options.changed;
    // A change to the config or to sdna's records concerns every spec.
    narrow = [...changed].some((f) => concernsAll(f, config.source)) ? undefined : changed;
  }
  // Read once: the outlines a change is matched against and the specs checked both gain what they record.
  const records = readRecords(root);
  let change: ReturnType<typeof touchedBy> | undefined;
  const pick = (all: SpecOutline[]) => {
    const recorded = recordedOutlines(records, all);
    change = timed('change', () => touchedBy(recorded.outlines, narrow!, scan!.claims, listing));
    return recorded.checkedWith(change.touched);
  };
  let model: SpecModel;
  let known: SpecOutline[] | undefined;
  if (options.model) model = narrow ? pickFrom(options.model, pick) : options.model;
  else if (narrow) ({ model, outlines: known } = await timedAsync('specs', () => readScoped(config, listing.files, specCache, reader, pick)));
  else model = await timedAsync('specs', () => readModel(config, listing.files, specCache, reader));
  const found: FindingInput[] = model.problems.map(({ spec, file, problem }) => problemFinding(spec, file, problem));
  // Links and targets `sdna import --write` recorded count like written ones.
  const recorded = timed('recorded links', () => applyRecords(root, model.specs, records));
  // Every spec, or those a change touches.
  const checked = recorded.specs;
  found.push(...recorded.findings);
  // Test files a fragment link names are tokenised in the same read as the claims scan's.
  const linked = () => new Set(checked.flatMap((s) => linksOf(s).filter((l) => l.fragment !== undefined).map((l) => l.file)));
  const { targetFiles, findings: targetFindings } = timed('match targets', () => matchTargets(checked, listing));
  found.push(...targetFindings);
  // A large plan's glances at its targets' first bytes (the generated-file check's) go to a helper thread now, as the tests are read.
  const generated = checksGenerated ? generatedCheck(reader, checked, targetFiles, options.cache) : undefined;
  const toGlanceAt = generated?.toGlance() ?? [];
  const glancing = toGlanceAt.length >= GLANCE_THREAD_AFTER ? glanceAhead({ root, folders: [...(listing.folders ?? [])], files: toGlanceAt }) : undefined;
  scan ??= timed('claims', () => scanClaims(reader, testFiles, options.cache, linked()));
  const targeted = change?.targeted ?? new Set([...targetFiles.values()].flat());
  found.push(...timed('scope', () => checkScope(include, exclude.test, change?.listing ?? listing, targeted)));
  // Every capability of the project, also of the specs a scoped plan does not check: a test's claim of one is no broken link.
  const capabilityIds = known ? known.flatMap((o) => o.capabilities) : (options.model ?? model).specs.flatMap((s) => s.capabilities.map((c) => c.id));
  const links = timed('links', () => checkLinks(checked, scan!.claims, new TestIndex(reader, listing.set, scan!.parsed, options.cache), capabilityIds));
  found.push(...links.findings);
  const { capabilities, findings: untested } = timed('statuses', () => staticStatuses(checked, links.testsOf, testDir));
  found.push(...untested);
  found.push(...timed('pending changes', () => checkPendingChanges(reader, listing.files, capabilities)));
  // The API check comes last, once the tests the claims scan kept are let go (32 MB at 100,000 files):
  // its syntax trees make the memory peak. It, and TypeScript with it, loads only when some spec has an `## API` block.
  scan = undefined;
  const withApi = checked.filter((s) => s.api.length > 0);
  // The generated-file check comes after it: a target it read whole need not be opened again for its first lines.
  const plain = new Set<string>();
  if (withApi.length > 0 && rules['api-drift'] !== 'off') {
    const { checkApi } = await import('./checks/api-drift/index.js');
    const onRead = checksGenerated ? (file: string, text: string) => void (unmarked(text) && plain.add(file)) : undefined;
    found.push(...(await timedAsync('api', () => checkApi({ root, specs: withApi, targetFiles, cache: options.cache, reader, onRead }))));
  }
  if (generated) {
    const marked = glancing && (await timedAsync('wait for glances', () => glancing));
    found.push(...timed('generated', () => generated.run(plain, marked)));
  }
  for (const { file, ...data } of reader.refused) found.push({ kind: 'unread-file', file, line: 1, data });
  // What the listing would not read counts when sdna would have read it: a spec, a test, code in scope.
  const isSpec = configGlobs('specs', config.specs).test;
  for (const { file, reason, why } of listing.refused) {
    const as = isSpec(file) ? 'spec' : isTest(file) ? 'test' : include.test(file) && !exclude.test(file) ? 'source' : undefined;
    if (as) found.push({ kind: 'unread-file', file, line: 1, data: { as, reason, why } });
  }

  const specFiles = specFilesOf(model);
  const entries = options.ignoreBaseline ? undefined : readBaseline(root);
  const levelOf = levels(rules, config.overrides);
  const gated = timed('gate', () => gate(levelOf, specFiles, found, entries && { file: BASELINE_FILE, entries }));
  const plan: Plan = {
    version: 1,
    mode: 'static',
    root,
    project: projectName(root),
    specs: [...checked].sort((a, b) => cmp(a.file, b.file)),
    capabilities,
    ...gated,
    targetFiles,
    specFiles,
    testDir,
  };
  // Kept only if every file read is as git vouched for it (see ParseCache.settled).
  const opened = [...reader.opened];
  if (key && memo!.settled(root, opened)) keepPlan(memo!, root, key, plan, opened.filter((f) => !listing.set.has(f)));
  if (options.changed === undefined) return plan;
  const of = known ? known.length : (options.model ?? model).specs.length;
  return scopeToChange(plan, await options.changed, options.by ?? 'the change', levelOf, config.source, of);
}

/** The specs of a model (`--from`) that `pick` chooses from their outlines, and their problems. */
function pickFrom(model: SpecModel, pick: (outlines: SpecOutline[]) => ReadonlySet<string>): SpecModel {
  const chosen = pick(model.specs.map(outlineOf));
  return { specs: model.specs.filter((s) => chosen.has(s.id)), problems: model.problems.filter((p) => chosen.has(p.spec)) };
}

export function projectName(root: string): string {
  try {
    const pkg = JSON.parse(readInRoot(root, 'package.json', 'manifest') ?? '{}') as { name?: unknown } | null;
    if (typeof pkg?.name === 'string' && pkg.name) return pkg.name;
  } catch {
    // No readable package.json: the folder's name will do.
  }
  return path.basename(root);
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
