// The level of each finding: the kind table's default, then `rules`, then every
// entry of `overrides` whose globs match the finding's capability or spec id
// (later entries win), so that a team can exempt what it knowingly leaves open.

import { compileGlob } from '../util/globs.js';
import { KINDS, type Kind, type Level } from './kinds.js';

export type Rules = Partial<Record<Kind, Level>>;

/** `{ "capabilities": ["001-mvp/SC-*"], "rules": { "untested-capability": "off" } }` */
export interface Override {
  /** Globs over capability ids and spec ids (`*` stays within one `/` segment, `**` crosses them). */
  capabilities: string[];
  rules: Rules;
}

export type LevelOf = (f: { kind: Kind; spec?: string; capability?: string }) => Level;

export function levels(rules: Rules, overrides: readonly Override[] = []): LevelOf {
  const compiled = overrides.map((o) => ({ tests: o.capabilities.map((g) => compileGlob(g).test), rules: o.rules }));
  return (f) => {
    let level = rules[f.kind] ?? KINDS[f.kind].level;
    for (const o of compiled) {
      const own = o.rules[f.kind];
      if (own === undefined) continue;
      const ids = [f.capability, f.spec].filter((id): id is string => id !== undefined);
      if (ids.some((id) => o.tests.some((test) => test(id)))) level = own;
    }
    return level;
  };
}
