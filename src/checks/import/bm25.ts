// Okapi BM25 over pre-tokenised documents. Written here rather than taken from
// the registry: the packages there re-tokenise every document on every query
// and match terms as substrings or regular expressions (okapibm25), or bring a
// language model and worker threads (wink-bm25-text-search, fast-bm25); import
// scores tens of thousands of tests against thousands of capabilities, so the
// index is built once, in typed arrays, and each query touches only the
// documents that share a term with it.

const K1 = 1.2;
const B = 0.75;

interface Postings {
  docs: Int32Array;
  /** Each document's term-frequency part of the score, before the term's weight. */
  parts: Float64Array;
  idf: number;
}

export class Bm25 {
  private readonly postings = new Map<string, Postings>();
  private readonly size: number;
  /** Scores of the current query, by document; `touched` lists the documents it reached. */
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;

  constructor(docs: readonly string[][]) {
    this.size = docs.length;
    this.acc = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
    const average = docs.reduce((n, d) => n + d.length, 0) / (docs.length || 1) || 1;
    const lists = new Map<string, number[]>();
    docs.forEach((tokens, doc) => {
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      const norm = K1 * (1 - B + (B * tokens.length) / average);
      for (const [term, n] of tf) {
        let list = lists.get(term);
        if (!list) lists.set(term, (list = []));
        list.push(doc, (n * (K1 + 1)) / (n + norm));
      }
    });
    for (const [term, list] of lists) {
      const n = list.length / 2;
      const docsOf = new Int32Array(n);
      const parts = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        docsOf[i] = list[2 * i];
        parts[i] = list[2 * i + 1];
      }
      this.postings.set(term, { docs: docsOf, parts, idf: Math.log(1 + (this.size - n + 0.5) / (n + 0.5)) });
    }
  }

  /** How rare the term is among the documents (never negative). */
  idf(term: string): number {
    return this.postings.get(term)?.idf ?? Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /**
   * The `k` best documents for the query, best first (ties by document order).
   * A term in more than `common` of the documents (a share, by the term's
   * weight) is left out: it adds about as much to every score, and visiting its
   * documents is most of the time a query takes.
   */
  top(query: Iterable<string>, k: number, weightOf: (term: string) => number = () => 1, common: (weight: number) => number = () => 1): [doc: number, score: number][] {
    const { acc, touched } = this;
    let reached = 0;
    for (const term of new Set(query)) {
      const p = this.postings.get(term);
      if (!p || p.docs.length > common(weightOf(term)) * this.size) continue;
      const w = p.idf * weightOf(term);
      for (let i = 0; i < p.docs.length; i++) {
        const doc = p.docs[i];
        if (acc[doc] === 0) touched[reached++] = doc;
        acc[doc] += w * p.parts[i];
      }
    }
    const best: [number, number][] = [];
    for (let j = 0; j < reached; j++) {
      const doc = touched[j];
      const score = acc[doc];
      acc[doc] = 0;
      if (best.length === k && (score < best[k - 1][1] || (score === best[k - 1][1] && doc > best[k - 1][0]))) continue;
      let i = best.length < k ? best.length : k - 1;
      best[i] = [doc, score];
      while (i > 0 && (best[i - 1][1] < score || (best[i - 1][1] === score && best[i - 1][0] > doc))) {
        best[i] = best[i - 1];
        best[--i] = [doc, score];
      }
    }
    return best;
  }
}
