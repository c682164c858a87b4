// The static plan: read the spec model, run every static check (src/checks/),
// judge capability statuses (src/statuses.ts), then sort and gate. Pure data
// in, data out; nothing is written.

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { ParseCache } from './artifacts/cache.js';
import { cmp, type FindingInput } from './model/findings.js';
import type { Plan } from './model/model.js';
import { readModel, type SpecCache, type SpecModel } from './read-model.js';
import { problemFinding } from './formats/problem.js';
import { checkScope, matchTargets } from './checks/scope.js';
import { checkGenerated } from './checks/generated/index.js';
import { checkLinks } from './checks/links/index.js';
import { applyRecords } from './checks/links/recorded.js';
import { scanClaims } from './checks/links/claims.js';
import { TestIndex } from './checks/links/test-index.js';
import { checkPendingChanges } from './checks/pending-changes.js';
import { gate, staticStatuses, testDirOf } from './statuses.js';
import { levels } from './model/levels.js';
import { BASELINE_FILE, readBaseline } from './artifacts/baseline.js';
import { SdnaError } from './util/errors.js';
import { listFiles } from './util/files.js';
import { configGlobs } from './util/globs.js';
import { timed, timedAsync } from './util/perf.js';

export interface PlanOptions {
  /** Plan without `.sdna/baseline.json`: every finding counts (`sdna baseline` itself plans so). */
  ignoreBaseline?: boolean;
  specCache?: SpecCache;
  /** Parse results by content hash, kept between runs; the caller saves it. */
  cache?: ParseCache;
  /** Plan from this model (`sdna plan --from`) instead of reading the spec files. */
  model?: SpecModel;
}

/** Async so that checks can do I/O (API drift loads TypeScript) without changing callers. */
export async function createPlan(config: ResolvedConfig, options: PlanOptions = {}): Promise<Plan> {
  const root = path.resolve(config.root);
  checkRoot(root);
  const include = configGlobs('include', config.include);
  const exclude = configGlobs('exclude', config.exclude);
  const isTest = configGlobs('tests', config.tests).test;
  const { rules } = config;

  const listing = timed('list files', () => listFiles(root));
  const model = options.model ?? timed('specs', () => readModel(config, listing.files, options.specCache));
  const found: FindingInput[] = model.problems.map(({ spec, file, problem }) => problemFinding(spec, file, problem));
  // Links and targets `sdna import --write` recorded count like written ones.
  const recorded = timed('recorded links', () => applyRecords(root, model.specs));
  const { specs } = recorded;
  found.push(...recorded.findings);

  const { targetFiles, findings: targetFindings } = timed('match targets', () => matchTargets(specs, listing));
  found.push(...targetFindings);
  const targeted = new Set([...targetFiles.values()].flat());
  found.push(...timed('scope', () => checkScope(include, exclude.test, listing, targeted)));
  if (rules['generated-edited'] !== 'off' || rules['generated-unrecorded'] !== 'off') {
    found.push(...timed('generated', () => checkGenerated(root, specs, targetFiles)));
  }
  // The API check, and TypeScript with it, loads only when some spec has an `## API` block.
  const withApi = specs.filter((s) => s.api.length > 0);
  if (withApi.length > 0 && rules['api-drift'] !== 'off') {
    const { checkApi } = await import('./checks/api-drift/index.js');
    found.push(...(await timedAsync('api', () => checkApi({ root, specs: withApi, targetFiles, cache: options.cache }))));
  }
  const testFiles = listing.files.filter(isTest);
  const testDir = testDirOf(testFiles);
  const scan = timed('claims', () => scanClaims(root, testFiles, options.cache));
  const links = timed('links', () => checkLinks(specs, scan.claims, new TestIndex(root, listing.set, scan.parsed, options.cache)));
  found.push(...links.findings);
  const { capabilities, findings: untested } = timed('statuses', () => staticStatuses(specs, links.testsOf, testDir));
  found.push(...untested);
  found.push(...timed('pending changes', () => checkPendingChanges(root, listing.files, capabilities)));

  const specFiles = specFilesOf(model);
  const entries = options.ignoreBaseline ? undefined : readBaseline(root);
  const gated = timed('gate', () => gate(levels(rules, config.overrides), specFiles, found, entries && { file: BASELINE_FILE, entries }));
  return {
    version: 1,
    mode: 'static',
    root,
    project: projectName(root),
    specs: [...specs].sort((a, b) => cmp(a.file, b.file)),
    capabilities,
    ...gated,
    targetFiles,
    specFiles,
    testDir,
  };
}

function checkRoot(root: string): void {
  // Walking a whole file system is never a project: say so instead of listing it for minutes.
  if (path.parse(root).root === root) throw new SdnaError(`refusing to plan the file system root ${root}: pass --root <your project's folder> (or fix "root" in the config)`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new SdnaError(`root ${root} does not exist`);
  }
  if (!stat.isDirectory()) throw new SdnaError(`root ${root} is not a folder`);
  try {
    fs.readdirSync(root);
  } catch (error) {
    throw new SdnaError(`root ${root} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function projectName(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string' && pkg.name) return pkg.name;
  } catch {
    // No package.json: the folder's name will do.
  }
  return path.basename(root);
}

/** Each spec id and its file (the first by path, for an id that several files share), for grouping findings. */
function specFilesOf(model: SpecModel): Map<string, string> {
  const out = new Map<string, string>();
  const offer = (id: string, file: string) => {
    const known = out.get(id);
    if (known === undefined || cmp(file, known) < 0) out.set(id, file);
  };
  for (const s of model.specs) offer(s.id, s.file);
  // `file` is the spec file read, also for a problem in a companion file (Kiro's tasks.md).
  for (const p of model.problems) offer(p.spec, p.file);
  return out;
}
