// Which tests verify which capability, from two kinds of evidence:
//   ids    the test cites the capability's id, or its format's own id (`FR-031`,
//          Kiro's `Requirements 2.3`), in its name, tags or a comment;
//   names  the words of the test's name, comments and body against the words
//          of the promise (BM25 ranks, shared words weighted by rarity score),
//          raised when the test's file or suite is named like the spec (paths).

import { Bm25 } from './bm25.js';
import { type Candidate, specWords } from './capabilities.js';
import type { CorpusFile, CorpusTest } from './test-corpus.js';
import { combine } from './evidence.js';
import { tokenize } from './tokens.js';
import type { Evidence } from './types.js';

export interface LinkGuess {
  candidate: Candidate;
  test: CorpusTest;
  confidence: number;
  evidence: Evidence[];
}

/** Codes such as `FR-031`, `SC-004`, `NFR-2.1`. */
const CODE = /\b[A-Z]{1,6}-\d+(?:\.\d+)*\b/g;
/** Kiro's numbered requirements and criteria, as tests cite them: `Requirements 2.3, 2.4`, `AC 1.2`, `_Requirements: 3.1_`. */
const NUMBERED = /\b(?:requirements?|reqs?|ac|acceptance\s+criteri(?:on|a)|criteri(?:on|a))\b[\s:#.*_]*(\d+(?:\.\d+)*(?:\s*(?:,|and|&|\/)\s*\d+(?:\.\d+)*)*)/gi;
/** `spec/capability` as ids are written. */
const FULL_ID = /[\w.-]+(?:\/[\w.-]+)+/g;

/** How many of a test's best-ranked capabilities are weighed by name. */
const RANKED = 5;
/** Names guesses below this are not worth showing. */
const FLOOR = 0.3;

export function guessLinks(candidates: readonly Candidate[], files: readonly CorpusFile[]): LinkGuess[] {
  const byId = new Map(candidates.map((c) => [c.cap.id, c]));
  const byLocal = groupBy(candidates, (c) => [c.local.toUpperCase()]);
  const specWordsOf = new Map<string, Set<string>>();
  for (const c of candidates) if (!specWordsOf.has(c.spec.id)) specWordsOf.set(c.spec.id, specWords(c.spec));
  const index = new Bm25(candidates.map((c) => c.words));
  // Code names that few promises quote: one most promises quote tells nothing apart.
  const bySymbol = groupBy(candidates, (c) => c.symbols);
  for (const [name, list] of bySymbol) if (new Set(list.map((c) => c.spec.id)).size > 1 || list.length > 3) bySymbol.delete(name);

  const guesses: LinkGuess[] = [];
  for (const file of files) {
    const fileWords = new Set(tokenize(file.file));
    const weighed = file.tests.map((test) => {
      const context = new Set([...fileWords, ...tokenize(test.fullName.split(' > ').slice(0, -1).join(' '))]);
      const affinity = (c: Candidate) => share(specWordsOf.get(c.spec.id)!, context);
      return { test, ids: [...idEvidence(test, byId, byLocal, affinity), ...symbolEvidence(test, bySymbol)], names: nameMatches(test, candidates, index, affinity) };
    });
    // The specs the file is about: those its tests' best name matches mostly fall in. A name
    // match into another spec is more often a shared word than a test of that spec.
    const votes = new Map<string, number>();
    let cast = 0;
    for (const { names } of weighed) {
      const best = names[0];
      if (!best) continue;
      const w = (best.nameShare + best.titleShare) / 2;
      votes.set(best.c.spec.id, (votes.get(best.c.spec.id) ?? 0) + w);
      cast += w;
    }
    for (const { test, ids, names } of weighed) {
      const found = new Map<Candidate, Evidence[]>();
      const add = (c: Candidate, e: Evidence) => found.set(c, [...(found.get(c) ?? []), e]);
      for (const [c, e] of ids) add(c, e);
      for (const m of names) {
        const prior = Math.max(m.affinity, cast > 0 ? (votes.get(m.c.spec.id) ?? 0) / cast : 0);
        // Words weigh most; whether the file is about the spec decides close calls.
        const words = 0.45 * m.nameShare + 0.35 * m.titleShare;
        // A test name that shares one word with the promise (`other errors`) is a coincidence as often as a link.
        const weight = Math.min(m.sharedName < 2 ? 0.65 : 0.95, m.clear * (words + 0.3 * prior) * (prior < 0.25 ? 0.7 : 1));
        if (weight < FLOOR) continue;
        const why = m.affinity >= 0.5 ? "; the test's file or suite is named like the spec" : prior >= 0.5 ? "; most of the file's tests are about this spec" : '';
        add(m.c, { kind: 'names', detail: `shares ${m.shared.slice(0, 5).join(', ')} with ${m.c.local}${why}`, weight });
      }
      for (const [candidate, evidence] of found) guesses.push({ candidate, test, ...combine(evidence) });
    }
  }
  return guesses;
}

const IDENTIFIER = /[A-Za-z_$][\w$]{5,}/g;

/** The test names, or calls, a code name the promise quotes. */
function symbolEvidence(test: CorpusTest, bySymbol: Map<string, Candidate[]>): [Candidate, Evidence][] {
  if (bySymbol.size === 0) return [];
  const out: [Candidate, Evidence][] = [];
  const seen = new Set<Candidate>();
  const inName = new Set(test.fullName.match(IDENTIFIER) ?? []);
  for (const name of new Set([...inName, ...(test.body.match(IDENTIFIER) ?? [])])) {
    for (const c of bySymbol.get(name) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      const named = inName.has(name);
      out.push([c, { kind: 'names', detail: `the promise names \`${name}\`, which the test ${named ? 'names' : 'uses'}`, weight: named ? 0.6 : 0.4 }]);
    }
  }
  return out;
}

function idEvidence(
  test: CorpusTest,
  byId: Map<string, Candidate>,
  byLocal: Map<string, Candidate[]>,
  affinity: (c: Candidate) => number,
): [Candidate, Evidence][] {
  const out: [Candidate, Evidence][] = [];
  const seen = new Set<Candidate>();
  const cite = (c: Candidate | undefined, weight: number, detail: string) => {
    if (c && !seen.has(c)) {
      seen.add(c);
      out.push([c, { kind: 'ids', detail, weight }]);
    }
  };
  const places: [string, string, number][] = [
    ['name', test.fullName, 0.95],
    ['tags', test.tags.join(' '), 0.95],
    ['comment', test.comments, 0.9],
  ];
  for (const [where, text, weight] of places) {
    if (!text) continue;
    for (const m of text.matchAll(FULL_ID)) cite(byId.get(m[0]), 0.98, `\`${m[0]}\` in the test's ${where}`);
    const codes = [...text.matchAll(CODE)].map((m) => [m[0], weight] as const);
    // A bare number says less than a code: which spec, and which version of its numbering?
    // Trusted when the test names its feature, or only one spec has the number.
    const numbered = [...text.matchAll(NUMBERED)].flatMap((m) => m[1].split(/\s*(?:,|and|&|\/)\s*/i).map((n) => [n, test.feature !== undefined ? weight : weight - 0.1] as const));
    for (const [local, w] of [...codes, ...numbered]) {
      let options = byLocal.get(local.toUpperCase()) ?? [];
      // A test that names its feature cites that spec's ids; a feature no spec has now (archived) cites none of these.
      if (test.feature !== undefined) options = options.filter((c) => c.spec.id === test.feature);
      const pick = pickSpec(options, affinity);
      if (pick) cite(pick.candidate, w * pick.certainty, `\`${local}\` in the test's ${where}${pick.certainty < 1 ? ` (${pick.candidate.spec.id}, named like the test's file or suite)` : ''}`);
    }
  }
  return out;
}

/** Of the capabilities with one local id (one per spec), the one the test means: the only one, or the one whose spec the test is named after. */
function pickSpec(options: Candidate[], affinity: (c: Candidate) => number): { candidate: Candidate; certainty: number } | undefined {
  if (options.length === 1) return { candidate: options[0], certainty: 1 };
  const scored = options.map((c) => ({ c, a: affinity(c) })).sort((x, y) => y.a - x.a);
  // Most of the spec's name in the test's file or suite, and clearly more than any other's.
  if (scored.length < 2 || scored[0].a < 0.6 || scored[0].a - scored[1].a < 0.3) return undefined;
  return { candidate: scored[0].c, certainty: 0.7 };
}

interface NameMatch {
  c: Candidate;
  /** How much of the test's own name the promise explains (by rarity of words). */
  nameShare: number;
  /** How much of the promise's title the test's name, comments and body say. */
  titleShare: number;
  /** 0.8 when a capability outside this one's family ranks about as high. */
  clear: number;
  /** How much of the spec's name the test's file and suite names hold. */
  affinity: number;
  shared: string[];
  /** How many words of the test's own name the promise has. */
  sharedName: number;
}

function nameMatches(test: CorpusTest, candidates: readonly Candidate[], index: Bm25, affinity: (c: Candidate) => number): NameMatch[] {
  const name = new Set(tokenize(test.fullName.split(' > ').pop() ?? ''));
  const suite = new Set(tokenize(test.fullName));
  const comments = new Set(tokenize(test.comments));
  const body = new Set(tokenize(test.body));
  const weightOf = (t: string) => (name.has(t) ? 1 : suite.has(t) ? 0.6 : comments.has(t) ? 0.6 : 0.25);
  // One more than weighed, so that the last weighed has a rival to be measured against.
  const ranked = index.top([...suite, ...comments, ...body], RANKED + 1, weightOf, (w) => (w >= 0.6 ? 0.25 : 0.02));
  if (ranked.length === 0 || name.size === 0) return [];
  const all = new Set([...suite, ...comments, ...body]);
  const rarity = (terms: Iterable<string>) => {
    let sum = 0;
    for (const t of terms) sum += index.idf(t);
    return sum;
  };
  const out: NameMatch[] = [];
  for (const [doc, score] of ranked.slice(0, RANKED)) {
    const c = candidates[doc];
    const words = new Set(c.words);
    const title = new Set(c.title);
    if (title.size === 0) continue;
    const shared = [...name].filter((t) => words.has(t));
    const said = [...title].filter((t) => all.has(t));
    const rival = ranked.find(([d]) => d !== doc && !c.family.has(candidates[d].cap.id));
    out.push({
      c,
      nameShare: rarity(shared) / rarity(name),
      titleShare: rarity(said) / rarity(title),
      clear: rival === undefined || rival[1] < 0.85 * score ? 1 : 0.8,
      affinity: affinity(c),
      shared: shared.length > 0 ? shared : said,
      sharedName: shared.length,
    });
  }
  return out;
}

function groupBy(candidates: readonly Candidate[], keysOf: (c: Candidate) => readonly string[]): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const c of candidates) for (const key of keysOf(c)) (out.get(key) ?? out.set(key, []).get(key)!).push(c);
  return out;
}

function share(of: Set<string>, among: Set<string>): number {
  if (of.size === 0) return 0;
  let n = 0;
  for (const w of of) if (among.has(w)) n++;
  return n / of.size;
}
