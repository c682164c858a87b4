// `--batch`: the semantic check's requests go through the Message Batches API
// (half the price, answers within 24 hours) instead of one by one. A run first
// collects the batches earlier runs sent, then sends what is neither cached nor
// waiting in one of them, and returns; the next run collects that. All of it
// holds one lock, so two runs at once never send a capability twice or lose
// the record of a batch (a batch not recorded is paid for and never read).

import fs from 'node:fs';
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import type { BatchReport, SemanticReport } from '../../model/model.js';
import { contentKey } from '../../artifacts/cache.js';
import { SdnaError } from '../../util/errors.js';
import { withLock } from '../../util/lock.js';
import { addUsage, costOf } from './cost.js';
import { planPrompt, requestBody } from './prompt.js';
import type Anthropic from '@anthropic-ai/sdk';
import { ANSWER_TOKENS, toolInput, usageOf, verdictOf, type Job, type Prepared } from './verdict.js';
import { worstCostOf } from './requests.js';
import { BatchState, STATE_FILE, type BatchRequest, type PendingBatch } from './batch-state.js';
import type { Slice } from './slice.js';
import type { CachedVerdict, VerdictCache } from './verdicts.js';
import { importModule } from '../../util/import-module.js';

export interface BatchRun {
  model: string;
  tests: boolean;
  /** The cache folder: the state lives there, beside the verdicts. */
  dir: string | undefined;
  within: string | undefined;
  /** USD: no batch is sent that would cost more, at batch prices. */
  maxCost: number | undefined;
  cache: VerdictCache<CachedVerdict>;
  report: SemanticReport;
  client: () => Promise<Anthropic>;
  failure: (error: unknown) => string;
  /** The request a job needs, or undefined when it needs none (`prepare` has reported why, or found its verdict). */
  prepare: (job: Job) => Prepared | undefined;
  /** A verdict this run found for a job. */
  judged: (job: Job, verdict: CachedVerdict) => void;
}

/** Per batch at most this many requests and bytes (the API takes 100,000 and 256 MB): an upload that fails loses less, and ends well inside a request's timeout. */
const MAX_REQUESTS = 10_000;
const MAX_BYTES = 32 * 1024 * 1024;

/** Where a capability's earlier request stands: waiting in a batch, or failed there (sent again by the next run). */
type Standing = { waiting: string; batch: string } | { failed: string };

/** What the batches earlier runs sent came to. */
interface Found {
  /** Those still to collect. */
  kept: PendingBatch[];
  /** By input key and by slice key. */
  standing: Map<string, Standing>;
  /** Input keys whose verdict this run collected. */
  collected: Set<string>;
}

interface Context {
  run: BatchRun;
  anthropic: Anthropic;
  state: BatchState;
  now: number;
  /** `run.report.batch`. */
  batch: BatchReport;
}

/** Collects what earlier runs sent, then sends the rest of `todo` in new batches; fills `run.report` (its `batch` too). */
export async function checkInBatches(todo: readonly Job[], run: BatchRun): Promise<void> {
  if (!run.dir) throw new SdnaError('--batch keeps what it sent in the cache folder: drop --no-cache, or give --cache-dir');
  const dir = run.dir;
  // A folder the user named (`--cache-dir`) is theirs to place: only the default one must stay inside the project.
  if (run.within === undefined) makeDir(dir);
  const state = new BatchState(dir, run.within);
  const batch: BatchReport = { sent: 0, collected: 0, pending: [] };
  run.report.batch = batch;
  await withLock(run.within ?? dir, state.file, STATE_FILE, 'sdna plan --semantic --batch', async () => {
    const before = state.read();
    if (before.length === 0 && todo.length === 0) return;
    // Verdicts another run collected while this one was starting.
    run.cache.absorb();
    const ctx: Context = { run, anthropic: await run.client(), state, now: Date.now(), batch };
    const found = await collect(before, ctx);
    // Before a collected batch leaves the state: its answers are never lost to a run that stops here.
    if (found.collected.size > 0) run.cache.save();
    const sent = await send(choose(todo, found, run), found.kept, ctx);
    if (!sent && found.kept.length !== before.length) state.write(found.kept);
    // Saved holding the lock, so that the next run to take it finds what this one collected.
    run.cache.save();
  });
}

