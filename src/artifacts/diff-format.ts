// The JSON spec diff (`sdna diff <ref> --json`, docs/diff-format.md): the
// diff as the core computed it, with a version a reader checks and the counts.

import { diffCounts, type SpecDiff } from '../diff/spec-diff.js';

export const DIFF_VERSION = 1;

export type JsonDiff = { version: typeof DIFF_VERSION; summary: ReturnType<typeof diffCounts> } & SpecDiff;

export function toJsonDiff(diff: SpecDiff): JsonDiff {
  const { ref, base, capabilities, targets } = diff;
  return { version: DIFF_VERSION, ref, base, summary: diffCounts(diff), capabilities, targets };
}
