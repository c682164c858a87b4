// Reading a spec file safely: a spec that cannot be read is a problem to
// report, never an exception that stops the other specs.

import { READ_LIMITS, ReadRefused, type GuardedReader } from '../util/guarded.js';
import type { SpecProblem } from './problem.js';

/** Specs above this size are refused: no hand-written spec is that large. */
export const MAX_SPEC_BYTES = READ_LIMITS.spec;

const FIX: Record<ReadRefused['code'], string> = {
  missing: 'make it a readable Markdown file, or remove it',
  unreadable: 'make it a readable Markdown file, or remove it',
  outside: 'sdna reads nothing outside the project root: move the spec inside, or remove the symlink',
  'not-a-file': 'a spec is a regular Markdown file: replace it with one, or remove it',
  'too-large': 'split it into one spec per area (`specs/<area>.spec.md`)',
};

/** Reads one spec file; problems (unreadable, outside the root, binary, too large) instead of throwing. */
export function readSpecFile(reader: GuardedReader, file: string): { text?: string; problem?: SpecProblem } {
  let buf: Buffer;
  try {
    buf = reader.bytes(file, 'spec');
  } catch (error) {
    if (!(error instanceof ReadRefused)) throw error;
    const why = error.why;
    const code = error.code === 'too-large' ? 'too-large' : 'unreadable';
    return { problem: { code, line: 1, actual: `cannot read the spec: ${why}`, hint: FIX[error.code] } };
  }
  if (buf.includes(0)) {
    return {
      problem: { code: 'not-text', line: 1, actual: 'spec is not a text file (it contains NUL bytes)', hint: 'a spec is UTF-8 Markdown; rename binary files so they do not end in `.spec.md`' },
    };
  }
  return { text: buf.toString('utf8') };
}
