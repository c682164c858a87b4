// The spec model of a project: every spec file read once by its format's
// reader, the targets sdna.config adds, and every problem found. `sdna export`
// writes it; `createPlan` plans from it. A spec whose stamp (its companions'
// too; see `filesStamp`) is unchanged comes from the cache: the watch session's
// in memory, or the parse cache across runs.

import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import { outlineOf, type Format, type Spec, type SpecOutline } from './model/model.js';
import { configGlobs } from './util/globs.js';
import { GuardedReader, readInRoot } from './util/guarded.js';
import { readSpecFile } from './formats/read.js';
import { companionPaths, formatOf, READERS, type Parse } from './formats/readers.js';
import type { SpecProblem } from './formats/problem.js';
import type { ReadResult } from './formats/tessl.js';
import { fileKey, filesStamp, type ParseCache } from './artifacts/cache.js';

/** The specs as read, and what their readers found wrong (each with its spec id and file). */
export interface SpecModel {
  specs: Spec[];
  problems: { spec: string; file: string; problem: SpecProblem }[];
}

/**
 * Specs read before, by file: a spec whose stamp (and its companions') is
 * unchanged is not read again. In memory for a watch
 * session; in the parse cache across runs (`specsIn`).
 */
export interface SpecCache {
  get(file: string): SpecCacheEntry | undefined;
  set(file: string, entry: SpecCacheEntry): void;
  /** The stamp of a spec and its companions, when the cache knows better than a stat (git's object ids). */
  stamp?(file: string): string | undefined;
  /** Every spec's outline with its stamp, as one table (the parse cache's): what a scoped plan matches a change against. */
  outlines?: OutlineTable;
}

/** The outlines of a root's specs as last read, by spec file; `keep` records them as read now. */
export interface OutlineTable {
  get(file: string): OutlineEntry | undefined;
  keep(rows: OutlineRow[]): void;
}

export type OutlineRow = OutlineEntry & { file: string };

export type SpecCacheEntry = { stamp: string; problem?: SpecProblem; read?: ReadResult };
/** `outline` is absent for a file that holds no spec (it could not be read). */
export type OutlineEntry = { stamp: string; outline?: SpecOutline };

/** The parse cache as a spec cache: the next run reads no spec whose stamp is unchanged. */
export function specsIn(cache: ParseCache, root: string): SpecCache {
  const settled = (file: string) => cache.settled(root, [file, ...companionPaths(file)]);
  return {
    // Stored as read: nothing changes a spec once read (the plan extends copies), so nothing of a plan's reaches the cache.
    get: (file) => {
      const hit = cache.lookup<SpecCacheEntry>(SPEC_KIND, fileKey(root, file));
      return typeof hit?.stamp === 'string' ? hit : undefined;
    },
    set: (file, entry) => {
      if (settled(file)) cache.store(SPEC_KIND, fileKey(root, file), entry);
    },
    stamp: (file) => cache.stampOf(root, file, companionPaths(file)),
    outlines: outlineTable(cache, root, settled),
  };
}

/**
 * A root's outlines as one table (`ParseCache.table`), `[file, stamp, outline
 * or 0]` rows in the listing's order (0: the file holds no spec): a scoped plan
 * decodes one list instead of looking up two thousand entries.
 */
function outlineTable(cache: ParseCache, root: string, settled: (file: string) => boolean): OutlineTable {
  const table = cache.table(OUTLINES_KIND, root, (v): v is SpecOutline | 0 => v === 0 || (typeof v === 'object' && v !== null));
  return {
    get: (file) => {
      const row = table.get(file);
      return row && { stamp: row.stamp, outline: row.value === 0 ? undefined : row.value };
    },
    // Nothing is sorted out (a stat for each file read again) for a cache that keeps nothing.
    keep: (rows) => {
      if (cache.keeps) table.keep(rows.filter((r) => table.get(r.file)?.stamp === r.stamp || settled(r.file)).map((r) => [r.file, r.stamp, r.outline ?? 0]));
    },
  };
}

/** Reads the table now, and the section the specs a change touches are read from (a scoped plan does, while git lists the files): the plan then finds them read. */
export function preloadOutlines(cache: ParseCache, root: string): void {
  cache.preload(OUTLINES_KIND, root);
  cache.warm(SPEC_KIND);
}

