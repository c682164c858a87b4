// A plan of a tree in which nothing changed is the plan made before. It is kept
// in the parse cache with what it was made from: the config, the listing, the
// stamp of every listed file and of sdna's own records, and the files outside
// the listing it looked for (a link to a missing test). A later plan uses it
// only when every one of them is as it was; then no check runs at all. What
// the built-in reporters made of it is kept beside it, so that a run whose
// reports are all kept prints them without making or even reading the plan.

import type { ResolvedConfig } from '../config.js';
import type { Plan } from '../model/model.js';
import type { FileList } from '../util/files.js';
import { jsonPieces } from '../util/json-pieces.js';
import { contentKey, type ParseCache } from './cache.js';

const KIND = 'plan-memo-2';
/** By root and the plan's key: the reports made of the plan kept (`KeptReports`). */
const REPORTS_KIND = 'plan-reports-1';

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

/** What a plan was kept under: the reports made of it may be kept under the same. */
export interface MemoTag {
  root: string;
  key: string;
  probes: string[];
  probed: string;
}

/** Plans kept or taken from the cache in this run, and what they were kept under. */
const tags = new WeakMap<Plan, MemoTag>();

/** What `plan` was kept under, if it was (a plan narrowed or extended afterwards is another object, and has none). */
export const memoOf = (plan: Plan): MemoTag | undefined => tags.get(plan);

/** The reports made of the plan kept under `key`, by what was asked (a reporter's name and options, see `askedOf`), and whether that plan failed. */
interface KeptReports extends Omit<MemoTag, 'root' | 'key'> {
  failed: boolean;
  texts: [string, string][];
}

/** One report asked for: a built-in reporter's name and the options it is called with. */
export const askedOf = (name: string, options: unknown): string => JSON.stringify([name, options]);

/**
 * The reports asked for, made before of the plan kept under `key`, when every
 * one was kept and the files outside the listing the plan looked for are as
 * they were; with whether that plan failed. Undefined otherwise.
 */
export function keptReports(cache: ParseCache, root: string, key: string, asked: string[]): { failed: boolean; texts: string[] } | undefined {
  const kept = cache.lookup<Partial<KeptReports>>(REPORTS_KIND, reportsKey(root, key));
  if (typeof kept?.failed !== 'boolean' || !Array.isArray(kept.probes) || !Array.isArray(kept.texts)) return undefined;
  const made = new Map(textsOf(kept.texts));
  const texts = asked.map((a) => made.get(a));
  if (!texts.every((t) => t !== undefined) || cache.stampsOf(root, kept.probes) !== kept.probed) return undefined;
  return { failed: kept.failed, texts };
}

/** Keeps the reports made of the plan kept as `tag` says, with those kept before of the same plan. */
export function keepReports(cache: ParseCache, tag: MemoTag, failed: boolean, made: [string, string][]): void {
  const kept = cache.lookup<Partial<KeptReports>>(REPORTS_KIND, reportsKey(tag.root, tag.key));
  const same = kept?.failed === failed && kept.probed === tag.probed && Array.isArray(kept.texts);
  const texts = new Map(same ? textsOf(kept.texts!) : []);
  if (same && made.every(([asked, text]) => texts.get(asked) === text)) return;
  for (const [asked, text] of made) texts.set(asked, text);
  const reports: KeptReports = { probes: tag.probes, probed: tag.probed, failed, texts: [...texts] };
  // A report of a large plan is tens of megabytes, and its JSON as one string as much again.
  cache.storeJsonPieces(REPORTS_KIND, reportsKey(tag.root, tag.key), () => jsonPieces(reports));
}

/** Reports are kept by root and plan: a run whose plan is another finds none without decoding those kept (they may be megabytes). */
const reportsKey = (root: string, key: string) => `${root}\n${key}`;

const textsOf = (texts: unknown[]) => texts.filter((t): t is [string, string] => Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && typeof t[1] === 'string');

/** What a plan is made from, as one hash; undefined when some file's stamp cannot be trusted (modified a moment ago). */
export function memoKey(cache: ParseCache, config: ResolvedConfig, listing: FileList, ignoreBaseline: boolean): string | undefined {
  const known = keys.get(listing);
  if (known?.cache === cache && known.config === config && known.ignoreBaseline === ignoreBaseline) return known.key;
  const root = config.root;
  const always = config.source === undefined ? ALWAYS : [...ALWAYS, config.source];
  const stamps = cache.stampsOf(root, [...listing.files, ...always]);
  const key = stamps === undefined ? undefined : contentKey(JSON.stringify([config, ignoreBaseline, listing.files, listing.refused, stamps]));
  keys.set(listing, { cache, config, ignoreBaseline, key });
  return key;
}

/** The key worked out for a listing, once per run: the command line asks for it before the plan is made (for the reports kept), and the plan again. */
const keys = new WeakMap<FileList, { cache: ParseCache; config: ResolvedConfig; ignoreBaseline: boolean; key: string | undefined }>();

/** The plan kept under `key`, if the files it looked for outside the listing are as they were. */
export function memoPlan(cache: ParseCache, root: string, key: string): Plan | undefined {
  const memo = cache.lookup<Memo>(KIND, root);
  if (memo?.key !== key || !Array.isArray(memo.probes) || cache.stampsOf(root, memo.probes) !== memo.probed) return undefined;
  if (typeof memo.plan !== 'object' || memo.plan === null) return undefined;
  try {
    const { targetFiles, specFiles, baselineEntries, ...rest } = memo.plan;
    const plan: Plan = {
      ...(rest as unknown as Plan),
      targetFiles: new Map(targetFiles as [string, string[]][]),
      specFiles: new Map(specFiles as [string, string][]),
      ...(baselineEntries !== undefined && { baselineEntries: new Map(baselineEntries as [string, never][]) }),
    };
    tags.set(plan, { root, key, probes: memo.probes, probed: memo.probed });
    return plan;
  } catch {
    return undefined;
  }
}

/** Keeps `plan` under `key`, with the files outside the listing it looked for (`probes`). */
export function keepPlan(cache: ParseCache, root: string, key: string, plan: Plan, probes: string[]): void {
  const probed = cache.stampsOf(root, probes);
  if (probed === undefined) return;
  tags.set(plan, { root, key, probes, probed });
  // Written as JSON now (the caller goes on with the plan), and kept as JSON: the next run parses it once.
  const memo = {
    key,
    probes,
    probed,
    plan: { ...plan, targetFiles: [...plan.targetFiles], specFiles: [...plan.specFiles], baselineEntries: plan.baselineEntries && [...plan.baselineEntries] },
  } satisfies Memo;
  cache.storeJsonPieces(KIND, root, () => jsonPieces(memo));
}