async function collect(before: readonly PendingBatch[], ctx: Context): Promise<Found> {
  const { NotFoundError } = await importModule<typeof import('@anthropic-ai/sdk')>('@anthropic-ai/sdk');
  const { run, anthropic, state, now, batch } = ctx;
  const found: Found = { kept: [], standing: new Map(), collected: new Set() };
  for (const pending of before) {
    const stand = (r: BatchRequest, s: Standing) => {
      // By its slice too: an edit the slice does not show leaves the request the same.
      found.standing.set(r.inputKey, s);
      found.standing.set(r.sliceKey, s);
    };
    const waiting = (status: string, problem = '') => {
      found.kept.push(pending);
      batch.pending.push({ id: pending.id, requests: Object.keys(pending.requests).length, status, created: pending.created });
      const reason = `in batch ${pending.id} (${status}, sent ${ago(pending.created, now)})${problem}; run again to collect it`;
      for (const r of Object.values(pending.requests)) stand(r, { waiting: reason, batch: pending.id });
    };
    const failed = (reason: string, requests: BatchRequest[] = Object.values(pending.requests)) => {
      for (const r of requests) stand(r, { failed: `${reason}; the next run sends it again` });
    };
    let status: MessageBatch;
    try {
      status = await anthropic.messages.batches.retrieve(pending.id);
    } catch (error) {
      if (error instanceof NotFoundError) failed(`batch ${pending.id} is not known to the API (was it sent with another key?)`);
      else waiting('status unknown', `, which could not be asked about: ${run.failure(error)}`);
      continue;
    }
    const slices = status.processing_status === 'ended' ? state.readSlices(pending) : undefined;
    if (status.processing_status !== 'ended') waiting(status.processing_status);
    else if (status.archived_at) failed(`the results of batch ${pending.id} are no longer kept (archived)`);
    else if (!slices) failed(`the slices sent with batch ${pending.id} are missing from the cache folder, so its answers cannot be judged`);
    else {
      try {
        const seen = new Set<string>();
        for await (const line of await anthropic.messages.batches.results(pending.id)) {
          const request = pending.requests[line.custom_id];
          const slice = slices.get(line.custom_id);
          if (!request || !slice || seen.has(line.custom_id)) continue;
          seen.add(line.custom_id);
          const failure = settle(line, request, slice, pending, ctx);
          if (failure) failed(failure, [request]);
          else found.collected.add(request.inputKey);
        }
        failed(`batch ${pending.id} returned no result for it`, Object.entries(pending.requests).filter(([customId]) => !seen.has(customId)).map(([, r]) => r));
      } catch (error) {
        waiting('ended', `, whose results could not be read: ${run.failure(error)}`);
      }
    }
  }
  return found;
}

/** The requests to send: what is neither cached, nor waiting or just failed in a batch, nor over --max-cost at batch prices. */
function choose(todo: readonly Job[], found: Found, run: BatchRun): Prepared[] {
  const outgoing: Prepared[] = [];
  let committed = 0;
  for (const job of todo) {
    const id = job.capability.id;
    const hit = run.cache.get(job.inputKey);
    if (hit) {
      run.judged(job, hit);
      if (found.collected.has(job.inputKey)) run.report.checked++;
      else run.report.cached++;
      continue;
    }
    const stands = (s: Standing | undefined) => {
      if (s) run.report.notChecked.push('failed' in s ? { capability: id, reason: s.failed } : { capability: id, reason: s.waiting, batch: s.batch });
      return s !== undefined;
    };
    if (stands(found.standing.get(job.inputKey))) continue;
    const prepared = run.prepare(job);
    if (!prepared || stands(found.standing.get(prepared.sliceKey))) continue;
    const worst = worstCostOf(run.model, requestBody(run.model, prepared.content, planPrompt(run.tests)), ANSWER_TOKENS, true);
    if (run.maxCost !== undefined && committed + worst > run.maxCost) {
      run.report.notChecked.push({ capability: id, reason: `not sent: it would pass --max-cost $${run.maxCost}` });
      continue;
    }
    committed += worst;
    outgoing.push(prepared);
  }
  return outgoing;
}

