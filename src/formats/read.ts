// Reading a spec file safely: a spec that cannot be read is a problem to
// report, never an exception that stops the other specs.

import fs from 'node:fs';
import path from 'node:path';
import type { SpecProblem } from './problem.js';

/** Specs above this size are refused: no hand-written spec is that large. */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Reads one spec file; problems (unreadable, binary, too large) instead of throwing. */
export function readSpecFile(root: string, file: string): { text?: string; problem?: SpecProblem } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(root, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist (a broken symlink?)'
        : code === 'ELOOP'
          ? 'it is a symlink loop'
          : code === 'EACCES' || code === 'EPERM'
            ? `permission denied (${code})`
            : (code ?? String(error));
    return { problem: { code: 'unreadable', line: 1, actual: `cannot read the spec: ${why}`, hint: 'make it a readable Markdown file, or remove it' } };
  }
  if (buf.length > MAX_SPEC_BYTES) {
    return {
      problem: {
        code: 'too-large',
        line: 1,
        actual: `spec is ${(buf.length / 1024 / 1024).toFixed(1)} MB, over the ${MAX_SPEC_BYTES / 1024 / 1024} MB limit, and was not parsed`,
        hint: 'split it into one spec per area (`specs/<area>.spec.md`)',
      },
    };
  }
  if (buf.includes(0)) {
    return {
      problem: { code: 'not-text', line: 1, actual: 'spec is not a text file (it contains NUL bytes)', hint: 'a spec is UTF-8 Markdown; rename binary files so they do not end in `.spec.md`' },
    };
  }
  return { text: buf.toString('utf8') };
}
