// One capability's request through the Messages API, and what its answer
// earns: the verdict (judged against the slice), the linked tests found weak,
// and the tokens it cost. A failure is a reason in one line, never a verdict.

import type Anthropic from '@anthropic-ai/sdk';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { Capability, Spec, TestRef } from '../../model/model.js';
import { judge, TOOL_NAME, weakTests, type Judged } from './answer.js';
import { costOf, NO_USAGE, type Usage } from './cost.js';
import { instructions } from './prompt.js';
import type { Slice } from './slice.js';
import type { CachedVerdict } from './verdicts.js';

export type Sdk = typeof import('@anthropic-ai/sdk');

/** A capability whose verdict is not cached: what it is about and the request it needs. */
export interface Job {
  spec: Spec;
  capability: Capability;
  tests: readonly TestRef[];
  /** Hash of everything its slice may draw on: an unchanged capability is found without slicing. */
  inputKey: string;
  /** With --changed: nothing of it changed. */
  unchanged: boolean;
}

export interface Prepared {
  job: Job;
  slice: Slice;
  /** Hash of what the model is shown: the same slice keeps its verdict whatever else changed. */
  sliceKey: string;
  /** The user message. */
  content: string;
}

/** The verdict an answer (a Message) earns. */
export function verdictOf(message: Pick<Message, 'content'>, slice: Slice, tests: boolean): CachedVerdict {
  const call = message.content.find((b) => b.type === 'tool_use' && b.name === TOOL_NAME);
  const judged: Judged = call && call.type === 'tool_use' ? judge(call.input, slice) : { verdict: 'unclear', reason: `the model did not call ${TOOL_NAME}` };
  const weak = tests ? weakTests(judged.answer, slice) : [];
  const base: CachedVerdict =
    judged.verdict === 'unclear'
      ? { verdict: 'unclear', reason: judged.reason }
      : judged.verdict === 'keeps'
        ? { verdict: 'keeps' }
        : { verdict: 'breaks', clause: judged.answer.clause, explanation: judged.answer.explanation, evidence: judged.answer.evidence };
  return weak.length > 0 ? { ...base, weak } : base;
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
const ANSWER_TOKENS = 400;

/** The most a request may cost, estimated before it is sent (4 characters a token): what --max-cost weighs. */
export function worstCostOf(model: string, content: string, tests: boolean, batch = false): number {
  return costOf(model, { ...NO_USAGE, input: Math.ceil(instructions(tests).length / 4) + Math.ceil(content.length / 4), output: ANSWER_TOKENS }, batch);
}

/** Why a request failed, in one line (the SDK has already retried what it retries). */
export function apiFailure(error: unknown, sdk: Pick<Sdk, 'APIError' | 'APIConnectionTimeoutError'>): string {
  if (error instanceof sdk.APIConnectionTimeoutError) return 'the request timed out';
  if (error instanceof sdk.APIError) {
    const status = error.status as number | undefined;
    const what = status === 401 ? 'the API key was refused' : status === 429 ? 'rate limited, still after retries' : status !== undefined && status >= 500 ? 'the API failed' : 'the API refused the request';
    return `${what} (${status ?? 'no status'}: ${error.message.split('\n')[0].slice(0, 200)})`;
  }
  return `the request failed (${error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error)})`;
}

export type Client = Anthropic;
