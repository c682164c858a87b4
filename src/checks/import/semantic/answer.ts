// The model's answer about a capability's candidate tests: the input of the
// forced `report_links` tool call, validated strictly. An answer that does not
// validate leaves every candidate `unclear`; a candidate it does not judge, or
// judges twice, or says it `tests` without a line of the test that shows it, is
// `unclear` too: never a link the test did not earn.

import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import * as z from 'zod/mini';
import { quoteAt } from '../../semantic/answer.js';
import type { SlicePiece } from '../../semantic/slice.js';

export const LINKS_TOOL_NAME = 'report_links';

const judgement = z.strictObject({
  candidate: z.number().check(z.int(), z.minimum(1)),
  verdict: z.enum(['tests', 'unrelated', 'unclear']),
  reason: z.string().check(z.maxLength(2000)),
  line: z.optional(z.number().check(z.int(), z.minimum(1))),
  quote: z.optional(z.string().check(z.maxLength(2000))),
});

export const linksAnswerSchema = z.strictObject({ links: z.array(judgement).check(z.maxLength(50)) });

/** The tool's input schema as the Messages API takes it (JSON Schema). */
export const LINKS_INPUT_SCHEMA: Tool['input_schema'] = {
  type: 'object',
  additionalProperties: false,
  required: ['links'],
  properties: {
    links: {
      type: 'array',
      description: 'One entry for each candidate test in <tests_data>.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['candidate', 'verdict', 'reason'],
        properties: {
          candidate: { type: 'integer', minimum: 1, description: 'The number of the <candidate> it is about.' },
          verdict: { type: 'string', enum: ['tests', 'unrelated', 'unclear'], description: 'Does this test verify the promise?' },
          reason: { type: 'string', description: 'One sentence: what the test checks, and how that meets the promise (tests) or differs from it (unrelated), or why it is unclear.' },
          line: { type: 'integer', minimum: 1, description: 'For tests: the number of the line the quote starts on.' },
          quote: { type: 'string', description: 'For tests: the line of the test that shows it verifies the promise (an assertion, or the call it checks), copied exactly.' },
        },
      },
    },
  },
};

export const linkVerdictSchema = z.union([
  z.strictObject({ verdict: z.literal('tests'), reason: z.string(), line: z.number(), quote: z.string() }),
  z.strictObject({ verdict: z.literal('unrelated'), reason: z.string() }),
  z.strictObject({ verdict: z.literal('unclear'), reason: z.string() }),
]);

export type LinkVerdict = z.infer<typeof linkVerdictSchema>;

/** One verdict for each candidate, in the order shown (`pieces[i]` is candidate i + 1). */
export function judgeLinks(input: unknown, pieces: readonly SlicePiece[]): LinkVerdict[] {
  const parsed = linksAnswerSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = `the answer did not have the required form (${issue.path.join('.') || 'answer'}: ${issue.message})`;
    return pieces.map(() => ({ verdict: 'unclear', reason }));
  }
  return pieces.map((piece, i): LinkVerdict => {
    const about = parsed.data.links.filter((j) => j.candidate === i + 1);
    if (about.length === 0) return { verdict: 'unclear', reason: 'the model did not judge it' };
    if (new Set(about.map((j) => j.verdict)).size > 1) return { verdict: 'unclear', reason: 'the model judged it twice, differently' };
    const { verdict, reason, line, quote } = about[0];
    if (verdict !== 'tests') return { verdict, reason: reason || (verdict === 'unclear' ? 'the model could not decide' : 'the model found it unrelated') };
    if (line === undefined || !quote) return { verdict: 'unclear', reason: 'a "tests" verdict without the line that shows it' };
    if (!quoteAt({ pieces: [piece], tokens: 0, left: 0 }, { file: piece.file, line, quote })) {
      return { verdict: 'unclear', reason: `a "tests" verdict whose quote is not in the test at ${piece.file}:${line}` };
    }
    return { verdict, reason, line, quote };
  });
}
