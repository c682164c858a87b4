// The tests `sdna import` weighs, as text: each test's full name, the lines of its
// body (up to the next test), the comment just above it, its tags; and each
// test file's imports. Read once, with the same test-name lexer the plan uses.

import { GuardedReader } from '../../util/guarded.js';
import { progress } from '../../util/progress.js';
import { extractTests } from '../links/test-names.js';

export interface CorpusTest {
  file: string;
  /** `describe > it`, as Vitest's full name; placeholders kept. */
  fullName: string;
  /** The name has a placeholder: a link to it records the file only. */
  dynamic: boolean;
  line: number;
  /** Its lines in the file, 1-based: from the comment just above it to the line before the next test's. */
  lines: { start: number; end: number };
  /** The comment lines just above the test and inside its body. */
  comments: string;
  /** The body's code: identifiers and strings. */
  body: string;
  tags: string[];
  /** The capability ids its `meta.capabilities` claims. */
  claims: string[];
  /** The spec a Kiro property test names (`Feature: session-expiry, Property 3`), nearest above or in it. */
  feature?: string;
}

export interface CorpusFile {
  file: string;
  tests: CorpusTest[];
  /** Module specifiers the file imports (`../src/a.js`, `@/lib/b`), as written. */
  imports: string[];
}

/** Larger files are generated data, not tests a person wrote; they are skipped. */
const MAX_BYTES = 1 << 20;
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*)/;
/** Kiro's property-test convention: `**Feature: <spec folder>, Property 3: …**`. */
const FEATURE = /\bFeature:\s*([\w.-]+)/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bvi\.(?:mock|doMock|importActual)\s*(?:<[^>]*>)?\s*\(\s*)['"]([^'"\n]+)['"]/g;

export function readTestCorpus(root: string, files: readonly string[]): { files: CorpusFile[]; skipped: string[] } {
  const reader = new GuardedReader(root);
  const out: CorpusFile[] = [];
  const skipped: string[] = [];
  for (const [i, file] of files.entries()) {
    if (i % 64 === 0) progress('reading tests', i, files.length);
    const bytes = reader.tryBytes(file, 'test');
    if (bytes === undefined || bytes.length > MAX_BYTES || bytes.includes(0)) {
      skipped.push(file);
      continue;
    }
    const source = bytes.toString('utf8');
    out.push(corpusFile(file, source));
  }
  progress('reading tests', files.length, files.length);
  return { files: out, skipped };
}

/** Module specifiers a source imports (`../src/a.js`, `@/lib/b`), as written, each once. */
export function importsIn(source: string): string[] {
  return [...new Set([...source.matchAll(IMPORT)].map((m) => m[1]))];
}

export function corpusFile(file: string, source: string): CorpusFile {
  const lines = source.split('\n');
  const found = extractTests(source).tests.slice().sort((a, b) => a.line - b.line);
  // The feature named last at or above each line.
  const featureAt: (string | undefined)[] = [];
  let feature: string | undefined;
  lines.forEach((line, i) => {
    const m = FEATURE.exec(line);
    if (m && COMMENT_LINE.test(line)) feature = m[1].replace(/[.,]$/, '');
    featureAt[i] = feature;
  });
  // Each test's lines: from the comment just above it to the comment just above the next.
  const starts = found.map((t) => {
    let above = t.line - 1;
    while (above > 0 && COMMENT_LINE.test(lines[above - 1])) above--;
    return above;
  });
  const tests = found.map((t, i): CorpusTest => {
    const start = t.line - 1;
    const end = i + 1 < found.length ? Math.max(start + 1, starts[i + 1]) : lines.length;
    const comments: string[] = lines.slice(starts[i], start);
    const code: string[] = [];
    for (const line of lines.slice(start, end)) (COMMENT_LINE.test(line) ? comments : code).push(line);
    // A test's own line can end with a comment: `it('x', () => { // FR-001`.
    const trailing = /\/\/(.*)$/.exec(lines[start] ?? '');
    if (trailing) comments.push(trailing[1]);
    // A feature named inside the test's own lines counts too.
    const own = featureAt[Math.max(start, end - 1)] ?? featureAt[start];
    return { file, fullName: t.fullName, dynamic: t.dynamic, line: t.line, lines: { start: starts[i] + 1, end }, comments: comments.join('\n'), body: code.join('\n'), tags: t.tags, claims: t.capabilities.map((c) => c.id), ...(own !== undefined && { feature: own }) };
  });
  const imports = importsIn(source);
  return { file, tests, imports };
}
