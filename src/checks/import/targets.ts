// Which source files a spec is about, from two kinds of evidence:
//   paths    files its spec, tasks.md, design.md or plan.md name, and files named
//            like the spec's folder (`session-expiry` → src/session/expiry.ts);
//   imports  the source files its capabilities' tests import (relative imports
//            and tsconfig `paths`), weighed by how few other specs' tests do.

import path from 'node:path';
import type { Spec } from '../../model/model.js';
import { namedPaths } from '../../formats/named-paths.js';
import { GuardedReader, readInRoot } from '../../util/guarded.js';
import { resolveFrom } from '../../util/paths.js';
import { specWords } from './capabilities.js';
import { combine } from './evidence.js';
import type { CorpusFile } from './test-corpus.js';
import { tokenize } from './tokens.js';
import type { Evidence, TargetProposal } from './types.js';

export interface TargetInputs {
  root: string;
  specs: readonly Spec[];
  listed: ReadonlySet<string>;
  /** Source files in scope: included, not excluded, not tests. */
  sources: readonly string[];
  /** Files each spec's targets match already. */
  targeted: Map<string, string[]>;
  /** Test files linked to each spec's capabilities (written, recorded, or proposed), by spec id. */
  testsOf: Map<string, Set<string>>;
  corpus: ReadonlyMap<string, CorpusFile>;
}

export function guessTargets(inputs: TargetInputs): TargetProposal[] {
  const { root, specs, listed, sources, targeted } = inputs;
  const reader = new GuardedReader(root);
  const inScope = new Set(sources);
  const found = new Map<string, { spec: string; glob: string; evidence: Evidence[] }>();
  const already = new Map([...targeted].map(([spec, files]) => [spec, new Set(files)]));
  const add = (spec: string, file: string, e: Evidence) => {
    if (already.get(spec)?.has(file)) return;
    const key = `${spec}\0${file}`;
    const entry = found.get(key) ?? found.set(key, { spec, glob: file, evidence: [] }).get(key)!;
    entry.evidence.push(e);
  };

  // Each source file's words: of its name, and of its folder and name; indexed by the latter.
  const named = new Map<string, { base: Set<string>; tail: Set<string> }>();
  const byTailWord = new Map<string, string[]>();
  for (const file of sources) {
    const stem = file.replace(/\.[^./]+$/, '');
    const tail = new Set(tokenize(stem.split('/').slice(-2).join(' ')));
    named.set(file, { base: new Set(tokenize(path.posix.basename(stem))), tail });
    for (const w of tail) (byTailWord.get(w) ?? byTailWord.set(w, []).get(w)!).push(file);
  }
  for (const spec of specs) {
    for (const { file, in: doc } of namedPaths(reader, spec.file, listed as Set<string>, (f) => inScope.has(f))) {
      add(spec.id, file, { kind: 'paths', detail: `named in ${doc}`, weight: /tasks\.md$/.test(doc) || doc === spec.file ? 0.9 : 0.8 });
    }
    const words = specWords(spec);
    const folder = [...new Set(tokenize(spec.id.replace(/^\d+[-_]/, '')))];
    // Files whose folder and name hold every word of the spec's folder, and whose name only words of the spec.
    const first = folder.length > 0 ? byTailWord.get(folder[0]) : undefined;
    for (const file of first ?? []) {
      const { base, tail } = named.get(file)!;
      if (base.size > 0 && [...base].every((w) => words.has(w)) && folder.every((w) => tail.has(w))) {
        add(spec.id, file, { kind: 'paths', detail: `named like the spec's folder (${spec.id})`, weight: 0.65 });
      }
    }
  }

  // Which specs' tests import each source file: a file every spec's tests import (a shared helper) says little.
  const resolve = importResolver(root, listed);
  const importers = new Map<string, Map<string, number>>();
  for (const [spec, tests] of inputs.testsOf) {
    for (const test of tests) {
      const corpusFile = inputs.corpus.get(test);
      if (!corpusFile) continue;
      for (const specifier of corpusFile.imports) {
        const file = resolve(test, specifier);
        if (file === undefined || !inScope.has(file)) continue;
        const bySpec = importers.get(file) ?? importers.set(file, new Map()).get(file)!;
        bySpec.set(spec, (bySpec.get(spec) ?? 0) + 1);
      }
    }
  }
  for (const [file, bySpec] of importers) {
    for (const [spec, n] of bySpec) {
      const of = inputs.testsOf.get(spec)!.size;
      const weight = 0.45 + (0.4 * (n / of)) / bySpec.size;
      add(spec, file, { kind: 'imports', detail: `imported by ${n} of its ${of} test file${of === 1 ? '' : 's'}${bySpec.size > 1 ? ` (and by ${bySpec.size - 1} other spec${bySpec.size > 2 ? 's' : ''}' tests)` : ''}`, weight });
    }
  }

  return [...found.values()].map(({ spec, glob, evidence }) => ({ spec, glob, ...combine(evidence) }));
}

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js'];

/** Resolves a test's import to a root-relative file the listing has, or undefined (a package, a missing file). */
export function importResolver(root: string, listed: ReadonlySet<string>): (from: string, specifier: string) => string | undefined {
  const aliases = tsconfigPaths(root);
  const find = (base: string): string | undefined => {
    // `./a.js` written for `a.ts` (TypeScript's ESM convention).
    const stripped = base.replace(/\.(?:js|jsx|mjs|cjs)$/, '');
    for (const b of stripped === base ? [base] : [base, stripped]) {
      for (const ext of EXTENSIONS) if (listed.has(b + ext)) return b + ext;
    }
    return undefined;
  };
  return (from, specifier) => {
    if (specifier.startsWith('.')) {
      const base = resolveFrom(from, specifier);
      return base === undefined ? undefined : find(base);
    }
    for (const { prefix, suffix, to } of aliases) {
      if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < prefix.length + suffix.length) continue;
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      for (const target of to) {
        const file = find(path.posix.normalize(target.replace('*', middle)));
        if (file !== undefined && !file.startsWith('..')) return file;
      }
    }
    return undefined;
  };
}

/** tsconfig.json `compilerOptions.paths` (against `baseUrl`), as prefix/suffix pairs; none when absent or unreadable. */
function tsconfigPaths(root: string): { prefix: string; suffix: string; to: string[] }[] {
  let config: { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    const text = readInRoot(root, 'tsconfig.json', 'manifest') ?? '{}';
    // JSON with comments and trailing commas, as tsconfig allows.
    config = JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, s: string | undefined) => s ?? '').replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return [];
  }
  const base = config.compilerOptions?.baseUrl ?? '.';
  const paths = config.compilerOptions?.paths;
  if (!paths || typeof paths !== 'object') return [];
  return Object.entries(paths).flatMap(([pattern, to]) => {
    if (!Array.isArray(to)) return [];
    const star = pattern.indexOf('*');
    const prefix = star === -1 ? pattern : pattern.slice(0, star);
    const suffix = star === -1 ? '' : pattern.slice(star + 1);
    return [{ prefix, suffix, to: to.filter((t): t is string => typeof t === 'string').map((t) => path.posix.join(base, t)) }];
  });
}
