// `.sdna/state.json`: committed project state that sdna writes only when a
// command says so (`sdna accept`). Versioned, keys sorted, one entry a line,
// written atomically, so that it diffs and merges cleanly.

import path from 'node:path';
import * as z from 'zod/mini';
import { newerOr, readProjectFile } from './versioned.js';
import { writeFileAtomic } from '../util/files.js';

import { STATE_FILE } from '../model/model.js';

export { STATE_FILE };
export const STATE_VERSION = 1;

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** sha256 of each unstamped generated file's content when it was accepted, by root-relative path. */
  generated: z.record(z.string(), z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

export type State = z.infer<typeof stateSchema>;

const RECOVER = `fix it, or delete it and run \`sdna accept\` to record the generated files again`;
const FORM = `does not have the expected form ({ "version": 1, "generated": { "<file>": "<sha256>" } }); ${RECOVER}`;

/** The state, or an empty one when the file does not exist; throws SdnaError when it cannot be trusted. */
export function readState(root: string): State {
  const state = readProjectFile(root, STATE_FILE, {
    version: STATE_VERSION,
    schema: stateSchema,
    notJson: (reason) => `${STATE_FILE} is not valid JSON (${reason}); ${RECOVER}`,
    badVersion: newerOr(STATE_FILE, 'state', STATE_VERSION, `${STATE_FILE} ${FORM}`),
    invalid: () => `${STATE_FILE} ${FORM}`,
  });
  return state ? { version: state.version, generated: state.generated } : { version: STATE_VERSION, generated: {} };
}

export function formatState(state: State): string {
  const generated = Object.fromEntries(Object.entries(state.generated).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: state.version, generated }, null, 2) + '\n';
}

/** Writes the state atomically: a reader never sees half of it. */
export function writeState(root: string, state: State): void {
  writeFileAtomic(path.join(root, STATE_FILE), formatState(state), { within: root, shown: STATE_FILE });
}
