// Targets and scope: the files each spec's targets match (a target that matches
// nothing is stale), and the files in scope that no spec targets.

import type { FindingInput } from '../model/findings.js';
import type { Spec } from '../model/model.js';
import { compileGlob, matchGlob, selectFiles, type CompiledGlob, type GlobSet } from '../util/globs.js';
import { problemFinding } from '../formats/problem.js';

export interface Listing {
  /** Every listed file, root-relative and sorted. */
  files: string[];
  set: Set<string>;
}

/** The files each spec targets, by spec id, and the stale or invalid targets. */
export function matchTargets(specs: Spec[], listing: Listing): { targetFiles: Map<string, string[]>; findings: FindingInput[] } {
  const targetFiles = new Map<string, string[]>();
  const findings: FindingInput[] = [];
  for (const spec of specs) {
    const targeted = new Set<string>(targetFiles.get(spec.id));
    for (const target of spec.targets) {
      let glob: CompiledGlob;
      try {
        glob = compileGlob(target.pattern);
      } catch (error) {
        findings.push(
          problemFinding(spec.id, spec.file, {
            code: 'invalid-glob',
            subject: target.glob,
            line: target.line,
            actual: `target \`${target.glob}\` is not a valid glob: ${(error as Error).message}`,
            hint: 'write a glob such as `../src/<area>/*.ts`; escape a literal bracket as `\\[`',
          }),
        );
        continue;
      }
      const matched = matchGlob(glob, listing.files, listing.set);
      for (const f of matched) targeted.add(f);
      if (matched.length === 0) {
        findings.push({ kind: 'stale-target', spec: spec.id, file: target.file ?? spec.file, line: target.line, data: { glob: target.glob, pattern: target.pattern } });
      }
    }
    targetFiles.set(spec.id, [...targeted].sort());
  }
  return { targetFiles, findings };
}

/** `unspecified-code`: files the scope includes, that no exclude takes out and no spec targets. */
export function checkScope(include: GlobSet, excluded: (file: string) => boolean, listing: Listing, targeted: Set<string>): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const file of selectFiles(include.globs, listing.files, listing.set)) {
    if (targeted.has(file) || excluded(file) || include.negated(file)) continue;
    findings.push({ kind: 'unspecified-code', file, data: {} });
  }
  return findings;
}
