// The semantic check (`sdna plan --semantic`): for each capability, one
// request to Claude with the capability and its code slice, answered through a
// forced tool call. Verdicts are cached by content hash, so an unchanged
// capability costs nothing; requests run `concurrency` at a time and stop
// before `maxCost`; an API error leaves that capability not checked, never
// `keeps` (./requests.ts). TypeScript and the Anthropic SDK load only when
// some capability is not cached.

import picomatch from 'picomatch';
import type { FindingInput } from '../../model/findings.js';
import type { Plan, SemanticReport } from '../../model/model.js';
import { contentKey, ParseCache } from '../../artifacts/cache.js';
import { GuardedReader } from '../../util/guarded.js';
import { listFiles } from '../../util/files.js';
import { loadTypeScript, type Ts } from '../api-drift/declarations.js';
import { importResolver } from '../import/targets.js';
import { importsIn } from '../import/test-corpus.js';
import { DEFAULT_MODEL, NO_USAGE, priceOf } from './cost.js';
import { confirmBreaks, type ConfirmOptions } from './confirm.js';
import { planPrompt, PROMPT_VERSION, requestBody, userMessage } from './prompt.js';
import { ANSWER_TOKENS, verdictOf, type Job, type Prepared } from './verdict.js';
import { apiFailure, ask, loadSdk, type CheckOptions, type Question } from './requests.js';
import { checkInBatches } from './batch.js';
import { ParsedAhead } from './ahead.js';
import { buildSlice, renderSlice, SourceFiles } from './slice.js';
import { PLAN_VERDICTS, VerdictCache, type CachedVerdict } from './verdicts.js';
import { importModule } from '../../util/import-module.js';

export type { SemanticReport };
export { DEFAULT_CONCURRENCY } from './defaults.js';

export interface SemanticOptions extends CheckOptions {
  /** Token budget of each code slice. */
  sliceTokens?: number;
  /** Only capabilities whose id matches one of these (ids or globs, such as `payments/*`). */
  capabilities?: readonly string[];
  /** Also ask whether each linked test proves the promise (`weak-test` findings). */
  tests?: boolean;
  /** Send the requests through the Message Batches API (half the price, answers within 24 hours): a run collects what earlier runs sent and sends the rest; needs `cacheDir`. */
  batch?: boolean;
  /** Confirm each `breaks` by a Vitest test the model writes and the project's Vitest runs. */
  confirm?: boolean | Omit<ConfirmOptions, 'root' | 'dir' | 'within'>;
  /** Only capabilities whose spec, tests, their imports or targets are among these files (`--changed <ref>`); the others are skipped unless their verdict is cached. */
  changed?: ReadonlySet<string>;
  /** The run's parse cache: file hashes by size and mtime, what test files import, and slice outlines. */
  parseCache?: ParseCache;
}

const NO_CODE_KIND = 'semantic-no-code';
const NO_CODE = 'no code to judge: no linked test, target or API block shows any (link tests or give the spec targets; `sdna import` proposes both)';

