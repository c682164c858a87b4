// The interchange file: every spec of a project in the format-neutral model,
// as versioned JSON. `sdna export` writes it; `sdna plan --from` plans from it
// instead of reading spec files, so another tool's specs can feed sdna's
// reconciliation. The schema is the source of schema/interchange.schema.json; a
// reader refuses a version it does not know.

import * as z from 'zod/mini';
import { parseVersioned } from './versioned.js';
import type { SpecModel } from '../read-model.js';
import { FORMATS } from '../formats/readers.js';
import { PROBLEM_KINDS } from '../model/kinds.js';

export const INTERCHANGE_VERSION = 1;

const line = z.number().check(z.int(), z.minimum(1));
/** Root-relative, `/`-separated, never leaving the root: sdna reads nothing outside it. */
const inRoot = z.string().check(
  z.minLength(1),
  z.refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split('/').includes('..'), { message: 'a path relative to the project root, inside it' }),
);

const testLink = z.strictObject({ raw: z.string(), file: inRoot, fragment: z.optional(z.string()), line });

const problem = z.strictObject({
  spec: z.string(),
  /** The spec file whose reading found it. */
  file: inRoot,
  /** When the problem is in a file read beside the spec (Kiro's tasks.md): that file. */
  companion: z.optional(inRoot),
  kind: z.enum(PROBLEM_KINDS),
  /** Stable per kind of problem (`frontmatter-yaml`); with `subject`, the identity of the finding it becomes. */
  code: z.optional(z.string().check(z.minLength(1))),
  subject: z.optional(z.string()),
  line,
  capability: z.optional(z.string()),
  actual: z.string(),
  hint: z.string(),
});

export const interchangeSchema = z.strictObject({
  version: z.literal(INTERCHANGE_VERSION),
  /** Where it was exported from (informational: `plan --from` plans the project it runs in). */
  root: z.optional(z.string()),
  specs: z.array(
    z.strictObject({
      id: z.string().check(z.minLength(1)),
      format: z.enum(FORMATS),
      file: inRoot,
      name: z.string(),
      description: z.optional(z.string()),
      targets: z.array(z.strictObject({ glob: z.string(), pattern: inRoot, line, via: z.enum(['target', 'generate', 'describe', 'config']), file: z.optional(inRoot) })),
      capabilities: z.array(
        z.strictObject({
          id: z.string().check(z.minLength(1)),
          spec: z.string(),
          name: z.string(),
          text: z.string(),
          file: inRoot,
          line,
          links: z.array(testLink),
          locked: z.boolean(),
          parent: z.optional(z.string()),
          textHash: z.optional(z.string()),
        }),
      ),
      links: z.array(testLink),
      uses: z.array(z.strictObject({ ref: z.string(), line })),
      api: z.array(z.strictObject({ lang: z.string(), code: z.string(), line })),
      context: z.optional(z.array(z.strictObject({ file: inRoot, headings: z.array(z.strictObject({ title: z.string(), line })) }))),
    }),
  ),
  problems: z.array(problem),
});

export type Interchange = z.infer<typeof interchangeSchema>;

/** The model as an interchange document, specs sorted by file. */
export function toInterchange(model: SpecModel, root: string): Interchange {
  return {
    version: INTERCHANGE_VERSION,
    root,
    // What the specs say: links and targets `sdna import` recorded live in .sdna/links.json, not here.
    specs: [...model.specs]
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
      .map((s) => ({
        ...s,
        targets: s.targets.filter((t): t is Interchange['specs'][number]['targets'][number] => t.via !== 'import'),
        capabilities: s.capabilities.map((c) => ({ ...c, links: c.links.filter((l) => !l.inferred) })),
      })),
    problems: model.problems.map(({ spec, file, problem: p }) => ({
      spec,
      file,
      ...(p.file !== undefined && { companion: p.file }),
      kind: p.kind ?? 'spec-error',
      code: p.code,
      ...(p.subject !== undefined && { subject: p.subject }),
      line: p.line,
      ...(p.capability !== undefined && { capability: p.capability }),
      actual: p.actual,
      hint: p.hint,
    })),
  };
}

/** Reads an interchange document; SdnaError (exit 2) for an unknown version or a malformed one. */
export function parseInterchange(text: string, where: string): SpecModel {
  const doc = parseVersioned(text, {
    version: INTERCHANGE_VERSION,
    schema: interchangeSchema,
    notJson: (reason) => `${where} is not JSON: ${reason}`,
    badVersion: (found) =>
      `${where}: unsupported interchange version ${JSON.stringify(found)}; this sdna reads version ${INTERCHANGE_VERSION} (write it with \`sdna export\`)`,
    invalid: (issue) => `${where} is not a valid interchange file: at ${issue.path}: ${issue.message} (its form: docs/interchange.md, schema/interchange.schema.json)`,
  });
  return {
    specs: doc.specs,
    problems: doc.problems.map(({ spec, file, companion, kind, code, subject, line: l, capability, actual, hint }) => ({
      spec,
      file,
      problem: {
        kind,
        // Another tool's problem without a code: its text is the only identity it has.
        code: code ?? 'external',
        ...(code === undefined ? { subject: actual } : subject !== undefined && { subject }),
        line: l,
        ...(companion !== undefined && { file: companion }),
        ...(capability !== undefined && { capability }),
        actual,
        hint,
      },
    })),
  };
}