/** Bumped when a reader's output changes shape, so that specs read by an older reader are read again. */
const SPEC_KIND = 'file:spec-3';
/** By project root: every spec's outline (`outlineTable`). */
const OUTLINES_KIND = 'spec-outlines-1';

/** A spec file as its reader left it: a problem that kept it from being read, or what it read. */
interface SpecRead {
  file: string;
  /** The id its problems are grouped under when it holds no spec. */
  fallbackId: string;
  stamp?: string;
  problem?: SpecProblem;
  read?: ReadResult;
}

let parsers: Promise<Record<Format, Parse>> | undefined;

/** The readers' parsers (Markdown, YAML), loaded once: a plan whose specs all come from the cache never loads them. */
export const loadParsers = (): Promise<Record<Format, Parse>> => (parsers ??= import('./formats/parsers.js').then((m) => m.PARSERS));

/** Whether a plan will parse specs: the cache holds none (a cold plan), or there is no cache. */
export const parsesSpecs = (cache: ParseCache | undefined): boolean => !cache?.holds(SPEC_KIND);

/** Reads spec files through the cache; the parsers load at the first spec the cache does not hold, so a warm plan never loads them. */
function specReader(cache: SpecCache | undefined, fileReader: GuardedReader) {
  const stampOfFile = (file: string) => cache && (cache.stamp ? cache.stamp(file) : stampOf(fileReader.root, file));
  return {
    stampOf: stampOfFile,
    async read(file: string, format: Format, stamp = stampOfFile(file)): Promise<SpecRead> {
      const fallbackId = READERS[format].idOf(file);
      const hit = stamp === undefined ? undefined : cache!.get(file);
      if (hit !== undefined && hit.stamp === stamp) return { ...hit, file, fallbackId };
      const result = freshRead(fileReader, file, (await loadParsers())[format]);
      if (stamp !== undefined) cache!.set(file, { stamp, ...result });
      return { file, fallbackId, stamp, ...result };
    },
  };
}

/** Reads every spec file among `files` into the model. */
export async function readModel(config: ResolvedConfig, files: string[], cache?: SpecCache, fileReader = new GuardedReader(config.root)): Promise<SpecModel> {
  const isSpec = configGlobs('specs', config.specs).test;
  const reader = specReader(cache, fileReader);
  const read: SpecRead[] = [];
  for (const file of files) {
    const format = isSpec(file) ? formatOf(file) : undefined;
    if (!format) continue;
    read.push(await reader.read(file, format));
  }
  // The outlines a later plan scoped to a change matches against.
  cache?.outlines?.keep(read.flatMap(({ file, stamp, read: r }) => (stamp === undefined ? [] : [{ file, stamp, outline: r?.spec && outlineOf(r.spec) }])));
  return modelOf(config, read, read.flatMap((r) => r.read?.spec ?? []));
}

/**
 * The model a plan scoped to a change needs: every spec's outline (from the
 * cache while its file is unchanged, else read), then in full only the specs
 * whose ids `pick` chooses from the outlines (config targets added).
 */
export async function readScoped(
  config: ResolvedConfig,
  files: string[],
  cache: SpecCache | undefined,
  fileReader: GuardedReader,
  pick: (outlines: SpecOutline[]) => ReadonlySet<string>,
): Promise<{ model: SpecModel; outlines: SpecOutline[] }> {
  const isSpec = configGlobs('specs', config.specs).test;
  const reader = specReader(cache, fileReader);
  const targetsOf = configTargets(config);
  const found: { file: string; format: Format; stamp?: string; outline?: SpecOutline; read?: SpecRead }[] = [];
  const outlines = cache?.outlines;
  for (const file of files) {
    const format = isSpec(file) ? formatOf(file) : undefined;
    if (!format) continue;
    const stamp = reader.stampOf(file);
    const kept = stamp === undefined ? undefined : outlines?.get(file);
    if (kept !== undefined && kept.stamp === stamp) {
      found.push({ file, format, stamp, outline: kept.outline });
      continue;
    }
    const read = await reader.read(file, format, stamp);
    found.push({ file, format, stamp, outline: read.read?.spec && outlineOf(read.read.spec), read });
  }
  outlines?.keep(found.flatMap(({ file, stamp, outline }) => (stamp === undefined ? [] : [{ file, stamp, outline }])));
  const all = found.flatMap(({ outline }) => {
    if (!outline) return [];
    const added = targetsOf(outline.file).filter((t) => !outline.targets.includes(t));
    return [added.length === 0 ? outline : { ...outline, targets: [...outline.targets, ...added] }];
  });
  const chosen = pick(all);
  const read: SpecRead[] = [];
  for (const f of found) {
    if (!chosen.has(f.outline?.id ?? READERS[f.format].idOf(f.file))) continue;
    read.push(f.read ?? (await reader.read(f.file, f.format, f.stamp)));
  }
  return { model: modelOf(config, read, all), outlines: all };
}

