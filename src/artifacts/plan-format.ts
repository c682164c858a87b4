// The JSON plan (version 1) as a schema: the source of schema/plan.schema.json
// and of `parsePlan`, which other tools use to read a saved plan. A reader
// refuses a version it does not know rather than guess.

import * as z from 'zod/mini';
import { CATEGORIES, KIND_NAMES, type Kind } from '../model/kinds.js';
import { FORMATS } from '../formats/readers.js';
import { STATUSES, type Plan } from '../model/model.js';
import { messageOf, wordsOf } from '../model/words.js';
import { parseVersioned } from './versioned.js';

export const PLAN_VERSION = 1;

const nonNegative = z.number().check(z.int(), z.minimum(0));
const line = z.number().check(z.int(), z.minimum(1));

export const planSchema = z.strictObject({
  version: z.literal(PLAN_VERSION),
  root: z.string(),
  specs: z.array(
    z.strictObject({
      id: z.string(),
      format: z.enum(FORMATS),
      file: z.string(),
      name: z.string(),
    }),
  ),
  capabilities: z.array(
    z.strictObject({
      id: z.string(),
      spec: z.string(),
      name: z.string(),
      file: z.string(),
      line,
      status: z.enum(STATUSES),
      tests: z.array(z.strictObject({ file: z.string(), name: z.optional(z.string()), inferred: z.optional(z.literal(true)) })),
      coverage: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
    }),
  ),
  findings: z.array(
    z.strictObject({
      kind: z.enum(KIND_NAMES as [Kind, ...Kind[]]),
      category: z.enum(CATEGORIES),
      severity: z.enum(['error', 'warn']),
      spec: z.optional(z.string()),
      capability: z.optional(z.string()),
      file: z.optional(z.string()),
      line: z.optional(line),
      message: z.string(),
      symbol: z.optional(z.string()),
      change: z.optional(z.enum(['added', 'removed', 'changed'])),
      code: z.optional(z.strictObject({ file: z.string(), line })),
      diff: z.optional(z.string()),
      /** The finding's identity across edits (docs/plan-format.md). Optional for plans written before it existed. */
      fingerprint: z.optional(z.string().check(z.regex(/^[0-9a-f]{16}$/))),
      /** In the project's baseline: it does not fail the gate and is not counted in `summary`. */
      baselined: z.optional(z.literal(true)),
      /** `semantic-drift`: the lines of code that show it, quoted. */
      evidence: z.optional(z.array(z.strictObject({ file: z.string(), line, quote: z.string() }))),
      /** `semantic-drift` with `--confirm`: the test the model wrote, which fails (a path from the root). */
      confirmedBy: z.optional(z.string()),
    }),
  ),
  summary: z.strictObject({ drift: nonNegative, unspecified: nonNegative, stale: nonNegative, errors: nonNegative }),
  /** With `--since`, `--staged` or file arguments: how the change was given, its files, and the specs planned of all. */
  scope: z.optional(z.strictObject({ by: z.string(), files: nonNegative, specs: nonNegative, of: nonNegative })),
  /** With `--semantic`: the model, what was checked, cached and not checked (with why), the tokens and the estimated cost in USD. */
  semantic: z.optional(
    z.strictObject({
      model: z.string(),
      priceKnown: z.boolean(),
      checked: nonNegative,
      cached: nonNegative,
      skipped: nonNegative,
      notChecked: z.array(z.strictObject({ capability: z.string(), reason: z.string(), batch: z.optional(z.string()) })),
      usage: z.strictObject({ input: nonNegative, output: nonNegative, cacheRead: nonNegative, cacheWrite: nonNegative }),
      cost: z.number().check(z.minimum(0)),
      sliceTokens: z.strictObject({ median: nonNegative, p95: nonNegative }),
      confirm: z.optional(z.strictObject({ fails: nonNegative, passes: nonNegative, broken: nonNegative })),
      /** With `--batch`: requests sent this run, answers collected, and the batches still waiting. */
      batch: z.optional(
        z.strictObject({
          sent: nonNegative,
          collected: nonNegative,
          pending: z.array(z.strictObject({ id: z.string(), requests: nonNegative, status: z.string(), created: z.string() })),
        }),
      ),
    }),
  ),
  /** With a baseline (`.sdna/baseline.json`): how many findings it holds, and which of its findings are gone. */
  baseline: z.optional(
    z.strictObject({
      file: z.string(),
      baselined: nonNegative,
      gone: z.array(
        z.strictObject({
          fingerprint: z.string(),
          kind: z.enum(KIND_NAMES as [Kind, ...Kind[]]),
          spec: z.optional(z.string()),
          capability: z.optional(z.string()),
          file: z.optional(z.string()),
          symbol: z.optional(z.string()),
        }),
      ),
    }),
  ),
});