/** Sends `outgoing` in batches, each recorded after `kept` as soon as it is created; says whether any was. */
async function send(outgoing: readonly Prepared[], kept: readonly PendingBatch[], { run, anthropic, state, now, batch }: Context): Promise<boolean> {
  const batches = [...kept];
  const requests = outgoing.map((prepared) => ({ prepared, params: requestBody(run.model, prepared.content, planPrompt(run.tests)) }));
  for (const chunk of chunks(requests)) {
    const customIds = chunk.map((_, i) => `c${i}`);
    // Written before the batch is sent: a cache folder that cannot be written stops the run before it pays.
    const slicesFile = state.writeSlices(contentKey(JSON.stringify([now, process.pid, chunk.map((r) => r.prepared.sliceKey)])), new Map(chunk.map((r, i) => [customIds[i], r.prepared.slice])));
    let created: MessageBatch;
    try {
      created = await anthropic.messages.batches.create({ requests: chunk.map((r, i) => ({ custom_id: customIds[i], params: r.params })) });
    } catch (error) {
      const reason = run.failure(error);
      for (const r of chunk) run.report.notChecked.push({ capability: r.prepared.job.capability.id, reason });
      continue;
    }
    const recorded: Record<string, BatchRequest> = {};
    chunk.forEach(({ prepared: p }, i) => (recorded[customIds[i]] = { capability: p.job.capability.id, inputKey: p.job.inputKey, sliceKey: p.sliceKey, tests: run.tests }));
    const sentAt = created.created_at || new Date(now).toISOString();
    batches.push({ id: created.id, model: run.model, created: sentAt, slices: slicesFile, requests: recorded });
    // Recorded at once: a batch sent and then forgotten is paid for and never read.
    state.write(batches);
    batch.sent += chunk.length;
    batch.pending.push({ id: created.id, requests: chunk.length, status: created.processing_status, created: sentAt });
    const reason = `in batch ${created.id} (${created.processing_status}, sent just now); run again to collect it`;
    for (const r of chunk) run.report.notChecked.push({ capability: r.prepared.job.capability.id, reason, batch: created.id });
  }
  return batches.length > kept.length;
}

/** Stores a succeeded answer's verdict and counts its cost; else says why there is none. */
function settle(line: MessageBatchIndividualResponse, request: BatchRequest, slice: Slice, pending: PendingBatch, { run, batch }: Context): string | undefined {
  const { result } = line;
  try {
    if (result.type === 'succeeded') {
      const verdict = verdictOf(toolInput(result.message), slice, request.tests);
      const usage = usageOf(result.message);
      run.report.usage = addUsage(run.report.usage, usage);
      run.report.cost += costOf(pending.model, usage, true);
      run.cache.set(request.inputKey, verdict);
      run.cache.set(request.sliceKey, verdict);
      batch.collected++;
      return undefined;
    }
    if (result.type === 'errored') return `its request in batch ${pending.id} failed (${result.error.error.type}: ${result.error.error.message.split('\n')[0].slice(0, 200)})`;
    if (result.type === 'canceled') return `batch ${pending.id} was canceled before its request ran`;
    if (result.type === 'expired') return `batch ${pending.id} expired (24 hours) before its request ran`;
    return `its request in batch ${pending.id} ended as "${String((result as { type: unknown }).type)}"`;
  } catch (error) {
    // A line of another shape than the API's types say: that answer is lost, the batch is still collected.
    return `its answer in batch ${pending.id} could not be read (${(error as Error).message})`;
  }
}

/** Requests in batches under the API's limits, by the bytes of each request as it is sent. */
function* chunks<T extends { params: object }>(requests: readonly T[]): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const r of requests) {
    // Its params, and the `custom_id` around them.
    const size = Buffer.byteLength(JSON.stringify(r.params)) + 64;
    if (chunk.length > 0 && (chunk.length >= MAX_REQUESTS || bytes + size > MAX_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(r);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new SdnaError(`cannot create the cache folder ${dir} (${(error as Error).message})`);
  }
}

/** `just now`, `12 min ago`, `3 h ago`. */
function ago(created: string, now: number): string {
  const minutes = Math.round((now - Date.parse(created)) / 60_000);
  if (Number.isNaN(minutes)) return 'at a time not recorded';
  if (minutes < 1) return 'just now';
  return minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}
