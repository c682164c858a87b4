// The versioned JSON `sdna import --json` prints (docs/import-format.md; its
// JSON Schema is schema/import.schema.json, generated from this one).

import * as z from 'zod/mini';
import { EVIDENCE_KINDS, type ImportResult } from '../checks/import/types.js';

export const IMPORT_VERSION = 1;

const evidence = z.array(z.strictObject({ kind: z.enum(EVIDENCE_KINDS), detail: z.string() }));
const confidence = z.number().check(z.gte(0), z.lte(1));
const count = z.number().check(z.int(), z.minimum(0));

export const importSchema = z.strictObject({
  version: z.literal(IMPORT_VERSION),
  links: z.array(
    z.strictObject({
      capability: z.string(),
      file: z.string(),
      name: z.optional(z.string()),
      confidence,
      evidence,
    }),
  ),
  targets: z.array(
    z.strictObject({
      spec: z.string(),
      capability: z.optional(z.string()),
      glob: z.string(),
      confidence,
      evidence,
    }),
  ),
  /** With `--semantic`: the model, the capabilities asked about, cached and not checked (with why), the candidate links it confirmed, rejected or left unclear, the tokens and the estimated cost in USD. */
  semantic: z.optional(
    z.strictObject({
      model: z.string(),
      priceKnown: z.boolean(),
      checked: count,
      cached: count,
      notChecked: z.array(z.strictObject({ capability: z.string(), reason: z.string() })),
      usage: z.strictObject({ input: count, output: count, cacheRead: count, cacheWrite: count }),
      cost: z.number().check(z.minimum(0)),
      links: z.strictObject({ confirmed: count, rejected: count, unclear: count }),
    }),
  ),
});

export type JsonImport = z.infer<typeof importSchema>;

/** Only the documented fields, in a stable order. */
export function toJsonImport(result: ImportResult): JsonImport {
  const ev = (list: ImportResult['links'][number]['evidence']) => list.map(({ kind, detail }) => ({ kind, detail }));
  return {
    version: IMPORT_VERSION,
    links: result.links.map((l) => ({ capability: l.capability, file: l.file, ...(l.name !== undefined && { name: l.name }), confidence: l.confidence, evidence: ev(l.evidence) })),
    targets: result.targets.map((t) => ({ spec: t.spec, ...(t.capability !== undefined && { capability: t.capability }), glob: t.glob, confidence: t.confidence, evidence: ev(t.evidence) })),
    ...(result.semantic && { semantic: { ...result.semantic, notChecked: result.semantic.notChecked.map((n) => ({ ...n })), usage: { ...result.semantic.usage }, links: { ...result.semantic.links } } }),
  };
}
