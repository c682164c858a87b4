// `.sdna/baseline.json`: the findings a team accepted when it adopted sdna,
// keyed by fingerprint (never by a count: fixing one finding and adding another
// of the same kind must still fail). With a baseline the gate fails only on
// findings not in it. Versioned, sorted, one object per finding, written
// atomically and only by `sdna baseline`.

import path from 'node:path';
import * as z from 'zod/mini';
import { KIND_NAMES, type Kind } from '../model/kinds.js';
import type { BaselineEntry, Finding } from '../model/model.js';
import { writeFileAtomic } from '../util/files.js';
import { newerOr, readProjectFile } from './versioned.js';

export const BASELINE_FILE = '.sdna/baseline.json';
export type { BaselineEntry };
export const BASELINE_VERSION = 1;

const entrySchema = z.strictObject({
  fingerprint: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  kind: z.enum(KIND_NAMES as [Kind, ...Kind[]]),
  /** What it was about, for the people who review the file and for "gone" lines. */
  spec: z.optional(z.string()),
  capability: z.optional(z.string()),
  file: z.optional(z.string()),
  symbol: z.optional(z.string()),
});

const baselineSchema = z.strictObject({
  version: z.literal(BASELINE_VERSION),
  findings: z.array(entrySchema),
});

export type Baseline = Map<string, BaselineEntry>;

// The model's BaselineEntry is this schema's shape: this line fails to compile if they part.
const sameShape: [BaselineEntry, z.infer<typeof entrySchema>] = [{} as z.infer<typeof entrySchema>, {} as BaselineEntry];
void sameShape;

const RECOVER = 'fix it, or delete it and run `sdna baseline` to record the current findings again';

/** The baseline by fingerprint, or undefined when there is none; SdnaError (exit 2) when it cannot be trusted. */
export function readBaseline(root: string): Baseline | undefined {
  const doc = readProjectFile(root, BASELINE_FILE, {
    version: BASELINE_VERSION,
    schema: baselineSchema,
    notJson: (reason) => `${BASELINE_FILE} is not valid JSON (${reason}); ${RECOVER}`,
    badVersion: newerOr(BASELINE_FILE, 'baseline', BASELINE_VERSION, `${BASELINE_FILE} has no \`"version": ${BASELINE_VERSION}\`; ${RECOVER}`),
    invalid: (issue) => `${BASELINE_FILE} is not a valid baseline (at ${issue.path}: ${issue.message}); ${RECOVER}`,
  });
  return doc && new Map(doc.findings.map((e) => [e.fingerprint, e]));
}

export function baselineEntry(f: Finding): BaselineEntry {
  return {
    fingerprint: f.fingerprint,
    kind: f.kind,
    ...(f.spec !== undefined && { spec: f.spec }),
    ...(f.capability !== undefined && { capability: f.capability }),
    ...(f.file !== undefined && { file: f.file }),
    ...(f.symbol !== undefined && { symbol: f.symbol }),
  };
}

/** One object per line, sorted by kind then fingerprint, so that a pull request shows what changed. */
export function formatBaseline(entries: Iterable<BaselineEntry>): string {
  const sorted = [...entries].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.fingerprint < b.fingerprint ? -1 : 1));
  const lines = sorted.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "version": ${BASELINE_VERSION},\n  "findings": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

export function writeBaseline(root: string, entries: Iterable<BaselineEntry>): void {
  writeFileAtomic(path.join(root, BASELINE_FILE), formatBaseline(entries), { within: root, shown: BASELINE_FILE });
}
