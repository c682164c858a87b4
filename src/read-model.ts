// The spec model of a project: every spec file read once by its format's
// reader, the targets sdna.config adds, and every problem found. `sdna export`
// writes it; `createPlan` plans from it. A spec whose stamp (its companions'
// too; see `fileStamp`) is unchanged comes from the cache: the watch session's
// in memory, or the parse cache across runs.

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { Format, Spec } from './model/model.js';
import { configGlobs } from './util/globs.js';
import { GuardedReader, readInRoot } from './util/guarded.js';
import { readSpecFile } from './formats/read.js';
import { companionPaths, formatOf, READERS, type Parse } from './formats/readers.js';
import type { SpecProblem } from './formats/problem.js';
import type { ReadResult } from './formats/tessl.js';
import { fileKey, fileStamp, joinedStamp, projectPath, type ParseCache } from './artifacts/cache.js';

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
}

export type SpecCacheEntry = { stamp: string; problem?: SpecProblem; read?: ReadResult };

/** The parse cache as a spec cache: the next run reads no spec whose stamp is unchanged. */
export function specsIn(cache: ParseCache, root: string): SpecCache {
  return {
    // Stored as read: nothing changes a spec once read (the plan extends copies), so nothing of a plan's reaches the cache.
    get: (file) => {
      const hit = cache.lookup<SpecCacheEntry>(SPEC_KIND, fileKey(root, file));
      return typeof hit?.stamp === 'string' ? hit : undefined;
    },
    set: (file, entry) => {
      if (cache.settled(root, [file, ...companionPaths(file)])) cache.store(SPEC_KIND, fileKey(root, file), entry);
    },
    stamp: (file) => cache.stampOf(root, file, companionPaths(file)),
  };
}

/** Bumped when a reader's output changes shape, so that specs read by an older reader are read again. */
const SPEC_KIND = 'file:spec-3';

/**
 * Reads every spec file among `files` into the model. The parsers load at the
 * first spec the cache does not hold: a warm plan never loads them.
 */
export async function readModel(config: ResolvedConfig, files: string[], cache?: SpecCache, fileReader = new GuardedReader(config.root)): Promise<SpecModel> {
  const isSpec = configGlobs('specs', config.specs).test;
  const specs: Spec[] = [];
  const problems: SpecModel['problems'] = [];
  let parsers: Record<Format, Parse> | undefined;
  const parse = async (file: string, format: Format) => freshRead(fileReader, file, (parsers ??= (await import('./formats/parsers.js')).PARSERS)[format]);
  for (const file of files) {
    const format = isSpec(file) ? formatOf(file) : undefined;
    if (!format) continue;
    const reader = READERS[format];
    const fallbackId = reader.idOf(file);
    const stamp = cache && (cache.stamp ? cache.stamp(file) : stampOf(fileReader.root, file));
    const hit = stamp === undefined ? undefined : cache!.get(file);
    let result: { problem?: SpecProblem; read?: ReadResult };
    if (hit !== undefined && hit.stamp === stamp) result = hit;
    else {
      result = await parse(file, format);
      if (stamp !== undefined) cache!.set(file, { stamp, ...result });
    }
    const { problem, read } = result;
    if (problem) {
      problems.push({ spec: fallbackId, file, problem });
      continue;
    }
    const { spec, problems: found } = read!;
    const id = spec?.id ?? fallbackId;
    for (const p of found) problems.push({ spec: id, file, problem: p });
    if (spec) specs.push(spec);
  }
  problems.push(...duplicateIds(specs));
  return { specs: withConfigTargets(config, specs), problems };
}

function duplicateIds(specs: Spec[]): SpecModel['problems'] {
  const byId = new Map<string, Spec[]>();
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
  const at = (f: string) => projectPath(root, f);
  return joinedStamp([file, ...companionPaths(file)], (f) => fileStamp(at(f)), (f) => fs.existsSync(at(f)));
}

/** Targets sdna.config gives the specs whose file a `{ path, targets }` entry matches, at their line in the config file. */
function withConfigTargets(config: ResolvedConfig, specs: Spec[]): Spec[] {
  if (config.specTargets.length === 0) return specs;
  const where = configLines(config);
  const entries = config.specTargets.map((entry) => ({ ...entry, matches: configGlobs('specs', [entry.path]).test }));
  return specs.map((spec) => {
    let targets = spec.targets;
    for (const entry of entries) {
      if (!entry.matches(spec.file)) continue;
      const known = new Set(targets.map((t) => t.pattern));
      const added = entry.targets.filter((t) => !known.has(t)).map((t) => ({ glob: t, pattern: t, via: 'config' as const, ...where(t) }));
      if (added.length) targets = [...targets, ...added];
    }
    // A spec as read is shared with the cache: a spec with more targets is a copy.
    return targets === spec.targets ? spec : { ...spec, targets };
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
