// Files generated from a spec: a `GENERATED FROM SPEC - DO NOT EDIT` marker in
// the first comment lines (any comment syntax). An edit by hand is detectable
// from the file alone when it carries a stamp:
//   sdna's:   `// source: <spec path>` and `// sha256: <hex of everything after the stamp lines>`
//   Tessl's:  `// @generated with Tessl vX from <spec>` and `// (spec:…) (code:<8 hex>)`,
//             code = first 8 hex of the MD5 of the content after the three header lines, trimmed.
// Unstamped files are checked against the hashes `sdna accept` recorded.

import crypto from 'node:crypto';
import type { GuardedReader } from '../../util/guarded.js';

export const MARKER = 'GENERATED FROM SPEC - DO NOT EDIT';

/** How many leading lines may hold the header (a shebang, a licence line, the marker, stamps). */
const HEADER_LINES = 12;

export interface GeneratedHeader {
  /** 1-based line of the marker. */
  line: number;
  /** The spec the header names (`source:` or Tessl's `from`), as written. */
  source?: string;
  /** Whether the content still matches the stamp; undefined for an unstamped file. */
  intact?: boolean;
  stamp?: 'sdna' | 'tessl';
}

/** The text of a comment line without its comment syntax, or undefined for a line of code. */
function commentText(line: string): string | undefined {
  const m = /^\s*(?:\/\/+|#!?|--|;+|\/\*+|\*+(?!\/)|<!--|\{-|\(\*)\s?(.*?)\s*(?:\*+\/|-->|-\}|\*\))?\s*$/.exec(line);
  if (m) return m[1];
  return /^\s*(?:\*\/|-->)\s*$/.test(line) ? '' : undefined;
}

export function sha256(text: string): string {
  return crypto.hash('sha256', text, 'hex');
}

/** Offset just past the first `n` lines of `text`. */
function afterLines(text: string, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at;
}

/** Reads the header of a file's text; undefined when it is not marked as generated. */
export function readGeneratedHeader(text: string): GeneratedHeader | undefined {
  if (!text.includes(MARKER)) return undefined;
  const lines = text.slice(0, afterLines(text, HEADER_LINES)).split('\n');
  let marker = -1;
  const comments: (string | undefined)[] = [];
  for (let i = 0; i < Math.min(lines.length, HEADER_LINES); i++) {
    const c = commentText(lines[i].replace(/\r$/, ''));
    comments.push(c);
    if (c === undefined) break; // the header ends at the first line of code
    if (marker === -1 && c.includes(MARKER)) marker = i;
  }
  if (marker === -1) return undefined;
  const header: GeneratedHeader = { line: marker + 1 };
  const next = (k: number) => comments[marker + k];

  // sdna's stamp: `source:` and `sha256:` right after the marker.
  const src = /^source:\s*(\S+)/.exec(next(1) ?? '');
  const sum = /^sha256:\s*([0-9a-f]{64})\b/i.exec(next(2) ?? '');
  if (src) header.source = src[1];
  if (sum) {
    header.stamp = 'sdna';
    header.intact = sha256(text.slice(afterLines(text, marker + 3))) === sum[1].toLowerCase();
    return header;
  }
  // Tessl's lines.
  const tessl = /@generated with Tessl v[\d.]+ from (\S+)/.exec(next(1) ?? '');
  const code = /\(code:([0-9a-f]{8})\)/i.exec(next(2) ?? '');
  if (tessl) header.source = tessl[1];
  if (tessl && code) {
    header.stamp = 'tessl';
    const body = text.slice(afterLines(text, marker + 3)).trim();
    header.intact = crypto.createHash('md5').update(body, 'utf8').digest('hex').slice(0, 8) === code[1].toLowerCase();
  }
  return header;
}

/** The marker sits in the first few lines: this many bytes hold them. */
const HEAD_BYTES = 2048;

/** Whether the file's first bytes hold the marker: most files are not generated, and are not read or decoded further. */
export function marked(reader: GuardedReader, file: string): boolean {
  const head = reader.head(file, HEAD_BYTES);
  return head !== undefined && head.indexOf(MARKER) !== -1;
}

/** The header and text of a generated file; undefined for any other (or an unreadable) file. */
export function findGenerated(reader: GuardedReader, file: string): { header: GeneratedHeader; text: string } | undefined {
  if (!marked(reader, file)) return undefined;
  const bytes = reader.tryBytes(file, 'source');
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  const header = readGeneratedHeader(text);
  return header && { header, text };
}
