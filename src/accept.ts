// `sdna accept [files…]`: after a generator ran, record the hash of each
// generated file that carries no stamp of its own, so that `sdna plan` can
// tell when one is later edited by hand.

import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import { SdnaError } from './util/errors.js';
import { listFiles } from './util/files.js';
import { GuardedReader } from './util/guarded.js';
import { isInside } from './util/paths.js';
import { findGenerated, sha256 } from './checks/generated/stamp.js';
import { readState, writeState, STATE_FILE } from './artifacts/state.js';
import { withLock } from './util/lock.js';

export interface AcceptResult {
  /** Files whose hash is now recorded. */
  recorded: string[];
  /** Files that carry their own stamp (sdna's sha256 or Tessl's code): nothing to record. */
  stamped: string[];
  /** Entries dropped because their file is gone (only when no files were named). */
  dropped: string[];
}

/**
 * `files` (relative to `cwd`) names what to accept; none means every generated
 * file in the project, and the state is rebuilt from them.
 */
export async function acceptGenerated(config: ResolvedConfig, files: string[], cwd: string): Promise<AcceptResult> {
  const root = path.resolve(config.root);
  // Under a lock from read to write: concurrent `sdna accept` runs each keep their entries.
  return withLock(root, path.join(root, STATE_FILE), STATE_FILE, 'sdna accept', () => accept(root, files, cwd));
}

function accept(root: string, files: string[], cwd: string): AcceptResult {
  const state = readState(root);
  const reader = new GuardedReader(root);
  const named = files.map((f) => {
    const abs = path.resolve(cwd, f);
    if (!isInside(abs, root)) throw new SdnaError(`${f} is outside the project root ${root}`);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    // A named file that cannot be read says why (missing, a folder, a symlink out of the root).
    reader.bytes(rel, 'source');
    return rel;
  });
  const candidates = named.length > 0 ? named : listFiles(root).files;
  const result: AcceptResult = { recorded: [], stamped: [], dropped: [] };
  const next = named.length > 0 ? { ...state.generated } : {};
  const unmarked: string[] = [];
  for (const file of candidates) {
    const found = findGenerated(reader, file);
    if (!found) {
      if (named.length > 0) unmarked.push(file);
      continue;
    }
    if (found.header.stamp) {
      result.stamped.push(file);
      continue;
    }
    next[file] = sha256(found.text);
    result.recorded.push(file);
  }
  if (unmarked.length > 0) {
    throw new SdnaError(
      `not marked as generated: ${unmarked.join(', ')} (a generated file starts with a \`GENERATED FROM SPEC - DO NOT EDIT\` comment); nothing was recorded`,
    );
  }
  if (named.length === 0) result.dropped = Object.keys(state.generated).filter((f) => !(f in next)).sort();
  writeState(root, { version: state.version, generated: next });
  return result;
}

export { STATE_FILE };
