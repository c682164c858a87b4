// Capabilities as import compares them: the ids a test may cite for each, the
// words of its promise, and the words of its spec's name.

import type { Capability, Spec } from '../../model/model.js';
import { tokenize } from './tokens.js';

export interface Candidate {
  cap: Capability;
  spec: Spec;
  /** The id inside its spec (`FR-031`, `2.3`, `sign-in/valid-password`). */
  local: string;
  /** The promise's words: its name, unless the name is only an id, and its text. */
  words: string[];
  /** The words of its name alone (or of its text, when the name is an id). */
  title: string[];
  /** Its parent and its parts: a test of one is about the others too. */
  family: Set<string>;
  /** Code names its promise quotes (`isDataNotFoundError()`, `skillsDir`): a test that names or calls one is about it. */
  symbols: string[];
}

/** In backticks, a name with a capital inside or an underscore (`getDefaultDataPath`, `MAX_RETRIES`): not a plain word. */
const CODE_SPAN = /`([^`\n]+)`/g;
const SYMBOL = /[A-Za-z_$][\w$]*/g;

function symbolsOf(text: string): string[] {
  const out = new Set<string>();
  for (const span of text.matchAll(CODE_SPAN)) {
    for (const m of span[1].matchAll(SYMBOL)) {
      const name = m[0];
      if (name.length >= 6 && (/[a-z][A-Z]/.test(name) || (name.includes('_') && /[A-Za-z]/.test(name.replace(/_/g, ''))))) out.add(name);
    }
  }
  return [...out];
}

/** A name that is only a position or a code (`1.2`, `FR-001`, `Requirement 3`) says nothing about the promise. */
export const ID_LIKE = /^(?:requirement\s+)?(?:[A-Z]{1,6}-)?\d+(?:\.\d+)*$/i;

export function candidates(specs: readonly Spec[]): Candidate[] {
  const out: Candidate[] = [];
  for (const spec of specs) {
    const family = new Map<string, Set<string>>();
    const familyOf = (id: string) => family.get(id) ?? family.set(id, new Set([id])).get(id)!;
    for (const cap of spec.capabilities) {
      if (cap.parent === undefined) continue;
      familyOf(cap.id).add(cap.parent);
      familyOf(cap.parent).add(cap.id);
    }
    for (const cap of spec.capabilities) {
      const local = cap.id.startsWith(`${spec.id}/`) ? cap.id.slice(spec.id.length + 1) : cap.id;
      // "Requirement 1: Session expiry" is named by its words after the colon.
      const name = cap.name.replace(/^requirement\s+\d+(?:\.\d+)*\s*:\s*/i, '');
      const named = !ID_LIKE.test(name.trim());
      const title = tokenize(named ? name : cap.text);
      out.push({ cap, spec, local, title, words: named ? [...title, ...tokenize(cap.text)] : title, family: familyOf(cap.id), symbols: symbolsOf(`${cap.name}\n${cap.text}`) });
    }
  }
  return out;
}

/** A spec's own words: its folder or id (without a number prefix) and its name. */
export function specWords(spec: Spec): Set<string> {
  return new Set(tokenize(`${spec.id.replace(/^\d+[-_]/, '')} ${spec.name}`));
}
