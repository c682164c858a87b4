// npm and pnpm workspaces: `sdna plan` at a workspace's root plans each package
// with its own specs and config (as if run in it) and merges the plans into
// one, each path made relative to the workspace root.

import fs from 'node:fs';
import { readInRoot } from './util/guarded.js';
import path from 'node:path';
import picomatch from 'picomatch';
import { loadConfig, type ResolvedConfig } from './config.js';
import type { Plan } from './model/model.js';
import type { PlanOptions } from './plan.js';
import { cmp } from './model/findings.js';
import { SdnaError } from './util/errors.js';
import { listFiles } from './util/files.js';

export interface WorkspacePackage {
  /** package.json `name`, else its folder. */
  name: string;
  /** Root-relative folder. */
  dir: string;
}

export interface Workspace {
  /** The packages to plan: those `wanted` names, in the order named (see `selectPackages`), else all, sorted by folder. */
  packages: WorkspacePackage[];
  /** How many files the folders of those packages hold: the tree's size, known before any package is planned. */
  files: number;
}

/** The packages `workspaces` (package.json) or pnpm-workspace.yaml name, and the files they hold; undefined when the root is no workspace. */
export async function workspacePackages(root: string, wanted?: string[]): Promise<Workspace | undefined> {
  const globs = await workspaceGlobs(root);
  if (!globs) return undefined;
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => picomatch(g.replace(/\/+$/, '')));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => picomatch(g.slice(1).replace(/\/+$/, '')));
  const out: WorkspacePackage[] = [];
  // Only the folders the globs start in are listed (`packages/*` → packages/); the root
  // itself (pnpm's `'.'`) is planned as the root and lists nothing here.
  const bases = new Set(globs.filter((g) => !g.startsWith('!') && g.replace(/^\.\/?/, '') !== '').map((g) => picomatch.scan(g).base.replace(/^\.\/?/, '')));
  const listed = [...bases].flatMap((base) => {
    const at = path.join(root, base);
    return fs.statSync(at, { throwIfNoEntry: false })?.isDirectory() ? listFiles(at).files.map((f) => (base ? `${base}/${f}` : f)) : [];
  });
  const unique = new Set(listed);
  for (const file of unique) {
    if (!file.endsWith('/package.json')) continue;
    const dir = file.slice(0, -'/package.json'.length);
    if (!include.some((m) => m(dir)) || exclude.some((m) => m(dir))) continue;
    let name = dir;
    try {
      const pkg = JSON.parse(readInRoot(root, file, 'manifest') ?? '{}') as { name?: unknown } | null;
      if (typeof pkg?.name === 'string' && pkg.name) name = pkg.name;
    } catch {
      // An unreadable package.json still names a package: by its folder.
    }
    out.push({ name, dir });
  }
  out.sort((a, b) => cmp(a.dir, b.dir));
  // A workspace without packages is planned as one project, whatever `wanted` names.
  if (out.length === 0 || !wanted || wanted.length === 0) return { packages: out, files: unique.size };
  const packages = selectPackages(out, wanted);
  const folders = packages.map((p) => `${p.dir}/`);
  let files = 0;
  for (const file of unique) if (folders.some((f) => file.startsWith(f))) files++;
  return { packages, files };
}

async function workspaceGlobs(root: string): Promise<string[] | undefined> {
  try {
    const pkg = JSON.parse(readInRoot(root, 'package.json', 'manifest') ?? '{}') as { workspaces?: unknown } | null;
    const w = pkg?.workspaces;
    const list = Array.isArray(w) ? w : (w as { packages?: unknown } | undefined)?.packages;
    if (Array.isArray(list)) return list.filter((g): g is string => typeof g === 'string');
  } catch {
    // No package.json, or not JSON: maybe pnpm.
  }
  try {
    const text = readInRoot(root, 'pnpm-workspace.yaml', 'manifest');
    if (text === undefined) return undefined;
    // js-yaml loads only for a pnpm workspace: it is a tenth of sdna's start-up.
    const { default: yaml } = await import('js-yaml');
    const doc = yaml.load(text) as { packages?: unknown } | null;
    if (Array.isArray(doc?.packages)) return doc.packages.filter((g): g is string => typeof g === 'string');
  } catch {
    // None.
  }
  return undefined;
}

/** Picks the packages `--workspace` names (by name or folder), in the order named. */
function selectPackages(packages: WorkspacePackage[], wanted: string[]): WorkspacePackage[] {
  return wanted.map((w) => {
    const found = packages.find((p) => p.name === w || p.dir === w.replace(/\/+$/, ''));
    if (!found) throw new SdnaError(`--workspace ${w}: no such package in this workspace (${packages.map((p) => p.name).join(', ') || 'it has none'})`);
    return found;
  });
}

/**
 * Plans each package as if run in its folder, and the root (given its config)
 * without the packages' folders, and merges the plans.
 */
export async function createWorkspacePlan(
  rootConfig: ResolvedConfig | undefined,
  root: string,
  packages: WorkspacePackage[],
  options: Pick<PlanOptions, 'cache'> = {},
): Promise<Plan> {
  // Loaded when a workspace is planned: finding the packages needs none of the checks.
  const { createPlan, projectName } = await import('./plan.js');
  const parts: { dir: string; plan: Plan }[] = [];
  if (rootConfig) {
    const out = packages.map((p) => `!${p.dir}/**`);
    const own = { ...rootConfig, specs: [...rootConfig.specs, ...out], include: [...rootConfig.include, ...out], tests: [...rootConfig.tests, ...out] };
    parts.push({ dir: '', plan: await createPlan(own, options) });
  }
  for (const p of packages) {
    const config = await loadConfig(path.join(root, p.dir));
    parts.push({ dir: p.dir, plan: await createPlan(config, options) });
  }
  return mergePlans(root, projectName(root), parts);
}

function mergePlans(root: string, project: string, parts: { dir: string; plan: Plan }[]): Plan {
  const merged: Plan = {
    version: 1,
    mode: 'static',
    root,
    project,
    specs: [],
    capabilities: [],
    findings: [],
    summary: { drift: 0, unspecified: 0, stale: 0, errors: 0 },
    failed: false,
    targetFiles: new Map(),
    specFiles: new Map(),
    testDir: parts[0]?.plan.testDir ?? 'test',
  };
  for (const { dir, plan } of parts) {
    const at = (file: string) => (dir === '' ? file : `${dir}/${file}`);
    merged.specs.push(...plan.specs.map((s) => ({ ...s, file: at(s.file) })));
    merged.capabilities.push(...plan.capabilities.map((c) => ({ ...c, file: at(c.file), tests: c.tests.map((t) => ({ ...t, file: at(t.file) })) })));
    merged.findings.push(...plan.findings.map((f) => (f.file === undefined ? f : { ...f, file: at(f.file) })));
    for (const key of ['drift', 'unspecified', 'stale', 'errors'] as const) merged.summary[key] += plan.summary[key];
    merged.failed ||= plan.failed;
    for (const [id, files] of plan.targetFiles) merged.targetFiles.set(id, files.map(at));
    for (const [id, file] of plan.specFiles) merged.specFiles.set(id, at(file));
    if (plan.baseline) {
      const b = merged.baseline ?? { file: '.sdna/baseline.json', baselined: 0, gone: [] };
      merged.baseline = { file: b.file, baselined: b.baselined + plan.baseline.baselined, gone: [...b.gone, ...plan.baseline.gone] };
    }
  }
  return merged;
}
