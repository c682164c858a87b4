// Test files as `[@test]` links see them: each is read and tokenised at most
// once per run, and only when a link's fragment needs its test names.

import { extractTests, nameContains, type StaticTest } from './test-names.js';
import type { TestLink } from '../../model/model.js';
import { ParseCache } from '../../artifacts/cache.js';
import { TESTS_KIND } from './claims.js';
import type { GuardedReader } from '../../util/guarded.js';

export type LinkCheck = { ok: true; tests: StaticTest[] } | { ok: false; reason: 'missing' | 'unreadable' | 'no-match' };

export class TestIndex {
  private readonly readable = new Map<string, boolean>();

  constructor(
    private readonly reader: GuardedReader,
    private readonly listed: Set<string>,
    /** Tests already extracted (by the claims scan), by file. */
    private readonly parsed = new Map<string, StaticTest[]>(),
    private readonly cache = ParseCache.open(undefined, ''),
  ) {}

  /** A file outside the listing (git-ignored, say) is looked for on disk. */
  exists(file: string): boolean {
    if (this.listed.has(file)) return true;
    let known = this.readable.get(file);
    if (known === undefined) this.readable.set(file, (known = this.reader.tryText(file, 'test') !== undefined));
    return known;
  }

  /** The file's tests, or undefined when it cannot be read. */
  tests(file: string): StaticTest[] | undefined {
    let tests = this.parsed.get(file);
    if (!tests) {
      tests = this.cache.fromFile(TESTS_KIND, this.reader.root, file, () => {
        const text = this.reader.tryText(file, 'test');
        return text === undefined ? undefined : extractTests(text).tests;
      });
      if (tests) this.parsed.set(file, tests);
    }
    return tests;
  }

  /** Checks a `[@test]` link: the file exists and a fragment names some test in it. */
  check(link: TestLink): LinkCheck {
    if (!this.exists(link.file)) return { ok: false, reason: 'missing' };
    if (link.fragment === undefined) return { ok: true, tests: [] };
    const all = this.tests(link.file);
    if (all === undefined) return { ok: false, reason: 'unreadable' };
    const tests = all.filter((t) => nameContains(t.pattern, link.fragment!));
    return tests.length === 0 ? { ok: false, reason: 'no-match' } : { ok: true, tests };
  }
}
