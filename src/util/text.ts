// Small text helpers shared by the spec readers.

/** Drops a BOM and turns CRLF/CR into LF; line numbers stay the same. */
export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

/**
 * The slug of a capability name: lower case, runs of anything but letters and
 * digits (any script) become one `-`. `Create Link` → `create-link`.
 */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** Edit distance, for "did you mean" hints on heading typos. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** 1-based line of a character offset, given the offsets where lines start. */
export function lineAt(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** `1 file`, `2 files`; `plural(2, 'capability', 'capabilities')` for other plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${numbered(n, one, many)}`;
}

/** The form of a word (or a phrase: `'proves'`, `'prove'`) for a count, without the count. */
export function numbered(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** An option's name as typed: `maxCost` → `max-cost`. */
export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Shortens prose for one terminal line. */
export function clip(text: string, max = 100): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1).trimEnd() + '…' : one;
}

/**
 * Shortens two versions of one text alike, around where they first differ:
 * two long sentences that differ near the end would otherwise clip to the same
 * words and hide the change.
 */
export function clipPair(from: string, to: string, max = 100): [string, string] {
  const a = from.replace(/\s+/g, ' ').trim();
  const b = to.replace(/\s+/g, ' ').trim();
  if (a.length <= max && b.length <= max) return [a, b];
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  // Keep a few words before the difference, so the reader sees where it is.
  const before = Math.floor(max / 3);
  const start = first <= before ? 0 : Math.max(0, a.lastIndexOf(' ', first - before) + 1);
  const window = (t: string) => (start === 0 ? clip(t, max) : clip('…' + t.slice(start), max));
  return [window(a), window(b)];
}

/** The nearest of `candidates` to `word`, for "did you mean" hints; only when it is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) >= bestD) continue;
    const d = distance(word, candidate);
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  return best;
}

/**
 * `text` as a string of its own. V8 cuts a slice as a view of the string it
 * came from, so a test name kept from a file would keep the whole file alive
 * (20 MB of test files at 100,000 files); a short string is always copied.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/**
 * `text` in pieces of at most `size` characters (2 at the least: a pair's two
 * halves), none ending between the two halves of a surrogate pair (each
 * would be encoded apart as U+FFFD): large text is written a piece at a
 * time, never encoded whole into one buffer.
 */
export function* pieces(text: string, size = 1 << 20): Generator<string> {
  const most = Math.max(size, 2);
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + most, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(at, end);
    at = end;
  }
}
