// `sdna diff <ref>` and `sdna plan --base <ref>`: the specs at the ref's merge
// base with HEAD against the working tree's plan.

import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { loadConfig, type ResolvedConfig } from '../config.js';
import { ParseCache } from '../artifacts/cache.js';
import { toJsonDiff } from '../artifacts/diff-format.js';
import { specsAtRef, type SpecsAtRef } from '../diff/at-ref.js';
import { diffSpecs, type SpecDiff } from '../diff/spec-diff.js';
import type { Plan } from '../model/model.js';
import { createPlan } from '../plan.js';
import { diffText } from '../../reporters/diff.js';

export interface DiffFlags {
  root?: string;
  config?: string;
  json?: boolean;
}

/** The spec diff from `ref` to the plan's working tree; `flag` names the ref in messages. */
export async function specDiffFor(config: ResolvedConfig, plan: Plan, ref: string, flag: string): Promise<SpecDiff> {
  return diffFrom(plan, ref, await specsAtRef(config, ref, flag));
}

function diffFrom(plan: Plan, ref: string, at: SpecsAtRef): SpecDiff {
  // Whether a test file is still there decides if a removed capability left tests behind.
  const exists = (file: string) => fs.existsSync(path.join(plan.root, file));
  return diffSpecs(plan, { ref, base: at.base, before: at.specs, changed: at.changed, exists });
}

export async function runDiff(ref: string, flags: DiffFlags): Promise<void> {
  const config = await loadConfig(flags.root, flags.config);
  // The ref is checked before the plan is made: a typo fails fast.
  const cache = ParseCache.open(ParseCache.defaultDir(config.root), pkg.version, config.root);
  const at = await specsAtRef(config, ref, `diff ${ref}`);
  const plan = await createPlan(config, { cache });
  cache.save();
  const diff = diffFrom(plan, ref, at);
  process.stdout.write(flags.json ? JSON.stringify(toJsonDiff(diff), null, 2) + '\n' : diffText(diff));
}
