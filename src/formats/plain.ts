// What the readers of plain-Markdown formats (Spec Kit, Kiro) share: an
// optional frontmatter `targets:` list, fenced code to skip, and `[@test]` links
// written in a requirement's text.

import type { Target, TestLink } from '../model/model.js';
import { parseFrontmatter, splitFrontmatter } from './frontmatter.js';
import { findLinks } from './markdown.js';
import type { SpecProblem } from './problem.js';
import { normalizeText } from '../util/text.js';
import { addTarget, testLink } from './links.js';


/**
 * The body's lines (frontmatter blanked, so numbers hold) and the frontmatter's
 * targets; undefined when the frontmatter is never closed. Frontmatter that does
 * not parse loses its targets, not the requirements below it.
 */
export function readHead(file: string, source: string, problems: SpecProblem[]): { lines: string[]; targets: Target[] } | undefined {
  const split = splitFrontmatter(normalizeText(source));
  if (split.problem) {
    problems.push(split.problem);
    return undefined;
  }
  const targets: Target[] = [];
  if (split.yaml !== undefined) {
    const { fm, problems: fmProblems } = parseFrontmatter(split.yaml, split.yamlLine);
    problems.push(...fmProblems);
    for (const t of fm?.targets ?? []) addTarget(file, t.value, t.line, 'target', targets, problems);
  }
  return { lines: split.body.split('\n'), targets };
}


/** The `[@test]` links in `text` (on line `line`), resolved against the spec. */
export function addTestLinks(file: string, text: string, line: number, links: TestLink[], problems: SpecProblem[]): void {
  for (const raw of findLinks(text, line)) {
    if (raw.kind !== 'test') continue;
    const link = testLink(file, raw, problems);
    if (link) links.push(link);
  }
}
