// The tests `sdna import --semantic` shows the model beside each capability:
// the proposals ranked for it, best first, weak ones included (a test can
// verify a promise it shares few words with). A capability that nothing links
// yet and that has fewer than that gets tests from near its spec, which no word
// has to connect: files linked to its sibling capabilities, and files that
// import what the spec targets. That is how a spec written in German finds
// tests named in English.

import type { Capability, Spec } from '../../model/model.js';
import { cmp } from '../../model/findings.js';
import { SHORTLIST_SIZE } from './defaults.js';
import type { CorpusFile, CorpusTest } from './test-corpus.js';
import type { LinkProposal } from './types.js';

export interface Shortlisted {
  test: CorpusTest;
  /** The proposal import made for it; none for a test from near the spec. */
  proposal?: LinkProposal;
}

export interface Shortlist {
  spec: Spec;
  capability: Capability;
  tests: Shortlisted[];
}

export interface ShortlistInputs {
  /** Capabilities that can be linked (not removed), in the order shown. */
  capabilities: readonly { spec: Spec; cap: Capability }[];
  /** Each proposal and the test it is for. */
  ranked: readonly Required<Shortlisted>[];
  corpus: readonly CorpusFile[];
  /** `capability\0file` of every link written, recorded or claimed. */
  linked: ReadonlySet<string>;
  /** Test files near each spec, by spec id. */
  nearby: ReadonlyMap<string, ReadonlySet<string>>;
  minConfidence: number;
}

const testKey = (t: CorpusTest) => `${t.file}\0${t.line}`;

export function shortlist(inputs: ShortlistInputs): Shortlist[] {
  const byCapability = new Map<string, Required<Shortlisted>[]>();
  for (const r of inputs.ranked) (byCapability.get(r.proposal.capability) ?? byCapability.set(r.proposal.capability, []).get(r.proposal.capability)!).push(r);
  const testsOf = new Map(inputs.corpus.map((f) => [f.file, f.tests]));
  // A test a confident link or a claim already gives a capability is less likely to be about another.
  const taken = new Set(inputs.ranked.filter((r) => r.proposal.confidence >= inputs.minConfidence).map((r) => testKey(r.test)));
  for (const f of inputs.corpus) for (const t of f.tests) if (t.claims.length > 0) taken.add(testKey(t));
  const linkedCaps = new Set([...inputs.linked].map((k) => k.slice(0, k.indexOf('\0'))));

  const out: Shortlist[] = [];
  for (const { spec, cap } of inputs.capabilities) {
    const ranked = (byCapability.get(cap.id) ?? [])
      .sort((a, b) => b.proposal.confidence - a.proposal.confidence || cmp(a.test.file, b.test.file) || a.test.line - b.test.line)
      .slice(0, SHORTLIST_SIZE);
    const tests: Shortlisted[] = [...ranked];
    const settled = linkedCaps.has(cap.id) || ranked.some((t) => t.proposal.confidence >= inputs.minConfidence);
    if (!settled && tests.length < SHORTLIST_SIZE) {
      const shown = new Set(tests.map((t) => testKey(t.test)));
      const near = [...(inputs.nearby.get(spec.id) ?? [])]
        .sort(cmp)
        .filter((file) => !inputs.linked.has(`${cap.id}\0${file}`))
        .flatMap((file) => testsOf.get(file) ?? [])
        // A name with a placeholder links the whole file: too broad for a guess no word supports.
        .filter((t) => !t.dynamic && !shown.has(testKey(t)));
      const free = near.filter((t) => !taken.has(testKey(t)));
      const rest = near.filter((t) => taken.has(testKey(t)));
      for (const test of [...free, ...rest].slice(0, SHORTLIST_SIZE - tests.length)) tests.push({ test });
    }
    if (tests.length > 0) out.push({ spec, capability: cap, tests });
  }
  return out;
}

/** Test files near each spec: those linked to one of its capabilities, and those that import a file it targets. */
export function nearbyTests(
  linkedTo: ReadonlyMap<string, ReadonlySet<string>>,
  targeted: ReadonlyMap<string, readonly string[]>,
  corpus: readonly CorpusFile[],
  resolve: (from: string, specifier: string) => string | undefined,
): Map<string, Set<string>> {
  const importers = new Map<string, string[]>();
  for (const { file, imports } of corpus) {
    for (const specifier of imports) {
      const source = resolve(file, specifier);
      if (source !== undefined) (importers.get(source) ?? importers.set(source, []).get(source)!).push(file);
    }
  }
  const out = new Map<string, Set<string>>();
  for (const [spec, files] of linkedTo) out.set(spec, new Set(files));
  for (const [spec, sources] of targeted) {
    const near = out.get(spec) ?? out.set(spec, new Set()).get(spec)!;
    for (const source of sources) for (const test of importers.get(source) ?? []) near.add(test);
  }
  return out;
}