/** The verdict for each capability, as findings, and what the run did and cost. */
export async function checkSemantic(plan: Plan, options: SemanticOptions = {}): Promise<{ findings: FindingInput[]; report: SemanticReport }> {
  const model = options.model ?? DEFAULT_MODEL;
  const tests = options.tests === true;
  const reader = new GuardedReader(plan.root);
  const listing = listFiles(plan.root);
  const resolve = importResolver(plan.root, listing.set);
  const cache = VerdictCache.open(PLAN_VERDICTS, options.cacheDir, options.cacheWithin);

  // A capability's inputs: its text, its spec, and the content of every file its slice may
  // draw on. Unchanged inputs find their verdict without TypeScript or a slice.
  const parseCache = options.parseCache ?? ParseCache.open(undefined, '');
  const hashes = new Map<string, string>();
  const hashOf = (file: string) => {
    let h = hashes.get(file);
    if (h === undefined) hashes.set(file, (h = parseCache.fileHash(plan.root, file, () => reader.tryBytes(file, 'source'))));
    return h;
  };
  const importedBy = new Map<string, string[]>();
  const importsOf = (test: string) => {
    let out = importedBy.get(test);
    if (!out) {
      // What a test file imports, by its content: an unchanged file is not read again.
      const specifiers = parseCache.through('imports', hashOf(test), () => importsIn(reader.tryText(test, 'test') ?? ''));
      importedBy.set(test, (out = (Array.isArray(specifiers) ? specifiers : []).map((s) => resolve(test, s)).filter((f): f is string => f !== undefined)));
    }
    return out;
  };
  const budget = options.sliceTokens;
  const chosen = options.capabilities && options.capabilities.length > 0 ? picomatch([...options.capabilities]) : undefined;
  const jobs: Job[] = [];
  const specs = new Map(plan.specs.map((s) => [s.id, s]));
  const common = [model, PROMPT_VERSION, budget ?? 'default', tests ? 'tests' : '-', listing.set.has('tsconfig.json') ? hashOf('tsconfig.json') : '-'];
  for (const cp of plan.capabilities) {
    if (cp.status === 'removed' || (chosen && !chosen(cp.id))) continue;
    const spec = specs.get(cp.spec);
    const capability = spec?.capabilities.find((c) => c.id === cp.id);
    if (!spec || !capability) continue;
    // A parent (a Kiro requirement, an OpenSpec requirement) is judged through its parts.
    if (spec.capabilities.some((c) => c.parent === capability.id)) continue;
    const testFiles = [...new Set(cp.tests.map((t) => t.file))];
    const inputs = [...new Set([...testFiles, ...testFiles.flatMap(importsOf), ...(plan.targetFiles.get(spec.id) ?? [])])].sort();
    const inputKey = contentKey(
      JSON.stringify([...common, 'inputs', capability.id, capability.name, capability.text, spec.name, spec.description ?? '', spec.api.map((b) => b.code), cp.tests, inputs.map((f) => [f, hashOf(f)])]),
    );
    const unchanged = options.changed !== undefined && ![spec.file, ...inputs].some((f) => options.changed!.has(f));
    jobs.push({ spec, capability, tests: cp.tests, inputKey, unchanged });
  }

  const report: SemanticReport = {
    model,
    priceKnown: priceOf(model).known,
    checked: 0,
    cached: 0,
    skipped: 0,
    notChecked: [],
    usage: NO_USAGE,
    cost: 0,
    sliceTokens: { median: 0, p95: 0 },
  };
  const verdicts = new Map<string, CachedVerdict>();
  const keys = new Map<string, string[]>();
  const todo = jobs.filter((j) => {
    const hit = cache.get(j.inputKey);
    // The same inputs found no code last time: they find none now, without slicing.
    if (!hit && parseCache.lookup(NO_CODE_KIND, j.inputKey) === true) {
      report.notChecked.push({ capability: j.capability.id, reason: NO_CODE });
      return false;
    }
    if (hit) {
      verdicts.set(j.capability.id, hit);
      keys.set(j.capability.id, [j.inputKey]);
      report.cached++;
    } else if (j.unchanged) report.skipped++;
    return !hit && !j.unchanged;
  });
  const confirming = options.confirm && options.cacheDir ? jobs.filter((j) => needsConfirming(verdicts.get(j.capability.id))) : [];

  // TypeScript loads only when some file's outline is not cached; the slices only when some capability needs one.
  // A job with tests, targets or an API block will most likely be sent: the SDK loads meanwhile.
  if (!options.batch && todo.some((j) => j.tests.length > 0 || j.spec.api.length > 0 || (plan.targetFiles.get(j.spec.id)?.length ?? 0) > 0)) void loadSdk();
  let ts: Ts | undefined;
  const needs = (job: Job) => {
    const tests = [...new Set(job.tests.map((t) => t.file))].sort();
    return { tests, files: [...new Set([...tests, ...tests.flatMap(importsOf), ...[...(plan.targetFiles.get(job.spec.id) ?? [])].sort()])], blocks: job.spec.api.map((b) => b.code) };
  };
  // With enough to parse, a helper thread parses ahead, in the order the jobs will need it.
  const files = new SourceFiles({ reader, resolve, ts: () => (ts ??= loadTypeScript(parseCache.codeCache)), cache: { hashOf, parseCache } });
  const ahead = options.batch ? undefined : parseAhead(todo.map(needs), (list, blocks) => files.unparsed(list, blocks), plan.root);
  files.ahead = ahead;
  const sliceOf = (job: Job) =>
    buildSlice({ spec: job.spec, capability: job.capability, tests: job.tests, targets: plan.targetFiles.get(job.spec.id) ?? [], budget }, files);
  const sliceKeyOf = (job: Job, rendered: string) =>
    contentKey(JSON.stringify([...common, 'slice', job.capability.id, job.capability.name, job.capability.text, job.spec.name, job.spec.description ?? '', job.spec.api.map((b) => b.code), rendered]));

  const sliceTokens: number[] = [];
  /** The request a capability needs, or undefined when it needs none (no code to show, or the same slice was judged before). */
  const prepare = (job: Job): Prepared | undefined => {
    const id = job.capability.id;
    const slice = sliceOf(job);
    // With no code to show, the model could only answer unclear: no request, no cost, no warning per capability.
    if (slice.pieces.length === 0) {
      report.notChecked.push({ capability: id, reason: NO_CODE });
      parseCache.store(NO_CODE_KIND, job.inputKey, true);
      return undefined;
    }
    sliceTokens.push(slice.tokens);
    // The same slice as before (an edit it does not show) keeps its verdict.
    const sliceKey = sliceKeyOf(job, renderSlice(slice));
    const known = cache.get(sliceKey);
    if (known) {
      verdicts.set(id, known);
      keys.set(id, [job.inputKey, sliceKey]);
      cache.set(job.inputKey, known);
      report.cached++;
      return undefined;
    }
    return { job, slice, sliceKey, content: userMessage(job.spec, job.capability, slice) };
  };

  const prompt = planPrompt(tests);
  let sdk: typeof import('@anthropic-ai/sdk') | undefined;
  if (options.batch) {
    await checkInBatches(todo, {
      model,
      tests,
      dir: options.cacheDir,
      within: options.cacheWithin,
      maxCost: options.maxCost,
      cache,
      report,
      client: async () => {
        sdk ??= await importModule<typeof import('@anthropic-ai/sdk')>('@anthropic-ai/sdk');
        return new sdk.default({ apiKey: options.apiKey ?? process.env.ANTHROPIC_API_KEY, timeout: options.timeoutMs });
      },
      failure: (e) => apiFailure(e, sdk!),
      prepare,
      judged: (job, verdict) => {
        verdicts.set(job.capability.id, verdict);
        keys.set(job.capability.id, [job.inputKey]);
      },
    });
  } else {
    try {
      await ask(
    todo,
    async (job): Promise<Question | undefined> => {
      // Prepared while earlier requests are in flight; what it parses, the helper thread may have parsed already.
      if (ahead) {
        const { files: wanted, blocks } = needs(job);
        await ahead.ready(wanted, blocks);
      }
      const prepared = prepare(job);
      if (!prepared) return undefined;
      const id = job.capability.id;
      return {
        capability: id,
        body: requestBody(model, prepared.content, prompt),
        answerTokens: ANSWER_TOKENS,
        answered(input) {
          const verdict = verdictOf(input, prepared.slice, tests);
          verdicts.set(id, verdict);
          keys.set(id, [job.inputKey, prepared.sliceKey]);
          cache.set(job.inputKey, verdict);
          cache.set(prepared.sliceKey, verdict);
          if (options.confirm && options.cacheDir && needsConfirming(verdict)) confirming.push(job);
        },
      };
    },
    { ...options, model },
    report,
  );
    } finally {
      // The helper thread holds the process open until it is stopped.
      ahead?.stop();
    }
  }

  if (confirming.length > 0) {
    const settings = typeof options.confirm === 'object' ? options.confirm : {};
    const results = await confirmBreaks(
      confirming.map((job) => ({ job, slice: sliceOf(job), verdict: verdicts.get(job.capability.id) as Extract<CachedVerdict, { verdict: 'breaks' }> })),
      { ...settings, root: plan.root, dir: options.cacheDir!, within: options.cacheWithin, request: { ...options, model, onProgress: undefined }, report },
    );
    report.confirm = { fails: 0, passes: 0, broken: 0 };
    for (const [id, confirmation] of results) {
      report.confirm[confirmation.outcome]++;
      const verdict = { ...(verdicts.get(id) as Extract<CachedVerdict, { verdict: 'breaks' }>), confirmation };
      verdicts.set(id, verdict);
      for (const key of keys.get(id) ?? []) cache.set(key, verdict);
    }
  }

  report.sliceTokens = percentiles(sliceTokens);
  cache.save();
  report.notChecked.sort((a, b) => (a.capability < b.capability ? -1 : 1));
  return { findings: findingsOf(jobs, verdicts), report };
}

