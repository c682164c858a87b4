// The main thread's side of ./outline-worker.ts: what the helper thread has
// parsed so far, and a wait for the files a slice is about to need. If the
// thread cannot start or fails, every wait ends at once and the slices parse
// what they need themselves: the same outlines, only later.

import { Worker } from 'node:worker_threads';
import type { AheadInput, AheadMessage } from './outline-worker.js';
import type { OutlineKind, OutlinesAhead } from './slice.js';

export class ParsedAhead implements OutlinesAhead {
  private readonly files = new Map<string, Extract<AheadMessage, { file: string }>>();
  private readonly blocks = new Map<string, string[]>();
  private readonly queued: Set<string>;
  private readonly waiters = new Map<string, (() => void)[]>();
  private stopped = false;

  private constructor(
    private readonly worker: Worker | undefined,
    input: AheadInput,
  ) {
    this.queued = new Set([...input.files.map((f) => f.file), ...input.blocks.map((b) => `\0${b}`)]);
    if (!worker) {
      this.stop();
      return;
    }
    worker.on('message', (m: AheadMessage) => {
      const key = 'block' in m ? `\0${m.block}` : m.file;
      if ('block' in m) this.blocks.set(m.block, m.names);
      else this.files.set(m.file, m);
      for (const wake of this.waiters.get(key) ?? []) wake();
      this.waiters.delete(key);
    });
    worker.on('error', () => this.stop());
    worker.on('exit', () => this.stop());
  }

  /** Parses `input` on a helper thread; until `stop`, it holds the process open. */
  static start(input: AheadInput): ParsedAhead {
    const worker = spawn();
    worker?.postMessage(input);
    return new ParsedAhead(worker, input);
  }

  get(kind: OutlineKind, key: string): unknown {
    if (kind === 'api') return this.blocks.get(key);
    const done = this.files.get(key);
    return kind === 'outline' ? done?.outline : done?.tests;
  }

  /** Resolves once the helper has parsed these files and blocks (or has stopped). */
  async ready(files: readonly string[], blocks: readonly string[]): Promise<void> {
    if (this.stopped) return;
    const keys = [...files.filter((f) => !this.files.has(f)), ...blocks.filter((b) => !this.blocks.has(b)).map((b) => `\0${b}`)].filter((k) => this.queued.has(k));
    await Promise.all(keys.map((k) => new Promise<void>((resolve) => this.waiters.set(k, [...(this.waiters.get(k) ?? []), resolve]))));
  }

  stop(): void {
    this.stopped = true;
    for (const wakes of this.waiters.values()) for (const wake of wakes) wake();
    this.waiters.clear();
    void this.worker?.terminate();
  }
}


/** The thread (its file sits beside this module once built), or undefined when it cannot start. */
function spawn(): Worker | undefined {
  try {
    const worker = new Worker(new URL('./outline-worker.js', import.meta.url));
    // Its failure only means the slices parse on the main thread.
    worker.on('error', () => undefined);
    return worker;
  } catch {
    return undefined;
  }
}

