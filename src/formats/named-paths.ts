// Source files a spec's own documents name: the spec, and the tasks.md,
// design.md and plan.md beside it (`src/session/expiry.ts`, backticked or not).
// Kiro and Spec Kit plans list the files they touch; these are the spec's
// likely targets. Only files that exist are kept.

import path from 'node:path';
import type { GuardedReader } from '../util/guarded.js';
import { readSpecFile } from './read.js';

/** Documents beside a spec that describe its code. */
const DOCUMENTS = ['tasks.md', 'design.md', 'plan.md'];

/** A path-like word ending in a source extension; `./` and surrounding quotes or backticks allowed. */
const PATH = /(?<![\w./@-])(?:\.\/)?((?:[\w@.-]+\/)*[\w@.-]+\.(?:tsx?|mts|cts|jsx?|mjs|cjs))(?![\w/])/g;

/**
 * The listed source files that a spec or its documents name, root-relative and
 * sorted, each with the document that names it first. `isSource` says which
 * files may be targets (not tests, not excluded).
 */
export function namedPaths(reader: GuardedReader, specFile: string, listed: ReadonlySet<string>, isSource: (file: string) => boolean): { file: string; in: string }[] {
  const dir = path.posix.dirname(specFile);
  const found = new Map<string, string>();
  for (const doc of [specFile, ...DOCUMENTS.map((d) => path.posix.join(dir, d))]) {
    if (!listed.has(doc)) continue;
    const { text } = readSpecFile(reader, doc);
    if (text === undefined) continue;
    for (const m of text.matchAll(PATH)) {
      // As written from the root, or from the spec's folder.
      for (const candidate of [path.posix.normalize(m[1]), path.posix.join(dir, m[1])]) {
        if (listed.has(candidate) && isSource(candidate) && !found.has(candidate)) found.set(candidate, doc);
      }
    }
  }
  return [...found].map(([file, doc]) => ({ file, in: doc })).sort((a, b) => (a.file < b.file ? -1 : 1));
}
