// `sdna import --semantic`: for each capability, one request to Claude with the
// promise and the bodies of its shortlisted tests (see ../shortlist.ts), which
// it confirms or rejects one by one. A confirmed link gains the model's reason
// and the line that shows it, and a confidence that `--write` records; a
// rejected one falls below it. Answers are cached by content hash, so an
// unchanged capability costs nothing the next time.

import * as z from 'zod/mini';
import { contentKey } from '../../../artifacts/cache.js';
import { cmp } from '../../../model/findings.js';
import { GuardedReader } from '../../../util/guarded.js';
import { clip } from '../../../util/text.js';
import { DEFAULT_MODEL, NO_USAGE, priceOf } from '../../semantic/cost.js';
import { requestBody } from '../../semantic/prompt.js';
import { ask, type CheckOptions } from '../../semantic/requests.js';
import type { SlicePiece } from '../../semantic/slice.js';
import { VerdictCache, type AnswerStore } from '../../semantic/verdicts.js';
import { reweigh } from '../evidence.js';
import { compareLinks, type ImportReport } from '../index.js';
import type { Shortlist, Shortlisted } from '../shortlist.js';
import type { CorpusTest } from '../test-corpus.js';
import type { Evidence, LinkCheckReport, LinkProposal } from '../types.js';
import { judgeLinks, LINKS_TOOL_NAME, linkVerdictSchema, type LinkVerdict } from './answer.js';
import { LINKS_PROMPT, LINKS_PROMPT_VERSION, linksMessage } from './prompt.js';

const LINK_VERDICTS: AnswerStore<LinkVerdict[]> = { file: 'import-link-verdicts.json', schema: z.array(linkVerdictSchema) };

/** A test's lines shown at most: its setup and assertions, not a page of fixtures. */
const MAX_TEST_LINES = 60;
/** Output tokens one candidate's verdict takes, for the cost a request may reach before it is sent. */
const ANSWER_TOKENS = 120;
/** What the model's verdict alone is worth: combined with the other evidence as one more independent chance (a noisy-or, as import weighs all evidence). */
const MODEL_WEIGHT = 0.9;

export async function confirmLinks(report: ImportReport, root: string, options: CheckOptions = {}): Promise<ImportReport> {
  const model = options.model ?? DEFAULT_MODEL;
  const cache = VerdictCache.open(LINK_VERDICTS, options.cacheDir, options.cacheWithin);
  const reader = new GuardedReader(root);
  const files = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!files.has(file)) files.set(file, reader.tryText(file, 'test')?.split(/\r?\n/));
    return files.get(file);
  };
  const semantic: LinkCheckReport = {
    model,
    priceKnown: priceOf(model).known,
    checked: 0,
    cached: 0,
    notChecked: [],
    usage: NO_USAGE,
    cost: 0,
    links: { confirmed: 0, rejected: 0, unclear: 0 },
  };

  const answers: { list: Shortlist; shown: Shortlisted[]; verdicts: LinkVerdict[] }[] = [];
  const todo: { list: Shortlist; shown: Shortlisted[]; pieces: SlicePiece[]; content: string; key: string }[] = [];
  for (const list of report.shortlist ?? []) {
    const shown = list.tests.filter((s) => linesOf(s.test.file) !== undefined);
    if (shown.length === 0) {
      semantic.notChecked.push({ capability: list.capability.id, reason: 'its candidate tests could not be read' });
      continue;
    }
    const pieces = shown.map((s) => pieceOf(linesOf(s.test.file)!, s.test));
    const content = linksMessage(list.spec, list.capability, pieces);
    const key = contentKey(JSON.stringify([model, LINKS_PROMPT_VERSION, content]));
    const known = cache.get(key);
    if (known && known.length === shown.length) {
      answers.push({ list, shown, verdicts: known });
      semantic.cached++;
    } else todo.push({ list, shown, pieces, content, key });
  }

  await ask(
    todo,
    (job) => ({
      capability: job.list.capability.id,
      body: requestBody(model, job.content, LINKS_PROMPT),
      answerTokens: ANSWER_TOKENS * job.shown.length,
      answered(input) {
        const verdicts = input === undefined ? job.shown.map((): LinkVerdict => ({ verdict: 'unclear', reason: `the model did not call ${LINKS_TOOL_NAME}` })) : judgeLinks(input, job.pieces);
        answers.push({ list: job.list, shown: job.shown, verdicts });
        cache.set(job.key, verdicts);
      },
    }),
    { ...options, model },
    semantic,
  );
  cache.save();
  semantic.notChecked.sort((a, b) => cmp(a.capability, b.capability));

  const changed = new Map<LinkProposal, LinkProposal>();
  const added: LinkProposal[] = [];
  for (const { list, shown, verdicts } of answers) {
    shown.forEach(({ test, proposal }, i) => {
      const v = verdicts[i];
      semantic.links[v.verdict === 'tests' ? 'confirmed' : v.verdict === 'unrelated' ? 'rejected' : 'unclear']++;
      if (v.verdict === 'unclear') return;
      const evidence = modelEvidence(model, test, v);
      if (proposal) {
        const confidence = reweigh(proposal.confidence, MODEL_WEIGHT, v.verdict === 'tests' ? 'for' : 'against');
        changed.set(proposal, { ...proposal, confidence, evidence: [evidence, ...proposal.evidence] });
      } else if (v.verdict === 'tests') {
        added.push({ capability: list.capability.id, file: test.file, name: test.fullName, confidence: MODEL_WEIGHT, evidence: [evidence] });
      }
    });
  }
  const links = [...report.links.map((l) => changed.get(l) ?? l), ...added].sort(compareLinks);
  return { ...report, links, semantic };
}

/** The test's lines, from the comment above it, without the blank lines that end them. */
function pieceOf(lines: readonly string[], test: CorpusTest): SlicePiece {
  const { start } = test.lines;
  let end = Math.min(test.lines.end, start + MAX_TEST_LINES - 1, lines.length);
  while (end > start && lines[end - 1].trim() === '') end--;
  return { file: test.file, start, lines: lines.slice(start - 1, end), kind: 'test', name: test.fullName };
}

/** The model's verdict as evidence: its reason, and for a confirmation the line it quoted. */
function modelEvidence(model: string, test: CorpusTest, v: Exclude<LinkVerdict, { verdict: 'unclear' }>): Evidence {
  const reason = clip(v.reason, 200).replace(/\.$/, '');
  if (v.verdict === 'unrelated') return { kind: 'model', detail: `rejected by ${model}: ${reason}` };
  return { kind: 'model', detail: `confirmed by ${model}: ${reason} (${test.file}:${v.line} \`${clip(v.quote, 120)}\`)` };
}
