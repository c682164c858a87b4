// Okapi BM25 over pre-tokenised documents. Written here rather than taken from
// the registry: the packages there re-tokenise every document on every query
// and match terms as substrings or regular expressions (okapibm25), or bring a
// language model and worker threads (wink-bm25-text-search, fast-bm25); import
// scores thousands of tests against hundreds of capabilities, so the index is
// built once and each query touches only the documents that share a term.

const K1 = 1.2;
const B = 0.75;

export class Bm25 {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: Float64Array;
  private readonly average: number;

  constructor(docs: readonly string[][]) {
    this.lengths = new Float64Array(docs.length);
    docs.forEach((tokens, doc) => {
      this.lengths[doc] = tokens.length;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, n] of tf) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf: n });
      }
    });
    this.average = docs.length === 0 ? 0 : this.lengths.reduce((a, b) => a + b, 0) / docs.length || 1;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** How rare the term is among the documents (never negative). */
  idf(term: string): number {
    const n = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** Each document's score for the query, for the documents that share a term with it. */
  scores(query: Iterable<string>, weightOf: (term: string) => number = () => 1): Map<number, number> {
    const out = new Map<number, number>();
    for (const term of new Set(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term) * weightOf(term);
      for (const { doc, tf } of list) {
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]) / this.average);
        out.set(doc, (out.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    return out;
  }
}
