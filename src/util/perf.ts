// Phase timers for `--performance`. Off by default, and then free: `timed`
// only calls the function.

let enabled = false;
const totals = new Map<string, number>();

export function enablePerformance(): void {
  enabled = true;
  // Node's start and the loading of sdna's modules, before any work.
  totals.set('start-up', performance.now());
}

export function timed<T>(label: string, fn: () => T): T {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    totals.set(label, (totals.get(label) ?? 0) + performance.now() - start);
  }
}

export async function timedAsync<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    totals.set(label, (totals.get(label) ?? 0) + performance.now() - start);
  }
}

export function performanceReport(): string {
  const rows = [...totals].map(([label, ms]) => `  ${label.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms`);
  return `sdna performance (process up ${(process.uptime() * 1000).toFixed(0)} ms):\n${rows.join('\n')}\n`;
}
