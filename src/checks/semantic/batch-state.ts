// What `--batch` remembers between runs, in the cache folder: the batches it
// sent and has not collected (`semantic-batches.json`, small, rewritten under a
// lock), and for each batch the slices its requests showed the model
// (`semantic-batches/<key>.json`, written once, read once when the batch is
// collected), so that an answer is judged against what was sent even if the
// code changed since. Slices stay out of the small file because they are most
// of the bytes: thousands of capabilities make tens of megabytes that a run
// which only looks at a batch's status should not parse. Garbled in any way,
// a file is empty: its batches are sent again, never a crash.

import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { contentKey } from '../../artifacts/cache.js';
import { writeFileAtomic } from '../../util/files.js';
import { GuardedReader, readNamedFile } from '../../util/guarded.js';
import type { Slice, SlicePiece } from './slice.js';

export const STATE_FILE = 'semantic-batches.json';
const SLICES_DIR = 'semantic-batches';
const FORMAT = 1;

/** The Message Batches API's form of a request's `custom_id`. */
export const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

const requestSchema = z.strictObject({
  capability: z.string(),
  /** The verdict cache keys its answer is stored under. */
  inputKey: z.string(),
  sliceKey: z.string(),
  /** Asked with `--tests`: the answer says which tests are weak. */
  tests: z.boolean(),
});

const batchSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  model: z.string(),
  /** ISO time it was sent. */
  created: z.string(),
  /** The file of its slices, in `semantic-batches/`. */
  slices: z.string().check(z.regex(/^[0-9a-f]{40}\.json$/)),
  requests: z.record(z.string().check(z.regex(CUSTOM_ID)), requestSchema),
});

const stateSchema = z.strictObject({ format: z.literal(FORMAT), batches: z.array(batchSchema) });

const pieceSchema = z.strictObject({
  file: z.string(),
  start: z.number(),
  lines: z.array(z.string()),
  kind: z.enum(['used-by-tests', 'api', 'terms', 'test']),
  name: z.string(),
});

/** Pieces once each (capabilities of one spec share most of theirs), and each request's pieces by index. */
const slicesSchema = z.strictObject({
  format: z.literal(FORMAT),
  pieces: z.array(pieceSchema),
  slices: z.record(z.string(), z.array(z.number().check(z.int(), z.minimum(0)))),
});

export type PendingBatch = z.infer<typeof batchSchema>;
export type BatchRequest = z.infer<typeof requestSchema>;

export class BatchState {
  readonly file: string;

  constructor(
    readonly dir: string,
    private readonly within: string | undefined,
  ) {
    this.file = path.join(dir, STATE_FILE);
  }

  /** The batches sent and not yet collected; none when the file is missing or garbled. */
  read(): PendingBatch[] {
    const parsed = stateSchema.safeParse(this.json(this.file));
    return parsed.success ? parsed.data.batches : [];
  }

  /** Rewrites the file; a batch's slices file goes with the batch. Call it holding the lock. */
  write(batches: readonly PendingBatch[]): void {
    writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, batches }) + '\n', { within: this.within });
    const kept = new Set(batches.map((b) => b.slices));
    let names: string[] = [];
    try {
      names = fs.readdirSync(path.join(this.dir, SLICES_DIR));
    } catch {
      // No slices written yet.
    }
    for (const name of names) if (/^[0-9a-f]{40}\.json$/.test(name) && !kept.has(name)) fs.rmSync(path.join(this.dir, SLICES_DIR, name), { force: true });
  }

  /** Writes the slices a batch's requests showed; returns the file name to record. */
  writeSlices(batchId: string, slices: ReadonlyMap<string, Slice>): string {
    const name = `${contentKey(batchId)}.json`;
    const pieces: SlicePiece[] = [];
    const index = new Map<string, number>();
    const refs: Record<string, number[]> = {};
    for (const [customId, slice] of slices) {
      refs[customId] = slice.pieces.map((p) => {
        const key = JSON.stringify([p.file, p.start, p.kind, p.name, p.lines]);
        let at = index.get(key);
        if (at === undefined) index.set(key, (at = pieces.push({ file: p.file, start: p.start, lines: p.lines, kind: p.kind, name: p.name }) - 1));
        return at;
      });
    }
    writeFileAtomic(path.join(this.dir, SLICES_DIR, name), JSON.stringify({ format: FORMAT, pieces, slices: refs }) + '\n', { within: this.within });
    return name;
  }

  /** The slices a batch's requests showed, by custom_id; undefined when the file is missing or garbled. */
  readSlices(batch: PendingBatch): Map<string, Slice> | undefined {
    const parsed = slicesSchema.safeParse(this.json(path.join(this.dir, SLICES_DIR, batch.slices)));
    if (!parsed.success) return undefined;
    const { pieces, slices } = parsed.data;
    const out = new Map<string, Slice>();
    for (const [customId, refs] of Object.entries(slices)) {
      if (refs.some((i) => i >= pieces.length)) return undefined;
      out.set(customId, { pieces: refs.map((i) => pieces[i]), tokens: 0, left: 0 });
    }
    return out;
  }

  private json(file: string): unknown {
    try {
      return JSON.parse(this.within === undefined ? readNamedFile(file, 'cache') : new GuardedReader(this.within).text(file, 'cache'));
    } catch {
      return undefined;
    }
  }
}
