// Test links and targets as specs write them, resolved against the spec's
// folder: every format's reader shares them. A path that leaves the project
// root, or names nothing, is a problem, never a link or a target.

import type { Target, TestLink } from '../model/model.js';
import { resolveFrom } from '../util/paths.js';
import type { RawLink } from './markdown.js';
import type { SpecProblem } from './problem.js';

/** A `[@test](path#fragment)` link resolved against the spec's folder; a problem when it names no file or leaves the root. */
export function testLink(file: string, l: RawLink, problems: SpecProblem[]): TestLink | undefined {
  const hash = l.target.indexOf('#');
  const ref = hash === -1 ? l.target : l.target.slice(0, hash);
  let fragment = hash === -1 ? undefined : l.target.slice(hash + 1);
  if (fragment !== undefined) {
    fragment = decode(fragment);
    if (fragment.trim() === '') fragment = undefined;
  }
  if (ref.trim() === '') {
    problems.push({
      code: 'link-without-file',
      subject: l.target,
      line: l.line,
      actual: `test link \`[@test](${l.target})\` names no file`,
      hint: 'write `[@test](../test/<file>.test.ts)` or `[@test](<../test/<file>.test.ts#test name>)`',
    });
    return undefined;
  }
  const resolved = resolveFrom(file, decode(ref.trim()));
  if (resolved === undefined) {
    problems.push({
      code: 'link-outside-root',
      subject: ref.trim(),
      line: l.line,
      actual: `test link \`${ref.trim()}\` resolves outside the project root and was not read`,
      hint: 'link a test file inside the project, relative to the spec file: `[@test](../test/<file>.test.ts)`',
    });
    return undefined;
  }
  return { raw: l.target, file: resolved, fragment, line: l.line };
}

/** Percent-decodes a link part; a stray `%` is part of the name, not an escape. */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function addTarget(
  file: string,
  glob: string,
  line: number,
  via: Target['via'],
  targets: Target[],
  problems: SpecProblem[],
): void {
  const g = glob.trim();
  if (g === '') {
    problems.push({ code: 'empty-target', line, target: true, actual: 'empty target', hint: 'write a glob relative to the spec file: `../src/<file>.ts`' });
    return;
  }
  const pattern = resolveFrom(file, g);
  if (pattern === '') {
    problems.push({
      code: 'target-is-root',
      subject: g,
      line,
      target: true,
      actual: `target \`${g}\` names the whole project root`,
      hint: 'name the folders or files this spec governs: `../src/<area>/**/*.ts`',
    });
    return;
  }
  if (pattern === undefined) {
    problems.push({
      code: 'target-outside-root',
      subject: g,
      line,
      target: true,
      actual: `target \`${g}\` resolves outside the project root and was not read`,
      hint: 'name files inside the project, relative to the spec file: `../src/<area>/*.ts`',
    });
    return;
  }
  targets.push({ glob: g, pattern, line, via });
}
