// Declarations printed one way for both sides, so that a diff of the spec's and
// the code's signature shows what differs and nothing of how each was laid out.

import type { Decl, Member, Signature, Span } from './declarations.js';

/** The type to show where none is written: the inferred one, once the checker gave it. */
export type ShowType = (written: string | undefined, at: Span) => string;

const tps = (list: { text: string }[]) => (list.length ? `<${list.map((t) => t.text).join(', ')}>` : '');

function params(sig: Signature, show: ShowType): string {
  return sig.params.map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional && !p.rest ? '?' : ''}: ${show(p.type, p.at)}`).join(', ');
}

function signature(prefix: string, sig: Signature, show: ShowType, returns = true): string {
  return `${prefix}${tps(sig.typeParams)}(${params(sig, show)})${returns ? `: ${show(sig.returns, sig.at)}` : ''};`;
}

function member(m: Member, show: ShowType): string[] {
  const mods = m.readonly ? 'readonly ' : '';
  const opt = m.optional ? '?' : '';
  switch (m.kind) {
    case 'property':
      return [`  ${mods}${m.key}${opt}: ${show(m.type, m.at)};`];
    case 'index':
      return [`  ${mods}${m.key.replace(/^\[/, '[key: ')}: ${show(m.type, m.at)};`];
    case 'constructor':
      return m.signatures!.map((s) => `  ${signature('constructor', s, show, false)}`);
    case 'construct':
      return m.signatures!.map((s) => `  ${signature('new ', s, show)}`);
    case 'call':
      return m.signatures!.map((s) => `  ${signature('', s, show)}`);
    case 'method':
      return m.signatures!.map((s) => `  ${signature(m.key + opt, s, show)}`);
  }
}

/** The declaration as lines, in d.ts form without `declare`. */
export function formatDecl(d: Decl, show: ShowType): string[] {
  const exp = d.exported ? 'export ' : '';
  switch (d.kind) {
    case 'function':
      return (d.signatures ?? []).map((s) => signature(`${exp}function ${d.name}`, s, show));
    case 'interface':
    case 'class': {
      const heritage = d.heritage?.length ? ` ${d.heritage.join(' ')}` : '';
      const body = (d.members ?? []).flatMap((m) => member(m, show));
      return [`${exp}${d.kind} ${d.name}${tps(d.typeParams)}${heritage} {`, ...body, '}'];
    }
    case 'type':
      return [`${exp}type ${d.name}${tps(d.typeParams)} = ${show(d.type, d.at)};`];
    case 'const':
      return [`${exp}const ${d.name}: ${show(d.type, d.at)};`];
    case 'enum':
      return [`${exp}enum ${d.name} { ${d.type} }`];
  }
}

/**
 * A unified diff of two short texts, every line in one hunk (a signature is
 * short enough to show whole): `-` the spec's lines, `+` the code's.
 */
export function unifiedDiff(from: string[], to: string[], fromLabel: string, toLabel: string): string {
  const n = from.length;
  const m = to.length;
  // Longest common subsequence table, from the end.
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = from[i] === to[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const body: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (from[i] === to[j]) {
      body.push(` ${from[i++]}`);
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      // Removals before additions within a changed run, as diff prints them.
      body.push(`-${from[i++]}`);
    } else {
      body.push(`+${to[j++]}`);
    }
  }
  while (i < n) body.push(`-${from[i++]}`);
  while (j < m) body.push(`+${to[j++]}`);
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? 0 : start},${count}`);
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, `@@ -${range(1, n)} +${range(1, m)} @@`, ...body].join('\n');
}
