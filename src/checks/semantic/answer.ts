// The model's answer: the input of the forced `report_verdict` tool call,
// validated strictly. An answer that does not validate, or a `breaks` whose
// evidence does not occur in the slice at the place it cites, is `unclear`:
// never `keeps`, never a finding the code did not earn.

import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import * as z from 'zod/mini';
import type { Slice } from './slice.js';

export const TOOL_NAME = 'report_verdict';

const evidence = z.strictObject({
  file: z.string().check(z.minLength(1)),
  line: z.number().check(z.int(), z.minimum(1)),
  quote: z.string().check(z.minLength(1), z.maxLength(2000)),
});

const testVerdict = z.strictObject({
  file: z.string().check(z.minLength(1)),
  test: z.string().check(z.minLength(1)),
  proves: z.boolean(),
  missing: z.string().check(z.maxLength(2000)),
});

export const answerSchema = z.strictObject({
  verdict: z.enum(['keeps', 'breaks', 'unclear']),
  /** The part of the promise that is broken (or in doubt); for `keeps`, the promise. */
  clause: z.string().check(z.maxLength(2000)),
  evidence: z.array(evidence).check(z.maxLength(20)),
  explanation: z.string().check(z.maxLength(4000)),
  /** With `tests: true`: whether each linked test shown asserts what the promise says. */
  tests: z.optional(z.array(testVerdict).check(z.maxLength(50))),
});

export type Answer = z.infer<typeof answerSchema>;
export type Evidence = z.infer<typeof evidence>;
export type TestVerdict = z.infer<typeof testVerdict>;

/** The tool's input schema as the Messages API takes it (JSON Schema); with `tests`, it asks about the linked tests too. */
export function toolInputSchema(tests: boolean): Tool['input_schema'] {
  if (!tests) return TOOL_INPUT_SCHEMA;
  return {
    ...TOOL_INPUT_SCHEMA,
    required: [...(TOOL_INPUT_SCHEMA.required ?? []), 'tests'],
    properties: {
      ...(TOOL_INPUT_SCHEMA.properties as Record<string, unknown>),
      tests: {
        type: 'array',
        description: 'For each test shown in <code_data> (shows="test: …"): does its body assert what the promise says?',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['file', 'test', 'proves', 'missing'],
          properties: {
            file: { type: 'string', description: 'The test\'s file, as in path="…".' },
            test: { type: 'string', description: 'The test\'s name, exactly as after "test: ".' },
            proves: { type: 'boolean', description: 'True if the test would fail were the promise broken.' },
            missing: { type: 'string', description: 'If not: what of the promise the test does not check; else empty.' },
          },
        },
      },
    },
  };
}

const TOOL_INPUT_SCHEMA: Tool['input_schema'] = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'clause', 'evidence', 'explanation'],
  properties: {
    verdict: { type: 'string', enum: ['keeps', 'breaks', 'unclear'], description: 'Does the code keep the promise?' },
    clause: { type: 'string', description: 'The words of the promise that the code breaks (or that are in doubt); the whole promise for keeps.' },
    evidence: {
      type: 'array',
      description: 'Lines of the code slice that show it: each quote copied exactly from the line it starts on.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file', 'line', 'quote'],
        properties: { file: { type: 'string' }, line: { type: 'integer', minimum: 1 }, quote: { type: 'string' } },
      },
    },
    explanation: { type: 'string', description: 'What the code does instead of the promise (breaks), or why it is unclear; one or two sentences.' },
  },
};

export type Judged =
  | { verdict: 'keeps' | 'breaks'; answer: Answer }
  | { verdict: 'unclear'; answer?: Answer; reason: string };

/** A linked test the model found not to prove the promise, at its place in the slice. */
export interface WeakTest {
  file: string;
  test: string;
  line: number;
  missing: string;
}

/** The tests the answer says do not prove the promise; a test the slice does not show is ignored (no evidence, no finding). */
export function weakTests(answer: Answer | undefined, slice: Slice): WeakTest[] {
  const out: WeakTest[] = [];
  for (const t of answer?.tests ?? []) {
    if (t.proves) continue;
    // The name was shown inside an attribute (`a &gt; b`); either spelling is the test's.
    const name = t.test.replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!);
    const shown = slice.pieces.find((p) => p.kind === 'test' && p.file === t.file && p.name === name);
    if (shown && !out.some((w) => w.file === t.file && w.test === name)) out.push({ file: t.file, test: name, line: shown.start, missing: t.missing || 'what the promise says' });
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Does `quote` occur in the slice's text of `file`, starting on `line` (whitespace-normalised)? */
export function quoteAt(slice: Slice, e: Evidence): boolean {
  // The model read `</` written `<\/` (see `neutralize`); the code has `</`.
  const quote = squash(e.quote.replace(/<\\\//g, '</'));
  if (quote === '') return false;
  for (const piece of slice.pieces) {
    if (piece.file !== e.file || e.line < piece.start || e.line >= piece.start + piece.lines.length) continue;
    // The quote starts on `line` and may run on over the following lines of the piece.
    const from = piece.lines.slice(e.line - piece.start).join('\n');
    const first = squash(piece.lines[e.line - piece.start]);
    const text = squash(from);
    for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
      if (at < Math.max(first.length, 1)) return true;
    }
  }
  return false;
}

/** The verdict the answer earns: validated, and `breaks` only with evidence that is really in the slice. */
export function judge(input: unknown, slice: Slice): Judged {
  const parsed = answerSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { verdict: 'unclear', reason: `the answer did not have the required form (${issue.path.join('.') || 'answer'}: ${issue.message})` };
  }
  const answer = parsed.data;
  if (answer.verdict === 'unclear') return { verdict: 'unclear', answer, reason: answer.explanation || 'the model could not decide' };
  if (answer.verdict === 'breaks') {
    if (answer.evidence.length === 0) return { verdict: 'unclear', answer, reason: 'a "breaks" verdict without evidence' };
    const bad = answer.evidence.find((e) => !quoteAt(slice, e));
    if (bad) return { verdict: 'unclear', answer, reason: `a "breaks" verdict whose evidence is not in the code at ${bad.file}:${bad.line}` };
  }
  return { verdict: answer.verdict, answer };
}
