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
  // What every test file claimed when last read, with its stamp, as one table: each unchanged file
  // costs a comparison (a lookup of its own entry cost ten times that, in ten thousand files).
  const table = cache.fileRows(TABLE_KIND, root, (v): v is StaticTest[] | 0 => v === 0 || isTests(v));
  const claim = (file: string, tests: StaticTest[]) => {
    for (const t of tests) {
      for (const c of t.capabilities) claims.push({ id: c.id, file, line: c.line, test: t.fullName, via: 'meta' });
      for (const tag of t.tags) claims.push({ id: tag, file, line: t.line, test: t.fullName, via: 'tag' });
    }
  };
  for (const file of files) {
    const wanted = linked.has(file);
    // Read when its row is stale; the names of an unchanged file that claims nothing, if a link needs them, are kept by file (see TestIndex).
    let named: StaticTest[] | undefined;
    // 0: the file claims nothing (most files).
    const tests = table.value(file, () => {
      const bytes = reader.tryBytes(file, 'test');
      if (bytes === undefined) return undefined;
      const claiming = mayClaim(bytes);
      if (claiming || wanted) named = extractTests(bytes.toString('utf8')).tests;
      return claiming ? named! : 0;
    });
    if (named) cache.keepFromFile(TESTS_KIND, root, file, named);
    const known = named ?? (tests || undefined);
    if (known) parsed.set(file, known);
    if (tests) claim(file, tests);
  }
  table.keep();
  return { claims, parsed };
}

const isTests = (value: unknown): value is StaticTest[] =>
  Array.isArray(value) && value.every((t: Partial<StaticTest> | null) => typeof t?.fullName === 'string' && Array.isArray(t.capabilities) && Array.isArray(t.tags));

/** Reads the table now, and the sections a changed test file is looked up in (a scoped plan does, while git lists the files): the scan then finds them read. */
export function preloadClaims(cache: ParseCache, root: string): void {
  cache.preload(TABLE_KIND, root);
  cache.warm(TESTS_KIND);
}

/** By project root: every test file with its stamp and its tests when it may claim a capability, else 0. */
const TABLE_KIND = 'test-claims-1';
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
    // A tag claim has a `/` within the text the pattern is tried on: where none follows, nothing is decoded.
    const slash = bytes.indexOf(SLASH, i);
    if (slash === -1) return false;
    if (slash >= i + TAG_WINDOW) continue;
    if (TAG_CLAIM.test(bytes.toString('latin1', i, Math.min(bytes.length, i + TAG_WINDOW)))) return true;
  }
  return false;
}

const SLASH = 0x2f;
const TAG_WINDOW = 400;
