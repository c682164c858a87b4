// The format-neutral model every spec reader produces, and the plan sdna derives.
// Paths are relative to the project root with `/` separators; lines are 1-based.

import type { Category, Kind, KindData, Severity } from './kinds.js';
import type { SpecDiff } from '../diff/spec-diff.js';

/** Where sdna keeps committed project state (`sdna accept` writes it): a declared output, like the cache. */
export const STATE_FILE = '.sdna/state.json';

export type Format = 'tessl' | 'kiro' | 'speckit' | 'openspec';

export interface Target {
  /** As written in the spec. */
  glob: string;
  /** Resolved against the spec's folder, relative to the root. */
  pattern: string;
  line: number;
  /** `target` from frontmatter, `generate`/`describe` from `[@generate]`/`[@describe]` links, `config` from sdna.config, `import` from `.sdna/links.json`. */
  via: 'target' | 'generate' | 'describe' | 'config' | 'import';
  /** Where it is written when that is not the spec: the config or links file (`line` is then that file's). */
  file?: string;
}

export interface TestLink {
  /** As written, e.g. `../test/a.test.ts#adds one`. */
  raw: string;
  /** The test file, relative to the root. */
  file: string;
  fragment?: string;
  line: number;
  /** Recorded by `sdna import --write` in `in` (`.sdna/links.json`, where `line` is), not written in the spec. */
  inferred?: true;
  in?: string;
}

export interface ApiBlock {
  lang: string;
  code: string;
  /** Line of the opening fence. */
  line: number;
}

export interface Capability {
  id: string;
  spec: string;
  name: string;
  /** The promise in the spec's words (bullets joined), links removed. */
  text: string;
  file: string;
  line: number;
  links: TestLink[];
  locked: boolean;
  /**
   * The capability this one is part of (a Kiro criterion's requirement). A test of
   * the parent proves each part; a parent with parts is proven when every part is.
   */
  parent?: string;
  /** For ids that are positions (Kiro's `1.2`): a hash of the text, to recognise it after renumbering. */
  textHash?: string;
}

export interface Spec {
  id: string;
  format: Format;
  file: string;
  name: string;
  description?: string;
  targets: Target[];
  capabilities: Capability[];
  /** `[@test]` links outside any capability (e.g. under `## Test Cases`): checked, not attributed. */
  links: TestLink[];
  uses: { ref: string; line: number }[];
  api: ApiBlock[];
  /** Documents beside the spec that explain it without promising anything (Kiro's design.md): their headings. */
  context?: { file: string; headings: { title: string; line: number }[] }[];
}

/**
 * One disagreement, as data: where it is, and its kind's own facts (`data`).
 * The words (`impl:`, `action:`, the JSON `message`) come from `wordsOf` beside
 * the kind table; `fingerprint` is its identity across edits (see fingerprint.ts).
 */
export type Finding = { [K in Kind]: FindingOf<K> }[Kind];

export interface FindingOf<K extends Kind> {
  kind: K;
  category: Category;
  severity: Severity;
  spec?: string;
  capability?: string;
  file?: string;
  line?: number;
  /** `api-drift`: the declaration's name as the spec writes it. */
  symbol?: string;
  data: KindData[K];
  fingerprint: string;
  /** In `.sdna/baseline.json`: shown in the JSON plan, left out of the gate, the summary and the terminal detail. */
  baselined?: true;
}

/** A finding as a baseline records it: its fingerprint and what it was about. */
export interface BaselineEntry {
  fingerprint: string;
  kind: Kind;
  spec?: string;
  capability?: string;
  file?: string;
  symbol?: string;
}

export interface BaselineReport {
  /** The baseline file, relative to the root. */
  file: string;
  /** How many of this plan's findings the baseline holds. */
  baselined: number;
  /** Baselined findings this plan no longer has (`sdna baseline --prune` drops them). */
  gone: BaselineEntry[];
}

export interface TestRef {
  file: string;
  name?: string;
  /** Linked only by a link `sdna import` recorded (`.sdna/links.json`). */
  inferred?: true;
}

/** Every status a capability can have: `linked`/`untested` before a run, the rest after one. */
export const STATUSES = ['linked', 'untested', 'passing', 'failing', 'skipped', 'not-run', 'removed'] as const;
/** `removed`: its spec marks it removed or deprecated; never untested, never a finding. */
export type StaticStatus = 'linked' | 'untested' | 'removed';
export type RunStatus = Exclude<(typeof STATUSES)[number], 'linked'>;

