// Markdown block structure with line positions. Only markdown-it's block pass
// runs: specs need headings, lists, paragraphs and fences with their lines, and
// skipping the inline pass halves the parse time. Links are found in each
// block's raw text (spec links use non-CommonMark forms such as
// `[@test](path#a fragment with spaces)` anyway).

// markdown-it 14.1 ships its ES sources; esbuild bundles them untranspiled, which parses
// specs about 1.4x faster than 15.x's Babel-transpiled build.
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

export type { Token };

let parser: InstanceType<typeof MarkdownIt> | undefined;

export function parseBlocks(body: string): Token[] {
  if (!parser) {
    parser = new MarkdownIt('commonmark');
    parser.core.ruler.enableOnly(['normalize', 'block']);
  }
  return parser.parse(body, {});
}

export type LinkKind = 'test' | 'generate' | 'describe' | 'use';

export interface RawLink {
  kind: LinkKind;
  /** The link target as written (angle brackets removed). */
  target: string;
  /** 1-based line in the file. */
  line: number;
  /** Offset of the link in the scanned text. */
  start: number;
  end: number;
}

// The angle form may hold `>` (`<a.test.ts#suite > test>`): it ends at `>` followed by `)`.
// A plain destination may hold balanced parentheses, as in CommonMark (`#adds(one)`).
const LINK = /\[@(test|generate|describe|use)\]\(\s*(?:<([^\n]*?)>|((?:[^()\n]|\([^()\n]*\))*?))\s*\)/g;
const CODE_SPAN = /(`+)[^`]*?\1/g;

/** Finds `[@kind](target)` links in `text`, whose first line is `firstLine`. */
export function findLinks(text: string, firstLine: number): RawLink[] {
  if (!text.includes('[@')) return [];
  // Links shown as code (`[@test](x)`) are examples, not links.
  // Newlines stay, so the lines of later links stay right.
  const scan = text.includes('`') ? text.replace(CODE_SPAN, (m) => m.replace(/[^\n]/g, ' ')) : text;
  const out: RawLink[] = [];
  LINK.lastIndex = 0;
  for (let m = LINK.exec(scan); m; m = LINK.exec(scan)) {
    let line = firstLine;
    for (let i = scan.indexOf('\n'); i !== -1 && i < m.index; i = scan.indexOf('\n', i + 1)) line++;
    out.push({
      kind: m[1] as LinkKind,
      target: (m[2] ?? m[3]).trim(),
      line,
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}

/** Removes links, bold markers and attribute blocks from prose. */
const ATTRS = /\{\s*(?:\.[\w-]+\s*)+\}/g;

export function plainText(text: string): string {
  // Each pass only when its marker is present: this runs on every bullet.
  let t = text;
  if (t.includes('[@')) t = t.replace(LINK, '');
  if (t.includes('{')) t = t.replace(ATTRS, '');
  if (t.includes('**') || t.includes('__')) t = t.replace(/\*\*|__/g, '');
  // Only what is not already one plain space is replaced: most text has none, and `\s+` rewrote every space.
  return t.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/** `{ .locked }`-style attributes written after a heading or bullet. */
export function attributes(text: string): Set<string> {
  const out = new Set<string>();
  if (!text.includes('{')) return out;
  for (const m of text.matchAll(/\{\s*((?:\.[\w-]+\s*)+)\}/g)) {
    for (const a of m[1].split(/\s+/)) if (a) out.add(a.slice(1));
  }
  return out;
}
