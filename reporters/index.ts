// Built-in reporters by name; anything else is a path to a module whose default
// export is a Reporter.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SdnaError } from '../src/util/errors.js';
import { json } from './json.js';
import { terminal } from './terminal.js';
import type { Reporter } from './types.js';

export type { Reporter, ReporterOptions } from './types.js';
export { toJsonPlan, type JsonPlan } from '../src/artifacts/plan-format.js';

export const REPORTERS: Record<string, Reporter> = { terminal, json };

export async function loadReporter(name: string, cwd: string): Promise<Reporter> {
  const builtin = Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
  if (builtin) return builtin;
  const looksLikePath = /[./\\]/.test(name);
  if (!looksLikePath) {
    throw new SdnaError(`unknown reporter "${name}" (expected one of: ${Object.keys(REPORTERS).join(', ')}, or a path to a module)`);
  }
  const file = path.resolve(cwd, name);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new SdnaError(`cannot load reporter ${name}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof mod.default !== 'function') {
    throw new SdnaError(`reporter ${name} must export a default function (plan, options) => string`);
  }
  return mod.default as Reporter;
}
