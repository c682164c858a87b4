// Type texts in a canonical order: the members of every union and intersection
// sorted, so that `A | null` and `null | A` read the same even where the type
// checker cannot decide (a name from a package, or from a file no spec targets).

const OPEN = '(<[{';
const CLOSE = ')>]}';

/** Indexes of `sep` at bracket depth 0 (the `>` of `=>` closes nothing). */
function topLevel(text: string, sep: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && !(c === '>' && text[i - 1] === '=')) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) out.push(i);
  }
  return out;
}

function split(text: string, sep: string): string[] {
  const at = topLevel(text, sep);
  const parts: string[] = [];
  let from = 0;
  for (const i of at) {
    parts.push(text.slice(from, i));
    from = i + sep.length;
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.trim());
}

/** `name: T`, `name?: T`, `...rest: T`, `[key: K]: T`, `readonly x: T`: the label kept, the type made canonical. */
const LABEL = /^((?:readonly\s+)?(?:\.\.\.)?(?:[\w$]+|\[[^\]]*\])\??)\s*:\s*/;

function piece(text: string): string {
  const m = LABEL.exec(text);
  return m ? `${m[1]}: ${canonicalType(text.slice(m[0].length))}` : canonicalType(text);
}

/** The brackets' insides made canonical: type arguments, parameters, tuple elements, object members. */
function atom(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = OPEN.indexOf(text[i]);
    if (open === -1) {
      out += text[i++];
      continue;
    }
    // Its matching close, at depth 0 of what follows.
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      const c = text[j];
      if (OPEN.includes(c)) depth++;
      else if (CLOSE.includes(c) && !(c === '>' && text[j - 1] === '=') && --depth === 0) break;
    }
    if (j >= text.length) return text;
    const inner = text.slice(i + 1, j);
    const seps = text[i] === '{' ? ';' : ',';
    const parts = split(inner.replace(/[;,]\s*$/, ''), seps).filter((p) => p !== '');
    out += text[i] + (text[i] === '{' && parts.length ? ` ${parts.map(piece).join(`${seps} `)} ` : parts.map(piece).join(', ')) + CLOSE[open];
    i = j + 1;
  }
  return out;
}

export function canonicalType(text: string): string {
  const t = text.trim();
  const arrow = topLevel(t, '=>')[0];
  if (arrow !== undefined) return `${atom(t.slice(0, arrow).trim())} => ${canonicalType(t.slice(arrow + 2))}`;
  for (const sep of ['|', '&']) {
    const parts = split(t, sep).filter((p) => p !== '');
    if (parts.length > 1) return parts.map(canonicalType).sort().join(` ${sep} `);
  }
  return atom(t);
}
