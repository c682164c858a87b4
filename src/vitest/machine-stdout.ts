// Whether one of Vitest's own reporters writes machine output (JSON, JUnit XML,
// TAP) to stdout in this run: the plan must then go to stderr, or it would
// break what a tool downstream parses.

import type { Vitest } from 'vitest/node';

/** Vitest's built-in reporters whose output is for machines. */
const MACHINE = new Set(['json', 'junit', 'tap', 'tap-flat']);

export function machineOnStdout(vitest: Vitest): boolean {
  const config = vitest.config as { reporters?: unknown[]; outputFile?: string | Record<string, string> };
  // Vitest 5 writes JSON and JUnit to .vitest/<name>/ unless a reporter is given `stdout: true`.
  const toFileByDefault = Number(String((vitest as { version?: string }).version ?? '4').split('.')[0]) >= 5;
  for (const entry of config.reporters ?? []) {
    const [name, options] = Array.isArray(entry) ? (entry as [unknown, { outputFile?: string; stdout?: boolean } | undefined]) : [entry, undefined];
    if (typeof name !== 'string' || !MACHINE.has(name)) continue;
    const file = options?.outputFile ?? (typeof config.outputFile === 'string' ? config.outputFile : config.outputFile?.[name]);
    if (file !== undefined && file !== '-') continue;
    if (toFileByDefault && (name === 'json' || name === 'junit') && options?.stdout !== true) continue;
    return true;
  }
  return false;
}
