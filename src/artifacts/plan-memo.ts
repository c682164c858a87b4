// A plan of a tree in which nothing changed is the plan made before. It is kept
// in the parse cache with what it was made from: the config, the listing, the
// stamp of every listed file and of sdna's own records, and the files outside
// the listing it looked for (a link to a missing test). A later plan uses it
// only when every one of them is as it was; then no check runs at all.

import type { ResolvedConfig } from '../config.js';
import type { Plan } from '../model/model.js';
import type { FileList } from '../util/files.js';
import { contentKey, type ParseCache } from './cache.js';

const KIND = 'plan-memo-2';

/** Files a plan reads whether or not they are listed (a git-ignored `.sdna/`, say). */
const ALWAYS = ['.sdna/baseline.json', '.sdna/state.json', '.sdna/links.json', 'package.json', 'tsconfig.json'];

interface Memo {
  key: string;
  /** Files outside the listing the plan looked for, and their stamps then. */
  probes: string[];
  probed: string;
  /** The plan as JSON sees it (its Maps as arrays of entries). */
  plan: Record<string, unknown>;
}

/** What a plan is made from, as one hash; undefined when some file's stamp cannot be trusted (modified a moment ago). */
export function memoKey(cache: ParseCache, config: ResolvedConfig, listing: FileList, ignoreBaseline: boolean): string | undefined {
  const root = config.root;
  const always = config.source === undefined ? ALWAYS : [...ALWAYS, config.source];
  const stamps = cache.stampsOf(root, [...listing.files, ...always]);
  return stamps === undefined ? undefined : contentKey(JSON.stringify([config, ignoreBaseline, listing.files, listing.refused, stamps]));
}

/** The plan kept under `key`, if the files it looked for outside the listing are as they were. */
export function memoPlan(cache: ParseCache, root: string, key: string): Plan | undefined {
  const memo = cache.lookup<Memo>(KIND, root);
  if (memo?.key !== key || !Array.isArray(memo.probes) || cache.stampsOf(root, memo.probes) !== memo.probed) return undefined;
  if (typeof memo.plan !== 'object' || memo.plan === null) return undefined;
  try {
    const { targetFiles, specFiles, baselineEntries, ...rest } = memo.plan;
    return {
      ...(rest as unknown as Plan),
      targetFiles: new Map(targetFiles as [string, string[]][]),
      specFiles: new Map(specFiles as [string, string][]),
      ...(baselineEntries !== undefined && { baselineEntries: new Map(baselineEntries as [string, never][]) }),
    };
  } catch {
    return undefined;
  }
}

/** Keeps `plan` under `key`, with the files outside the listing it looked for (`probes`). */
export function keepPlan(cache: ParseCache, root: string, key: string, plan: Plan, probes: string[]): void {
  const probed = cache.stampsOf(root, probes);
  if (probed === undefined) return;
  // Written as JSON now (the caller goes on with the plan), and kept as JSON: the next run parses it once.
  const text = JSON.stringify({
    ...plan,
    targetFiles: [...plan.targetFiles],
    specFiles: [...plan.specFiles],
    baselineEntries: plan.baselineEntries && [...plan.baselineEntries],
  });
  cache.storeJson(KIND, root, `${JSON.stringify({ key, probes, probed } satisfies Omit<Memo, 'plan'>).slice(0, -1)},"plan":${text}}`);
}
