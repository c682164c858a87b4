// Read-modify-write of a file sdna owns (`.sdna/links.json`, `.sdna/state.json`,
// the semantic check's `semantic-batches.json`)
// under a lock, so that two commands at once never lose each other's update.
// proper-lockfile takes `<file>.lock` atomically (mkdir) and recovers a lock
// whose holder died (stale after 10 s without a refresh).

import path from 'node:path';
import { SdnaError } from './errors.js';
import { makeDirInside } from './files.js';

/** Runs `update` holding the lock of `file` (inside `root`; `shown` names it in errors). */
export async function withLock<T>(root: string, file: string, shown: string, command: string, update: () => T | Promise<T>): Promise<T> {
  makeDirInside(path.dirname(file), root, shown);
  // A CommonJS package: bundled, its functions are on the default export.
  const lockfile = await import('proper-lockfile');
  const lock = lockfile.lock ?? (lockfile as unknown as { default: typeof lockfile }).default.lock;
  let release: () => Promise<void>;
  try {
    release = await lock(path.dirname(file), { lockfilePath: `${file}.lock`, retries: { retries: 100, minTimeout: 20, maxTimeout: 200 }, stale: 10_000 });
  } catch (error) {
    throw new SdnaError(`cannot lock ${shown} (${(error as Error).message}); is another \`${command}\` stuck? Delete ${shown}.lock if not`);
  }
  try {
    // Awaited here, so that an asynchronous update holds the lock until it is done.
    return await update();
  } finally {
    await release();
  }
}
