// Answers of a check that asks the model, by content hash (for the plan's:
// model, prompt version, capability, spec, slice), so that an unchanged
// capability is never sent again; each check keeps its own file. Unlike the
// parse cache, it keeps what this run did not use (a run on changed
// capabilities must not drop the others' paid-for verdicts); an entry unused
// for 60 days goes. Garbled in any way, it is an empty cache.

import path from 'node:path';
import * as z from 'zod/mini';
import { contentKey } from '../../artifacts/cache.js';
import { writeFileAtomic } from '../../util/files.js';
import { GuardedReader, readNamedFile } from '../../util/guarded.js';

const FORMAT = 1;
const DAY = 24 * 60 * 60 * 1000;
const KEEP_DAYS = 60;

const evidence = z.strictObject({ file: z.string(), line: z.number(), quote: z.string() });
/** Linked tests that do not prove the promise (`tests: true`). */
const weak = z.optional(z.array(z.strictObject({ file: z.string(), test: z.string(), line: z.number(), missing: z.string() })));
/** What `--confirm` made of a `breaks`: the test written, and how it ended. */
const confirmation = z.optional(
  z.strictObject({ test: z.string(), outcome: z.enum(['fails', 'passes', 'broken']), detail: z.string() }),
);
const verdictSchema = z.union([
  z.strictObject({ verdict: z.literal('keeps'), weak }),
  z.strictObject({ verdict: z.literal('unclear'), reason: z.string(), weak }),
  z.strictObject({ verdict: z.literal('breaks'), clause: z.string(), explanation: z.string(), evidence: z.array(evidence).check(z.minLength(1)), weak, confirmation }),
]);
export type CachedVerdict = z.infer<typeof verdictSchema>;

/** Which file a check's answers go to, and their form: an entry of another form is dropped with its file. */
export interface AnswerStore<T> {
  file: string;
  schema: z.ZodMiniType<T>;
}

export const PLAN_VERDICTS: AnswerStore<CachedVerdict> = { file: 'semantic-verdicts.json', schema: verdictSchema };

type Entries<T> = Record<string, { used: number; verdict: T }>;

export class VerdictCache<T> {
  private changed = false;
  private shared = false;

  private constructor(
    private readonly store: AnswerStore<T>,
    private readonly file: string | undefined,
    private readonly within: string | undefined,
    private readonly entries: Entries<T>,
  ) {}

  static open<T>(store: AnswerStore<T>, dir: string | undefined, within?: string): VerdictCache<T> {
    if (!dir) return new VerdictCache<T>(store, undefined, within, {});
    const file = path.join(dir, store.file);
    return new VerdictCache(store, file, within, load(store, file, within));
  }

  get(key: string): T | undefined {
    const hit = this.entries[key];
    if (!hit) return undefined;
    // Use is recorded to the day (entries go after 60 days unused): a run that only reads rewrites nothing.
    const now = Date.now();
    if (now - hit.used > DAY) {
      hit.used = now;
      this.changed = true;
    }
    return hit.verdict;
  }

  set(key: string, verdict: T): void {
    this.entries[key] = { used: Date.now(), verdict };
    this.changed = true;
  }

  /**
   * Adds what other runs saved since this one opened, now and again on `save`:
   * with `--batch`, a run that collects a batch must not lose its paid-for
   * verdicts to another run that saves after it.
   */
  absorb(): void {
    if (!this.file) return;
    this.shared = true;
    for (const [key, entry] of Object.entries(load(this.store, this.file, this.within))) {
      const mine = this.entries[key];
      if (!mine || mine.used < entry.used) this.entries[key] = entry;
    }
  }

  /** A cache that cannot be written is only a dearer next run. */
  save(): void {
    if (!this.file || !this.changed) return;
    if (this.shared) this.absorb();
    const now = Date.now();
    const kept = Object.fromEntries(Object.entries(this.entries).filter(([, e]) => now - e.used < KEEP_DAYS * DAY).sort(([a], [b]) => (a < b ? -1 : 1)));
    const text = JSON.stringify(kept);
    try {
      writeFileAtomic(this.file, `{"format":${FORMAT},"digest":"${contentKey(text)}","entries":${text}}\n`, { within: this.within });
    } catch {
      // Ignored on purpose: see above.
    }
  }
}

function load<T>(store: AnswerStore<T>, file: string, within: string | undefined): Entries<T> {
  const fileSchema = z.strictObject({
    format: z.literal(FORMAT),
    digest: z.string(),
    entries: z.record(z.string(), z.strictObject({ used: z.number(), verdict: store.schema })),
  });
  try {
    const text = within === undefined ? readNamedFile(file, 'cache') : new GuardedReader(within).text(file, 'cache');
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.digest !== contentKey(JSON.stringify(parsed.data.entries))) return {};
    return parsed.data.entries as Entries<T>;
  } catch {
    return {};
  }
}
