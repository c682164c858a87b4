// The main thread's side of ./glance-worker.ts. The generated-file check
// glances at every target's first bytes: 0.8 s of one core at 100,000 files,
// most of it in the kernel opening files. A large plan hands those glances to
// a helper thread as soon as the targets are known, and the check finds them
// done. If the thread cannot start or fails, the check glances itself.

export interface GlanceInput {
  root: string;
  /** The listing's folders, whose real paths the thread need not look up. */
  folders: string[];
  files: string[];
}

/**
 * Targets before the glances go to a helper thread. Below, the thread (2 ms of
 * the main thread to start, 31 ms to answer) costs more than the glances: with
 * all 1,600 targets of the 2,000-file benchmark on it, a cold plan took 1.04x
 * the time, its second core already busy with V8's own threads.
 */
export const GLANCE_THREAD_AFTER = 5000;

/** Those of `input.files` whose first bytes hold the marker, glanced at on a helper thread; undefined if it could not. */
export function glanceAhead(input: GlanceInput): Promise<ReadonlySet<string> | undefined> {
  return new Promise((resolve) => {
    try {
      // Loaded here, not with the module: loading it cost every plan 1.5 to 2.8 ms, and most plans start no thread.
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      const worker = new Worker(new URL('./glance-worker.js', import.meta.url), { workerData: input });
      worker.once('message', (marked: string[]) => resolve(new Set(marked)));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    } catch {
      resolve(undefined);
    }
  });
}
