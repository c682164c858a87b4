// Markdown pieces for reporters: text from specs and code goes into a
// pull-request comment, where a `|` would split a table cell and a `<details>`
// in a promise would break the comment's own sections.

/**
 * Text safe in a list item (or, with `cell`, a table cell): one line, no HTML.
 * Code spans in it (the words of findings quote names in backticks) are kept
 * as they are, since an entity or a backslash inside one would show literally.
 */
export function mdText(text: string, cell = false): string {
  const plain = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
  const one = text.replace(/\s+/g, ' ');
  let out = '';
  let at = 0;
  for (const m of one.matchAll(/(`+)(.+?)\1/g)) {
    out += plain(one.slice(at, m.index)) + (cell ? m[0].replace(/\|/g, '\\|') : m[0]);
    at = m.index + m[0].length;
  }
  return out + plain(one.slice(at));
}

/**
 * An inline code span that holds any text: fenced by one more backtick than the
 * longest run inside. In a table `cell`, a `|` must be escaped even in code.
 */
export function mdCode(text: string, cell = false): string {
  const one = text.replace(/\s+/g, ' ');
  const inner = cell ? one.replace(/\|/g, '\\|') : one;
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inner}${pad}${fence}`;
}

/** A status as a pull request shows it: an icon and the word. */
export const STATUS_ICONS: Record<string, string> = {
  passing: '✅',
  linked: '✅',
  failing: '❌',
  untested: '⚠️',
  skipped: '⏭️',
  'not-run': '⏸️',
  removed: '🗑️',
};

export const statusCell = (status: string) => `${STATUS_ICONS[status] ?? ''} ${status}`.trim();

/**
 * A comment in sections that fit a character budget: each section's head and
 * tail, then as many of its items as fit (and as its own limit allows); once one
 * does not fit, the rest of every section is only counted, by what it is
 * (`capability`, `finding`).
 */
export interface Section {
  head: string[];
  items: string[];
  tail: string[];
  /** What one item is, singular and plural, for the count of what was left out. */
  unit: [string, string];
  /** The most characters its items may take: past it the section is cut, and the next sections still get their turn. */
  limit?: number;
}

export function fitSections(sections: Section[], budget: number): { lines: string[]; leftOut: Map<string, { n: number; unit: [string, string] }> } {
  const size = (lines: string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
  const lines: string[] = [];
  const leftOut = new Map<string, { n: number; unit: [string, string] }>();
  const skip = (unit: [string, string], n: number) => {
    if (n > 0) leftOut.set(unit[0], { n: (leftOut.get(unit[0])?.n ?? 0) + n, unit });
  };
  let used = 0;
  let full = false;
  for (const s of sections) {
    const frame = size(s.head) + size(s.tail);
    if (full || used + frame > budget) {
      full = true;
      skip(s.unit, s.items.length);
      continue;
    }
    used += frame;
    let shown = 0;
    let own = 0;
    for (const item of s.items) {
      if (own + item.length + 1 > (s.limit ?? Infinity)) break;
      if (used + item.length + 1 > budget) {
        full = true;
        break;
      }
      used += item.length + 1;
      own += item.length + 1;
      shown++;
    }
    skip(s.unit, s.items.length - shown);
    lines.push(...s.head, ...s.items.slice(0, shown), ...s.tail);
  }
  return { lines, leftOut };
}
