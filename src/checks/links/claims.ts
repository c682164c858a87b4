// Capability claims tests make with `{ meta: { capabilities: [...] } }` or
// `{ tags: [...] }` (a tag that is a capability id), found
// without running the tests. (A worker thread for this scan was measured: on
// two cores it slowed spec parsing as much as it saved, so it runs inline.)

import { ParseCache } from '../../artifacts/cache.js';
import type { GuardedReader } from '../../util/guarded.js';
import { extractTests, type StaticTest } from './test-names.js';

export interface Claim {
  id: string;
  file: string;
  line: number;
  /** Full name of the claiming test (`describe > it`). */
  test: string;
  /** `meta.capabilities` names capabilities; a tag may just be a tag. */
  via: 'meta' | 'tag';
}

export interface ClaimScan {
  claims: Claim[];
  /** The tests of every file that was tokenised, so that no file is tokenised twice. */
  parsed: Map<string, StaticTest[]>;
}

/**
 * Reads each test file (unless the cache knows it unchanged); only those that
 * mention `capabilities` or `tags`, or that a `[@test]` link names (`linked`),
 * are tokenised, once, and the link check gets those tests too.
 */
export function scanClaims(reader: GuardedReader, files: readonly string[], cache = ParseCache.open(undefined, ''), linked: ReadonlySet<string> = new Set()): ClaimScan {
  const claims: Claim[] = [];
  const parsed = new Map<string, StaticTest[]>();
  const { root } = reader;
  // Most test files claim nothing: the cache keeps them, with their stamps, in one entry, so that
  // each costs one comparison (a lookup of its own entry cost ten times that, in ten thousand files).
  const kept = cache.enabled ? silentTests(cache, root) : undefined;
  const silentBefore = new Map(kept);
  const silent: [string, string][] = [];
  for (const file of files) {
    const wanted = linked.has(file);
    const stamp = cache.enabled ? cache.stampOf(root, file, []) : undefined;
    if (stamp !== undefined && !wanted && silentBefore.get(file) === stamp) {
      silent.push([file, stamp]);
      continue;
    }
    let named: StaticTest[] | undefined;
    // `false`: the file claims nothing (most files), kept so that it is not read again.
    const tests = cache.fromFile<StaticTest[] | false>(CLAIMS_KIND, root, file, () => {
      const bytes = reader.tryBytes(file, 'test');
      if (bytes === undefined) return undefined;
      const claiming = mayClaim(bytes);
      if (claiming || wanted) named = extractTests(bytes.toString('utf8')).tests;
      return claiming ? named : false;
    });
    if (named) cache.keepFromFile(TESTS_KIND, root, file, named);
    const known = named ?? (tests || undefined);
    if (known) parsed.set(file, known);
    if (tests === false && stamp !== undefined && cache.settled(root, [file])) silent.push([file, stamp]);
    if (!tests) continue;
    for (const t of tests) {
      for (const c of t.capabilities) claims.push({ id: c.id, file, line: c.line, test: t.fullName, via: 'meta' });
      for (const tag of t.tags) claims.push({ id: tag, file, line: t.line, test: t.fullName, via: 'tag' });
    }
  }
  if (cache.enabled && !samePairs(silent, kept)) cache.store(SILENT_KIND, root, silent);
  return { claims, parsed };
}

/** The test files that claimed nothing when last read, with their stamps, as the cache holds them. */
const silentTests = (cache: ParseCache, root: string) => pairs(cache.lookup<unknown>(SILENT_KIND, root));

/** Reads that list now, if the cache has one (a scoped plan does, while git lists the files); the scan then finds it decoded. */
export function preloadSilentTests(cache: ParseCache, root: string): void {
  if (cache.enabled && cache.peek(SILENT_KIND, root)) silentTests(cache, root);
}

/** The `[file, stamp]` pairs of a cached value (a garbled value holds none). */
function pairs(value: unknown): [string, string][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

const samePairs = (a: [string, string][], b: [string, string][] | undefined) => b !== undefined && a.length === b.length && a.every(([file, stamp], i) => b[i][0] === file && b[i][1] === stamp);

/** By test file: its tests when it may claim a capability, else `false`. */
const CLAIMS_KIND = 'file:claims-1';
/** By project root: the test files that claim nothing, with their stamps. */
const SILENT_KIND = 'silent-tests-1';
/** By test file a link names: its tests. */
export const TESTS_KIND = 'file:tests-1';

/** A tag claim names a capability id, which always holds a `/`: `tags: ['cart/total']`. */
const TAG_CLAIM = /^tags['"]?\s*:\s*\[[^\]]*?['"`][^'"`\s]*\//;

/**
 * Whether a test file may claim a capability, judged on its bytes: most test
 * files mention neither `capabilities` nor a tag with a `/`, and are never
 * decoded or tokenised.
 */
function mayClaim(bytes: Buffer): boolean {
  if (bytes.indexOf('capabilities') !== -1) return true;
  for (let i = bytes.indexOf('tags'); i !== -1; i = bytes.indexOf('tags', i + 4)) {
    if (TAG_CLAIM.test(bytes.toString('latin1', i, Math.min(bytes.length, i + 400)))) return true;
  }
  return false;
}
