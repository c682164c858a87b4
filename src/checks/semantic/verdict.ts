// A capability's job, and what its answer earns: the verdict (judged against
// the slice it was shown) and the linked tests it found weak. Sending is
// ./requests.ts (the Messages API) or ./batch.ts (the Message Batches API).

import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { Capability, Spec, TestRef } from '../../model/model.js';
import { judge, TOOL_NAME, weakTests, type Judged } from './answer.js';
import type { Usage } from './cost.js';
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

/** The input of the forced call of `tool` in an answer, or undefined when the model did not call it. */
export function toolInput(message: Pick<Message, 'content'>, tool = TOOL_NAME): unknown {
  const call = message.content.find((b) => b.type === 'tool_use' && b.name === tool);
  return call && call.type === 'tool_use' ? call.input : undefined;
}

export function usageOf(message: Pick<Message, 'usage'>): Usage {
  return {
    input: message.usage.input_tokens,
    output: message.usage.output_tokens,
    cacheRead: message.usage.cache_read_input_tokens ?? 0,
    cacheWrite: message.usage.cache_creation_input_tokens ?? 0,
  };
}

/** Output tokens a verdict takes, for the cost a request may reach before it is sent. */
export const ANSWER_TOKENS = 400;
