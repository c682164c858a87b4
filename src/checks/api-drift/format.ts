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
