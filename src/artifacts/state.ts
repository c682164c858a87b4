// `.sdna/state.json`: committed project state that sdna writes only when a
// command says so (`sdna accept`). Versioned, keys sorted, one entry a line,
// written atomically, so that it diffs and merges cleanly.

import fs from 'node:fs';
import path from 'node:path';
import { SdnaError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';

export const STATE_FILE = '.sdna/state.json';
export const STATE_VERSION = 1;

export interface State {
  version: typeof STATE_VERSION;
  /** sha256 of each unstamped generated file's content when it was accepted, by root-relative path. */
  generated: Record<string, string>;
}

const RECOVER = `fix it, or delete it and run \`sdna accept\` to record the generated files again`;

/** The state, or an empty one when the file does not exist; throws SdnaError when it cannot be trusted. */
export function readState(root: string): State {
  const file = path.join(root, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: STATE_VERSION, generated: {} };
    throw new SdnaError(`cannot read ${STATE_FILE}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SdnaError(`${STATE_FILE} is not valid JSON (${(error as Error).message}); ${RECOVER}`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new SdnaError(`${STATE_FILE} was written by a newer sdna (state version ${version}); upgrade sdna to read it`);
  }
  const generated = (data as { generated?: unknown } | null)?.generated;
  const valid =
    version === STATE_VERSION &&
    generated !== null &&
    typeof generated === 'object' &&
    !Array.isArray(generated) &&
    Object.values(generated).every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h));
  if (!valid) throw new SdnaError(`${STATE_FILE} does not have the expected form ({ "version": 1, "generated": { "<file>": "<sha256>" } }); ${RECOVER}`);
  return { version: STATE_VERSION, generated: generated as Record<string, string> };
}

export function formatState(state: State): string {
  const generated = Object.fromEntries(Object.entries(state.generated).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: state.version, generated }, null, 2) + '\n';
}

/** Writes the state atomically: a reader never sees half of it. */
export function writeState(root: string, state: State): void {
  writeFileAtomic(path.join(root, STATE_FILE), formatState(state));
}
