// Reporters by name, loaded when a plan is to be reported (the built-ins with
// them: a run that prints reports kept never loads one); anything else is a path
// to a module whose default export is a Reporter. `writeReports` runs a plan
// through several reporters, for the CLI and the Vitest plugin alike: the one
// place that writes what they return.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../src/model/model.js';
import { SdnaError } from '../src/util/errors.js';
import { appendToFile, writeFileAtomic } from '../src/util/files.js';
import type { BuiltinReporterName, GithubActionsOptions, Reporter, ReporterOptions, ReportRequest } from './types.js';
import { importModule } from '../src/util/import-module.js';

/** Every built-in reporter's name (the type holds it to the list), in the order help lists them. */
const NAMES = { terminal: 1, json: 1, sarif: 1, junit: 1, 'github-actions': 1, html: 1, markdown: 1 } satisfies Record<BuiltinReporterName, 1>;
export const BUILTIN_REPORTERS = Object.keys(NAMES) as readonly BuiltinReporterName[];

const isBuiltin = (name: string): name is BuiltinReporterName => (BUILTIN_REPORTERS as readonly string[]).includes(name);

export async function loadReporter(name: string, cwd: string): Promise<Reporter> {
  if (isBuiltin(name)) return (await import('./builtin.js')).REPORTERS[name];
  const looksLikePath = /[./\\]/.test(name);
  if (!looksLikePath) {
    throw new SdnaError(`unknown reporter "${name}" (expected one of: ${BUILTIN_REPORTERS.join(', ')}, or a path to a module)`);
  }
  const file = path.resolve(cwd, name);
  let mod: { default?: unknown };
  try {
    mod = await importModule<{ default?: unknown }>(pathToFileURL(file).href);
  } catch (error) {
    throw new SdnaError(`cannot load reporter ${name}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof mod.default !== 'function') {
    throw new SdnaError(`reporter ${name} must export a default function (plan, options) => string`);
  }
  return mod.default as Reporter;
}

/**
 * `name` or `name:file` (`--reporter json:reports/plan.json`, `sarif:/tmp/x.sarif`).
 * The first colon splits, unless it is a Windows drive's (`C:\…` as a module's path).
 */
export function parseReporterArg(arg: string): ReportRequest {
  const colon = arg.indexOf(':', /^[A-Za-z]:[\\/]/.test(arg) ? 2 : 0);
  if (colon <= 0) return { name: arg };
  const file = arg.slice(colon + 1);
  const name = arg.slice(0, colon);
  if (file === '') throw new SdnaError(`reporter "${arg}" names no file: write ${name}:<file>, or ${name} to print the plan`);
  return { name, file };
}

export interface LoadedReporter {
  request: ReportRequest;
  reporter: Reporter;
  /** The job summary a `github-actions` report appends to `$GITHUB_STEP_SUMMARY` (`loadReporters` gives it). */
  summary?: (plan: Plan) => string;
}

export async function loadReporters(requests: ReportRequest[], cwd: string): Promise<LoadedReporter[]> {
  return Promise.all(
    requests.map(async (request) => ({
      request,
      reporter: await loadReporter(request.name, cwd),
      ...(request.name === 'github-actions' && { summary: (await import('./builtin.js')).githubSummary }),
    })),
  );
}

export interface WriteContext {
  /** Colour for text that goes to the console; a file never gets it. */
  color: boolean;
  quiet: boolean;
  /** Files are relative to this folder. */
  cwd: string;
  /** `$GITHUB_STEP_SUMMARY`: where the `github-actions` reporter's job summary goes (the caller reads the environment). */
  stepSummary?: string;
}

/**
 * Runs every reporter on the plan: a reporter with a file writes it atomically,
 * the others' text is returned, in order, for the caller to print. With
 * `github-actions` and a `stepSummary` file, the plan's job summary is appended to it.
 */
export function writeReports(plan: Plan, reporters: LoadedReporter[], context: WriteContext): { name: string; text: string }[] {
  const printed: { name: string; text: string }[] = [];
  for (const { request, reporter, summary } of reporters) {
    const text = reporter(plan, reporterOptions(request, context));
    if (typeof text !== 'string') throw new SdnaError(`reporter ${request.name} returned no text (a reporter returns a string)`);
    printed.push(...writeReport(request, text, context));
    // Every step of a job appends to the one summary file GitHub names.
    const summed = summary && (request.options as GithubActionsOptions | undefined)?.jobSummary !== false;
    if (summed && context.stepSummary) appendToFile(context.stepSummary, summary(plan));
  }
  return printed;
}

/** The options a reporter is called with: colour only for the console. */
export function reporterOptions(request: ReportRequest, context: WriteContext): ReporterOptions {
  return { color: context.color && request.file === undefined, quiet: context.quiet, ...request.options };
}

/** A report made: written to its file, or returned to be printed. */
export function writeReport(request: ReportRequest, text: string, context: WriteContext): { name: string; text: string }[] {
  if (request.file === undefined) return [{ name: request.name, text }];
  writeFileAtomic(path.resolve(context.cwd, request.file), text);
  return [];
}

/** Whether a report is a pure function of the plan and its options: a built-in reporter's, without a side effect (the job summary). */
export const isPureReport = (request: ReportRequest): boolean => isBuiltin(request.name) && request.name !== 'github-actions';
