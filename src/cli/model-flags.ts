// The flags of the commands that can ask Claude (`plan --semantic`, `import
// --semantic`), read one way for both: numbers checked in one line each, the
// model's flags refused without --semantic, no key a line on stderr (the
// command goes on without the model), and progress on a terminal.

import type { CheckOptions } from '../checks/semantic/requests.js';
import { SdnaError } from '../util/errors.js';
import { terminalProgress } from '../util/progress.js';
import { kebab } from '../util/text.js';

export interface ModelFlags {
  semantic?: boolean;
  model?: string;
  maxCost?: string;
  concurrency?: string;
  timeout?: string;
}

/** Flags that mean something only with --semantic are refused without it: one line naming the first. */
export function refuseWithoutSemantic<F extends ModelFlags>(flags: F, names: readonly (keyof F & string)[]): void {
  if (flags.semantic) return;
  const stray = names.find((k) => flags[k] !== undefined);
  if (stray) throw new SdnaError(`--${kebab(stray)} works with --semantic only: add --semantic, or drop it`);
}

/**
 * What the requests take, from the flags; undefined, after one line on stderr
 * saying what follows instead, when ANTHROPIC_API_KEY is not set.
 */
export function requestOptions(flags: ModelFlags, what: string, instead: string): CheckOptions | undefined {
  const maxCost = numberFlag('max-cost', flags.maxCost, (n) => n >= 0, 'a cost in USD, such as 0.50');
  const concurrency = numberFlag('concurrency', flags.concurrency, (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'a whole number from 1 to 64');
  const timeout = numberFlag('timeout', flags.timeout, (n) => n > 0, 'seconds, such as 120');
  if (!process.env.ANTHROPIC_API_KEY) {
    process.stderr.write(`sdna: the semantic check was skipped: ANTHROPIC_API_KEY is not set (export ANTHROPIC_API_KEY=<a key from console.anthropic.com>); ${instead}\n`);
    return undefined;
  }
  return { model: flags.model, maxCost, concurrency, timeoutMs: timeout === undefined ? undefined : timeout * 1000, onProgress: progressLine(what) };
}

/** A progress counter on one stderr line, rewritten in place: only on a terminal, never in CI. */
function progressLine(what: string): ((done: number, total: number) => void) | undefined {
  const line = terminalProgress();
  return line && ((done, total) => line(what, done, total));
}

/** A number a flag gives, checked: one line naming the flag and the form otherwise. */
function numberFlag(name: string, value: string | undefined, check: (n: number) => boolean, form: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new SdnaError(`--${name} ${value}: expected ${form}`);
  return n;
}
