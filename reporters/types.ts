import type { Plan } from '../src/model/model.js';

/** What every reporter is given. */
export interface ReporterOptions {
  /** ANSI colours; the CLI turns them on only on a TTY without NO_COLOR, never for a file. */
  color: boolean;
  /** Only findings at level `error` and the closing line. */
  quiet: boolean;
}

/** A reporter turns a plan into text; it never prints or exits. `Own` is its own options. */
export type Reporter<Own extends object = object> = (plan: Plan, options: ReporterOptions & Own) => string;

/**
 * Each built-in reporter's own options, by name: what `reporters: [['name', { … }]]`
 * in the plugin accepts for it.
 */
export interface TerminalOptions {
  /** Every finding and every spec, not a screenful of each kind (`sdna plan --full`). */
  full?: boolean;
}

/** `html`: one self-contained page (reporters/html). */
export interface HtmlOptions {
  /** The page's title and heading (default: `sdna: <project>`). */
  title?: string;
}

export interface SarifOptions {
  /** Results kept, the most severe first (default and GitHub's limit: 5,000); the rest are counted in `runs[0].properties.omitted`. */
  maxResults?: number;
}

export interface GithubActionsOptions {
  /** Also append the whole plan as Markdown to `$GITHUB_STEP_SUMMARY` when it is set (default: true). */
  jobSummary?: boolean;
}

export interface BuiltinReporterOptions {
  terminal: TerminalOptions;
  json: Record<string, never>;
  sarif: SarifOptions;
  junit: Record<string, never>;
  'github-actions': GithubActionsOptions;
  html: HtmlOptions;
  /** The spec diff comes with the plan (`Plan.specDiff`, from `sdna plan --base <ref>`), not as an option. */
  markdown: Record<string, never>;
}

export type BuiltinReporterName = keyof BuiltinReporterOptions;

/**
 * One reporter to run: a built-in's name or a module's path, where its text
 * goes (`file`, else stdout), and its own options.
 */
export type ReportRequest =
  | { [K in BuiltinReporterName]: { name: K; file?: string; options?: BuiltinReporterOptions[K] } }[BuiltinReporterName]
  | { name: string; file?: string; options?: Record<string, unknown> };
