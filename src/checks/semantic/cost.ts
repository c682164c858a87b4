// What a semantic check costs: list prices per million tokens (USD), and the
// estimate for a run's usage. Prices change; a model not listed is estimated at
// the default model's price and the run says so.

export const DEFAULT_MODEL = 'claude-sonnet-5-5';

interface Price {
  input: number;
  output: number;
  /** Reading the cached prompt prefix. */
  cacheRead: number;
  /** Writing it (five-minute cache). */
  cacheWrite: number;
}

/** Anthropic's list prices, per million tokens (the Messages API's; see `costOf` for batches). */
export const PRICES: Record<string, Price> = {
  'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-opus-5-5': { input: 4, output: 20, cacheRead: 0.4, cacheWrite: 5 },
  'claude-opus-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125 },
};

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const NO_USAGE: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return { input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite };
}

export function priceOf(model: string): { price: Price; known: boolean } {
  const price = PRICES[model];
  return price ? { price, known: true } : { price: PRICES[DEFAULT_MODEL], known: false };
}

/** USD for `usage` on `model`; through the Message Batches API (`batch`), every token costs half, prompt-cache reads and writes too (the discounts stack). */
export function costOf(model: string, usage: Usage, batch = false): number {
  const { price } = priceOf(model);
  const full = (usage.input * price.input + usage.output * price.output + usage.cacheRead * price.cacheRead + usage.cacheWrite * price.cacheWrite) / 1e6;
  return batch ? full / 2 : full;
}
