// Requests to the Messages API, for any check that asks Claude one question
// per capability: `concurrency` at a time, none that would take the run past
// `maxCost`, tokens and cost added up, and a request that fails (after the
// SDK's own retries) left "not checked" with its reason, never a crash. The
// SDK loads only when there is something to send.

import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import pLimit from 'p-limit';
import type { ModelReport } from '../../model/model.js';
import { addUsage, costOf, NO_USAGE } from './cost.js';
import { toolInput, usageOf } from './verdict.js';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import { importModule } from '../../util/import-module.js';

const DEFAULT_TIMEOUT_MS = 120_000;
/** Requests prepared and waiting for a free slot, per slot. */
const AHEAD_PER_SLOT = 2;

export interface RequestOptions {
  model: string;
  /** Stop sending requests before the run's estimated cost passes this (USD). */
  maxCost?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Per request, in ms (the SDK retries 429s and 5xx on its own first). */
  timeoutMs?: number;
  /** Called as each job is done (answered, failed, over the cost, or settled without a request), for progress. */
  onProgress?: (done: number, total: number) => void;
  /** The API key (default: ANTHROPIC_API_KEY). */
  apiKey?: string;
}

/** What every check that asks the model takes: the requests' options, and where answers are cached. */
export interface CheckOptions extends Omit<RequestOptions, 'model'> {
  model?: string;
  /** Where answers are cached (undefined: not cached). */
  cacheDir?: string;
  /** The cache folder must stay inside this root (the default one). */
  cacheWithin?: string;
}

/** What a run's requests did and cost: the part of each check's report they add to. */
export type Spent = Pick<ModelReport, 'checked' | 'notChecked' | 'usage' | 'cost'>;

export interface Question {
  capability: string;
  body: MessageCreateParamsNonStreaming;
  /** Output tokens the answer may take, for the cost a request may reach before it is sent. */
  answerTokens: number;
  /** The input of the forced tool call; undefined when the model did not call the tool. */
  answered(input: unknown): void;
}

/**
 * Asks what `prepare` makes of each job. `prepare` runs inside the
 * concurrency limit, so that preparing one job overlaps the requests of others;
 * it returns undefined for a job it settled without a request.
 */
export async function ask<J>(jobs: readonly J[], prepare: (job: J) => Question | undefined | Promise<Question | undefined>, options: RequestOptions, spent: Spent): Promise<void> {
  if (jobs.length === 0) return;
  // Loaded at the first request: jobs that all settle without one (no code to show, a slice judged before) never load it.
  let sdk: typeof import('@anthropic-ai/sdk') | undefined;
  let client: Promise<InstanceType<(typeof import('@anthropic-ai/sdk'))['default']>> | undefined;
  const connect = () =>
    (client ??= loadSdk().then((loaded) => {
      sdk = loaded;
      return new loaded.default({ apiKey: options.apiKey ?? process.env.ANTHROPIC_API_KEY, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    }));
  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const { model, maxCost } = options;
  // What requests in flight may still cost: a request is sent only if the run stays under --max-cost.
  let committed = 0;
  /** Wakes the preparing loop when a request is done and the queue has room again. */
  let freed: (() => void) | undefined;
  let done = 0;
  const send = async (question: Question) => {
    const { body } = question;
    const worst = worstCostOf(model, body, question.answerTokens);
    if (maxCost !== undefined && spent.cost + committed + worst > maxCost) {
      spent.notChecked.push({ capability: question.capability, reason: `not sent: it would pass --max-cost $${maxCost}` });
      return;
    }
    committed += worst;
    try {
      const message = await (await connect()).messages.create(body);
      const usage = usageOf(message);
      spent.usage = addUsage(spent.usage, usage);
      spent.cost += costOf(model, usage);
      spent.checked++;
      question.answered(body.tool_choice?.type === 'tool' ? toolInput(message, body.tool_choice.name) : undefined);
    } catch (error) {
      spent.notChecked.push({ capability: question.capability, reason: sdk ? apiFailure(error, sdk) : `the Anthropic SDK did not load (${String(error)})` });
    } finally {
      committed -= worst;
    }
  };
  // Jobs are prepared ahead of the requests in flight (at most AHEAD waiting), one per turn of the
  // event loop: preparing (slicing, parsing) fills the time the requests wait on the network.
  const ahead = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) * AHEAD_PER_SLOT;
  const sending: Promise<void>[] = [];
  for (const job of jobs) {
    while (limit.pendingCount >= ahead) await new Promise<void>((resolve) => (freed = resolve));
    let question: Question | undefined;
    try {
      question = await prepare(job);
    } catch (error) {
      options.onProgress?.(++done, jobs.length);
      throw error;
    }
    if (!question) {
      options.onProgress?.(++done, jobs.length);
      continue;
    }
    const asked = question;
    sending.push(
      limit(async () => {
        try {
          await send(asked);
        } finally {
          options.onProgress?.(++done, jobs.length);
          freed?.();
        }
      }),
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.all(sending);
}

/** The most a request may cost, estimated before it is sent (4 characters a token, the answer at its limit): what --max-cost weighs. */
export function worstCostOf(model: string, body: MessageCreateParamsNonStreaming, answerTokens: number, batch = false): number {
  const text = (body.system as { text: string }[]).reduce((n, b) => n + b.text.length, 0) + String(body.messages[0].content).length;
  return costOf(model, { ...NO_USAGE, input: Math.ceil(text / 4), output: answerTokens }, batch);
}

let sdkLoading: Promise<typeof import('@anthropic-ai/sdk')> | undefined;

/**
 * The SDK, loaded once. Called early by a check that will likely send
 * requests, its loading (hundreds of small modules, read asynchronously)
 * overlaps the check's own work instead of delaying the first request.
 */
export function loadSdk(): Promise<typeof import('@anthropic-ai/sdk')> {
  sdkLoading ??= importModule<typeof import('@anthropic-ai/sdk')>('@anthropic-ai/sdk');
  // A failure shows where the SDK is needed; an unused early load must not be an unhandled rejection.
  sdkLoading.catch(() => undefined);
  return sdkLoading;
}

/** Why a request failed, in one line (the SDK has already retried what it retries). */
export function apiFailure(error: unknown, sdk: Pick<typeof import('@anthropic-ai/sdk'), 'APIError' | 'APIConnectionTimeoutError'>): string {
  if (error instanceof sdk.APIConnectionTimeoutError) return 'the request timed out';
  if (error instanceof sdk.APIError) {
    const status = error.status as number | undefined;
    const what = status === 401 ? 'the API key was refused' : status === 429 ? 'rate limited, still after retries' : status !== undefined && status >= 500 ? 'the API failed' : 'the API refused the request';
    return `${what} (${status ?? 'no status'}: ${error.message.split('\n')[0].slice(0, 200)})`;
  }
  return `the request failed (${error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error)})`;
}
