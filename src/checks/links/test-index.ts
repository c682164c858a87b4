// Test files as `[@test]` links see them: each is read and tokenised at most
// once per run, and only when a link's fragment needs its test names.

import { extractTests, nameContains, type StaticTest } from './test-names.js';
import type { TestLink } from '../../model/model.js';
import { ParseCache, contentKey } from '../../artifacts/cache.js';
import type { GuardedReader } from '../../util/guarded.js';

export type LinkCheck = { ok: true; tests: StaticTest[] } | { ok: false; reason: 'missing' | 'unreadable' | 'no-match' };

export class TestIndex {
  private readonly texts = new Map<string, string | null>();

  constructor(
    private readonly reader: GuardedReader,
    private readonly listed: Set<string>,
    /** Tests already extracted (by the claims scan), by file. */
    private readonly parsed = new Map<string, StaticTest[]>(),
    private readonly cache = ParseCache.open(undefined, ''),
  ) {}

  /** The file's text, or null when it is missing or unreadable. */
  text(file: string): string | null {
    let text = this.texts.get(file);
    if (text === undefined) {
      text = this.reader.tryText(file, 'test') ?? null;
      this.texts.set(file, text);
    }
    return text;
  }

  exists(file: string): boolean {
    return this.listed.has(file) || this.text(file) !== null;
  }

  tests(file: string): StaticTest[] {
    let tests = this.parsed.get(file);
    if (!tests) {
      const text = this.text(file);
      tests = text === null ? [] : this.cache.through('tests', contentKey(text), () => extractTests(text).tests);
      this.parsed.set(file, tests);
    }
    return tests;
  }

  /** Checks a `[@test]` link: the file exists and a fragment names some test in it. */
  check(link: TestLink): LinkCheck {
    if (!this.exists(link.file)) return { ok: false, reason: 'missing' };
    if (link.fragment === undefined) return { ok: true, tests: [] };
    if (this.text(link.file) === null) return { ok: false, reason: 'unreadable' };
    const tests = this.tests(link.file).filter((t) => nameContains(t.pattern, link.fragment!));
    return tests.length === 0 ? { ok: false, reason: 'no-match' } : { ok: true, tests };
  }
}
