// What one capability's answer earns: the verdict (judged against the slice it
// was shown) and the linked tests it found weak. Sending is ./requests.ts.

import type { Capability, Spec, TestRef } from '../../model/model.js';
import { judge, TOOL_NAME, weakTests, type Judged } from './answer.js';
import type { Slice } from './slice.js';
import type { CachedVerdict } from './verdicts.js';

/** A capability whose verdict is not cached: what it is about. */
export interface Job {
  spec: Spec;
  capability: Capability;
  tests: readonly TestRef[];
  /** Hash of everything its slice may draw on: an unchanged capability is found without slicing. */
  inputKey: string;
  /** With --changed: nothing of it changed. */
  unchanged: boolean;
}

/** The request a job needs. */
export interface Prepared {
  job: Job;
  slice: Slice;
  /** Hash of what the model is shown: the same slice keeps its verdict whatever else changed. */
  sliceKey: string;
  /** The user message. */
  content: string;
}

/** The verdict the forced tool call's input earns (undefined: the model did not call the tool). */
export function verdictOf(input: unknown, slice: Slice, tests: boolean): CachedVerdict {
  const judged: Judged = input === undefined ? { verdict: 'unclear', reason: `the model did not call ${TOOL_NAME}` } : judge(input, slice);
  const weak = tests ? weakTests(judged.answer, slice) : [];
  const base: CachedVerdict =
    judged.verdict === 'unclear'
      ? { verdict: 'unclear', reason: judged.reason }
      : judged.verdict === 'keeps'
        ? { verdict: 'keeps' }
        : { verdict: 'breaks', clause: judged.answer.clause, explanation: judged.answer.explanation, evidence: judged.answer.evidence };
  return weak.length > 0 ? { ...base, weak } : base;
}
