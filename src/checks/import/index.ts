// `sdna import`: links and targets inferred from what a repository already
// has (ids its tests cite, the words they share with the specs, the files the
// specs name and the tests import), each with a confidence and its evidence.
// Pure: reads the project, returns proposals; `--write` records them elsewhere.

import path from 'node:path';
import type { ResolvedConfig } from '../../config.js';
import type { Spec } from '../../model/model.js';
import { readModel } from '../../read-model.js';
import { isRemoved } from '../../formats/removed.js';
import { listFiles } from '../../util/files.js';
import { configGlobs, selectFiles } from '../../util/globs.js';
import { timed, timedAsync } from '../../util/perf.js';
import { matchTargets } from '../scope.js';
import { cmp } from '../../model/findings.js';
import { tagOf } from '../../model/tags.js';
import { applyRecords } from '../links/recorded.js';
import { candidates } from './capabilities.js';
import { DEFAULT_MIN_CONFIDENCE } from './defaults.js';
import { guessLinks } from './links.js';
import { nearbyTests, shortlist, type Shortlist } from './shortlist.js';
import { guessTargets, importResolver } from './targets.js';
import { readTestCorpus } from './test-corpus.js';
import type { ImportResult, LinkProposal } from './types.js';

export type { ImportResult, LinkProposal, TargetProposal, Evidence } from './types.js';
export type { Shortlist } from './shortlist.js';

export { DEFAULT_MIN_CONFIDENCE };

export interface ImportReport extends ImportResult {
  /** The specs as read, for grouping the proposals. */
  specs: Spec[];
  /** How many test files and tests were weighed, and the test files that could not be read. */
  tests: { files: number; tests: number; skipped: string[] };
  /** With `shortlist`: the tests to show the model beside each capability (`--semantic`). */
  shortlist?: Shortlist[];
}

/** Links in the order they are shown and written: by capability, file and test name. */
export function compareLinks(a: LinkProposal, b: LinkProposal): number {
  return cmp(a.capability, b.capability) || cmp(a.file, b.file) || cmp(a.name ?? '', b.name ?? '');
}

export async function importProposals(config: ResolvedConfig, minConfidence = DEFAULT_MIN_CONFIDENCE, options: { shortlist?: boolean } = {}): Promise<ImportReport> {
  const root = path.resolve(config.root);
  const listing = timed('list files', () => listFiles(root));
  const model = await timedAsync('specs', () => readModel(config, listing.files));
  // What is recorded already is not proposed again.
  const { specs } = applyRecords(root, model.specs);
  const isTest = configGlobs('tests', config.tests).test;
  const testFiles = listing.files.filter(isTest);
  const corpus = timed('read tests', () => readTestCorpus(root, testFiles));

  // Tests already linked to each capability: written, recorded, or claimed (by id, or by a tag that is one).
  const linked = new Set<string>();
  const byTag = new Map<string, string>();
  for (const spec of specs) {
    for (const cap of spec.capabilities) {
      byTag.set(tagOf(cap.id), cap.id);
      for (const l of cap.links) linked.add(`${cap.id}\0${l.file}`);
    }
  }
  for (const { file, tests } of corpus.files) {
    for (const t of tests) {
      for (const id of [...t.claims, ...t.tags.flatMap((tag) => byTag.get(tag) ?? [])]) linked.add(`${id}\0${file}`);
    }
  }

  const open = candidates(specs).filter((c) => !isRemoved(c.cap));
  const guesses = timed('links', () => guessLinks(open, corpus.files));
  const proposed = guesses
    .filter((g) => !linked.has(`${g.candidate.cap.id}\0${g.test.file}`))
    .map((g) => {
      const proposal: LinkProposal = {
        capability: g.candidate.cap.id,
        file: g.test.file,
        ...(!g.test.dynamic && { name: g.test.fullName }),
        confidence: g.confidence,
        evidence: g.evidence,
      };
      return { test: g.test, proposal };
    });
  const links = proposed.map((p) => p.proposal);

  // The test files of each spec's capabilities, for the imports evidence.
  const testsOf = new Map<string, Set<string>>();
  const specOf = new Map(specs.flatMap((s) => s.capabilities.map((c) => [c.id, s.id] as const)));
  const addTest = (capability: string, file: string) => {
    const spec = specOf.get(capability);
    if (spec !== undefined) (testsOf.get(spec) ?? testsOf.set(spec, new Set()).get(spec)!).add(file);
  };
  for (const key of linked) addTest(key.slice(0, key.indexOf('\0')), key.slice(key.indexOf('\0') + 1));
  for (const l of links) if (l.confidence >= minConfidence) addTest(l.capability, l.file);

  const include = configGlobs('include', config.include);
  const excluded = configGlobs('exclude', config.exclude).test;
  const sources = [...selectFiles(include.globs, listing.files, listing.set)].filter((f) => !excluded(f) && !include.negated(f) && !isTest(f)).sort();
  const { targetFiles } = matchTargets(specs, listing);
  const targets = timed('targets', () =>
    guessTargets({ root, specs, listed: listing.set, sources, targeted: targetFiles, testsOf, corpus: new Map(corpus.files.map((f) => [f.file, f])) }),
  );

  let shortlisted: Shortlist[] | undefined;
  if (options.shortlist) {
    const targeted = new Map(specs.map((s) => [s.id, [...(targetFiles.get(s.id) ?? []), ...targets.filter((t) => t.spec === s.id && t.confidence >= minConfidence).map((t) => t.glob)]]));
    const nearby = nearbyTests(testsOf, targeted, corpus.files, importResolver(root, listing.set));
    shortlisted = shortlist({ capabilities: open, ranked: proposed, corpus: corpus.files, linked, nearby, minConfidence });
  }

  return {
    version: 1,
    links: links.sort(compareLinks),
    targets: targets.sort((a, b) => cmp(a.spec, b.spec) || cmp(a.glob, b.glob)),
    specs,
    tests: { files: testFiles.length, tests: corpus.files.reduce((n, f) => n + f.tests.length, 0), skipped: corpus.skipped },
    ...(shortlisted && { shortlist: shortlisted }),
  };
}