/** Below this many files to parse, a helper thread costs more than it saves. */
const AHEAD_MIN_FILES = 24;

function parseAhead(
  needs: { tests: string[]; files: string[]; blocks: string[] }[],
  unparsed: SourceFiles['unparsed'],
  root: string,
): ParsedAhead | undefined {
  const seen = new Set<string>();
  const list: { file: string; tests: boolean }[] = [];
  for (const need of needs) {
    for (const file of need.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      list.push({ file, tests: need.tests.includes(file) });
    }
  }
  const todo = unparsed(list, [...new Set(needs.flatMap((n) => n.blocks))]);
  return todo.files.length >= AHEAD_MIN_FILES ? ParsedAhead.start({ root, ...todo }) : undefined;
}

const needsConfirming = (v: CachedVerdict | undefined) => v?.verdict === 'breaks' && v.confirmation === undefined;

/** Each verdict as findings: `breaks` (confirmed, when asked) is drift, the rest that is not `keeps` a warning; weak tests their own. */
function findingsOf(jobs: readonly Job[], verdicts: ReadonlyMap<string, CachedVerdict>): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const { spec, capability } of jobs) {
    const v = verdicts.get(capability.id);
    if (!v) continue;
    for (const w of v.weak ?? []) {
      findings.push({ kind: 'weak-test', spec: spec.id, capability: capability.id, file: w.file, line: w.line, data: { promise: capability.text || capability.name, test: w.test, missing: w.missing } });
    }
    if (v.verdict === 'keeps') continue;
    const unclear = (reason: string) =>
      findings.push({ kind: 'semantic-unclear', spec: spec.id, capability: capability.id, file: spec.file, line: capability.line, data: { promise: capability.text || capability.name, reason } });
    if (v.verdict === 'unclear') unclear(v.reason);
    else if (v.confirmation && v.confirmation.outcome !== 'fails') unclear(`the model judged that the code breaks "${v.clause}", but ${v.confirmation.detail}`);
    else {
      const first = v.evidence[0];
      findings.push({
        kind: 'semantic-drift',
        spec: spec.id,
        capability: capability.id,
        file: first.file,
        line: first.line,
        data: { clause: v.clause, instead: v.explanation, evidence: v.evidence, ...(v.confirmation && { test: v.confirmation.test }) },
      });
    }
  }
  return findings;
}

function percentiles(values: number[]): { median: number; p95: number } {
  if (values.length === 0) return { median: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}