export interface CapabilityPlan {
  id: string;
  spec: string;
  name: string;
  file: string;
  line: number;
  status: StaticStatus | RunStatus;
  tests: TestRef[];
  /** With coverage on: the share (0-100) of its spec's target lines that its tests execute. */
  coverage?: number;
}

export interface Summary {
  drift: number;
  unspecified: number;
  stale: number;
  errors: number;
}

/** What a check that asks the model (`plan --semantic`, `import --semantic`) asked and what it cost. */
export interface ModelReport {
  model: string;
  /** False when the model has no price on file: `cost` is estimated at the default model's. */
  priceKnown: boolean;
  /** Capabilities judged by a request in this run. */
  checked: number;
  /** Capabilities whose answer came from the cache. */
  cached: number;
  /** Capabilities not checked, with the reason (an API error, --max-cost); `batch`: the id of the batch (`--batch`) its answer is still waiting in. */
  notChecked: { capability: string; reason: string; batch?: string }[];
  /** Tokens: input, output, and the cached prompt prefix read and written. */
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number };
  /** Estimated USD of this run's requests. */
  cost: number;
}

/** What `sdna plan --semantic` did and cost. */
export interface SemanticReport extends ModelReport {
  /** With `--changed`: capabilities left out because nothing of theirs changed (and no verdict was cached). */
  skipped: number;
  /** Tokens of each capability's slice: median and 95th percentile. */
  sliceTokens: { median: number; p95: number };
  /** With `--confirm`: the `breaks` verdicts whose confirming test ran this run, by how it ended (`fails` confirms). */
  confirm?: { fails: number; passes: number; broken: number };
  /** With `--batch`: requests sent in new batches this run, answers collected from earlier ones, and the batches still waiting. */
  batch?: BatchReport;
}

export interface BatchReport {
  sent: number;
  collected: number;
  /** Batches sent and not yet collected: the API's id, how many requests, its processing status, and when it was sent (ISO time). */
  pending: { id: string; requests: number; status: string; created: string }[];
}

export interface Plan {
  version: 1;
  /** `static` from `sdna plan`; `run` once a test run's outcomes are mapped in. */
  mode: 'static' | 'run';
  root: string;
  /** Display name of the project (package.json `name`, else the root folder's name). */
  project: string;
  specs: Spec[];
  capabilities: CapabilityPlan[];
  findings: Finding[];
  summary: Summary;
  /** True when a finding at level `error` remains that no baseline holds: `sdna plan` exits 1. */
  failed: boolean;
  /** With a baseline: what it holds of this plan. */
  baseline?: BaselineReport;
  /** The baseline's entries by fingerprint, to apply again after a test run. */
  baselineEntries?: ReadonlyMap<string, BaselineEntry>;
  /** The files each spec's targets match, by spec id. */
  targetFiles: Map<string, string[]>;
  /** Each spec id and its file (the first by path, for an id that several files share), for grouping findings. */
  specFiles: Map<string, string>;
  /** The folder most of the project's test files are in (root-relative; `test` when there are none), for hints. */
  testDir: string;
  /** With `--semantic`: what the semantic check did and cost. */
  semantic?: SemanticReport;
  /** With `sdna plan --base <ref>`: what the change does to the specs, for the markdown reporter; not in the JSON plan. */
  specDiff?: SpecDiff;
  /** With `--since`, `--staged` or file arguments: the change the plan was scoped to. */
  scope?: ChangeScope;
}

/** What a plan was scoped to, for the reporters to say. */
export interface ChangeScope {
  /** How the change was given: `--since origin/main`, `--staged`, `2 files`. */
  by: string;
  /** Files in the change (root-relative). */
  files: number;
  /** Specs planned, of all the project's. */
  specs: number;
  of: number;
}

/** Every `[@test]` link of a spec: its own and its capabilities'. */
export function linksOf(spec: Spec): TestLink[] {
  return [...spec.links, ...spec.capabilities.flatMap((c) => c.links)];
}

/**
 * What a change is matched against, of a spec: all a scoped plan needs of the
 * specs it does not check (the parse cache keeps it beside the spec, so that
 * a hook's plan does not load ten thousand capabilities to check six).
 */
export interface SpecOutline {
  id: string;
  file: string;
  /** Target patterns, root-relative. */
  targets: string[];
  /** Test files its `[@test]` links name. */
  links: string[];
  /** Its capabilities' ids. */
  capabilities: string[];
}

export function outlineOf(spec: Spec): SpecOutline {
  return {
    id: spec.id,
    file: spec.file,
    targets: spec.targets.map((t) => t.pattern),
    links: [...new Set(linksOf(spec).map((l) => l.file))],
    capabilities: spec.capabilities.map((c) => c.id),
  };
}