/** The JSON plan (version 1) as other tools read it: documented fields only. */
export type JsonPlan = z.infer<typeof planSchema>;

/** The plan as its JSON artifact: only the documented fields, in a fixed order. */
export function toJsonPlan(plan: Plan): JsonPlan {
  return {
    version: plan.version,
    root: plan.root,
    specs: plan.specs.map(({ id, format, file, name }) => ({ id, format, file, name })),
    capabilities: plan.capabilities.map(({ id, spec, name, file, line, status, tests, coverage }) => ({
      id,
      spec,
      name,
      file,
      line,
      status,
      tests: tests.map((t) => ({ file: t.file, ...(t.name !== undefined && { name: t.name }), ...(t.inferred && { inferred: true as const }) })),
      ...(coverage !== undefined && { coverage }),
    })),
    findings: plan.findings.map((f) => {
      const api = f.kind === 'api-drift' && !('unparsable' in f.data) ? f.data : undefined;
      return {
        kind: f.kind,
        category: f.category,
        severity: f.severity,
        ...(f.spec !== undefined && { spec: f.spec }),
        ...(f.capability !== undefined && { capability: f.capability }),
        ...(f.file !== undefined && { file: f.file }),
        ...(f.line !== undefined && { line: f.line }),
        message: messageOf(f),
        ...(f.symbol !== undefined && { symbol: f.symbol }),
        ...(api && { change: api.change }),
        ...(api?.code && { code: { file: api.code.file, line: api.code.line } }),
        ...(api && { diff: wordsOf(f).diff }),
        fingerprint: f.fingerprint,
        ...(f.baselined && { baselined: true as const }),
        ...(f.kind === 'semantic-drift' && f.data.evidence && { evidence: f.data.evidence.map((e) => ({ ...e })) }),
        ...(f.kind === 'semantic-drift' && f.data.test && { confirmedBy: f.data.test }),
      };
    }),
    summary: { ...plan.summary },
    ...(plan.scope && { scope: { ...plan.scope } }),
    ...(plan.semantic && { semantic: semanticOf(plan.semantic) }),
    ...(plan.baseline && { baseline: { file: plan.baseline.file, baselined: plan.baseline.baselined, gone: plan.baseline.gone.map((e) => ({ ...e })) } }),
  };
}

function semanticOf(s: NonNullable<Plan['semantic']>): NonNullable<JsonPlan['semantic']> {
  return {
    ...s,
    notChecked: s.notChecked.map((n) => ({ ...n })),
    usage: { ...s.usage },
    sliceTokens: { ...s.sliceTokens },
    ...(s.batch && { batch: { ...s.batch, pending: s.batch.pending.map((p) => ({ ...p })) } }),
    ...(s.confirm && { confirm: { ...s.confirm } }),
  };
}

/** Reads a saved JSON plan; throws SdnaError for an unknown version or a malformed plan. */
export function parsePlan(text: string): JsonPlan {
  return parseVersioned(text, {
    version: PLAN_VERSION,
    schema: planSchema,
    notJson: (reason) => `not a JSON plan: ${reason}`,
    badVersion: (found) => `unsupported plan version ${JSON.stringify(found)}: this sdna reads version ${PLAN_VERSION}`,
    invalid: (issue) => `malformed plan at ${issue.path}: ${issue.code}`,
  });
}