/** The specs read, with the config's targets, and every problem found: the readers', and ids that several specs share (among `all`). */
function modelOf(config: ResolvedConfig, read: SpecRead[], all: { id: string; file: string }[]): SpecModel {
  const specs: Spec[] = [];
  const problems: SpecModel['problems'] = [];
  for (const { file, fallbackId, problem, read: result } of read) {
    if (problem) {
      problems.push({ spec: fallbackId, file, problem });
      continue;
    }
    const { spec, problems: found } = result!;
    const id = spec?.id ?? fallbackId;
    for (const p of found) problems.push({ spec: id, file, problem: p });
    if (spec) specs.push(spec);
  }
  const files = new Set(read.map((r) => r.file));
  problems.push(...duplicateIds(all).filter((p) => files.has(p.file)));
  return { specs: withConfigTargets(config, specs), problems };
}

function duplicateIds(specs: { id: string; file: string }[]): SpecModel['problems'] {
  const byId = new Map<string, { id: string; file: string }[]>();
  for (const s of specs) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  const problems: SpecModel['problems'] = [];
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const s of group) {
      const others = group.filter((o) => o !== s).map((o) => o.file);
      problems.push({
        spec: id,
        file: s.file,
        problem: {
          code: 'duplicate-spec-id',
          subject: id,
          line: 1,
          actual: `spec id \`${id}\` is also the id of ${others.join(', ')}`,
          hint: 'give each spec a distinct `id:` in its frontmatter (`id: <unique-name>`)',
        },
      });
    }
  }
  return problems;
}

function freshRead(files: GuardedReader, file: string, parse: Parse): { problem?: SpecProblem; read?: ReadResult } {
  const { text, problem } = readSpecFile(files, file);
  const companion = (name: string) => readSpecFile(files, path.posix.join(path.posix.dirname(file), name)).text;
  return problem ? { problem } : { read: parse(file, text!, companion) };
}

/** The stamps of a spec and of the files its reader reads beside it: what says it is unchanged. */
function stampOf(root: string, file: string): string | undefined {
  return filesStamp(root, file, companionPaths(file));
}

/** The target patterns sdna.config gives a spec file (by `{ path, targets }` entries). */
function configTargets(config: ResolvedConfig): (file: string) => string[] {
  if (config.specTargets.length === 0) return () => [];
  const entries = config.specTargets.map((entry) => ({ ...entry, matches: configGlobs('specs', [entry.path]).test }));
  return (file) => [...new Set(entries.flatMap((e) => (e.matches(file) ? e.targets : [])))];
}

/** Targets sdna.config gives the specs whose file a `{ path, targets }` entry matches, at their line in the config file. */
function withConfigTargets(config: ResolvedConfig, specs: Spec[]): Spec[] {
  if (config.specTargets.length === 0) return specs;
  const where = configLines(config);
  const targetsOf = configTargets(config);
  return specs.map((spec) => {
    const known = new Set(spec.targets.map((t) => t.pattern));
    const added = targetsOf(spec.file).filter((t) => !known.has(t)).map((t) => ({ glob: t, pattern: t, via: 'config' as const, ...where(t) }));
    // A spec as read is shared with the cache: a spec with more targets is a copy.
    return added.length === 0 ? spec : { ...spec, targets: [...spec.targets, ...added] };
  });
}

/** Where a config target is written: the config file and the line of its first mention (line 1 of the spec without a file). */
function configLines(config: ResolvedConfig): (glob: string) => { line: number; file?: string } {
  if (config.source === undefined) return () => ({ line: 1 });
  let text = '';
  try {
    text = readInRoot(config.root, config.source, 'config') ?? '';
  } catch {
    // The config was read a moment ago; if it cannot be now, line 1 will do.
  }
  const file = config.source;
  return (glob) => {
    const at = [JSON.stringify(glob), `'${glob}'`].map((q) => text.indexOf(q)).find((i) => i >= 0);
    return { file, line: at === undefined ? 1 : text.slice(0, at).split('\n').length };
  };
}
