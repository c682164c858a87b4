// A plan scoped to a change (`sdna plan --since <ref>`, `--staged`, or the
// files a hook passes): the specs the change touches (their file or a
// companion, a file they target, a test linked to them) and the findings
// about them or about a changed file. The whole plan is still computed, so
// a spec elsewhere that targets a changed file is found; only what is shown
// and gated is the change's.

import path from 'node:path';
import type { FindingInput } from './model/findings.js';
import type { ChangeScope, Plan } from './model/model.js';
import type { LevelOf } from './model/levels.js';
import { READERS } from './formats/readers.js';
import { withFindings } from './statuses.js';


/**
 * Whether a changed file concerns every spec: the config (a package.json only
 * when it holds the config: a dependency bump touches no spec) and sdna's own
 * records.
 */
export const concernsAll = (file: string, config: string | undefined): boolean => file === config || file.startsWith('.sdna/');

/** `config`: the config file, root-relative (`ResolvedConfig.source`), if there is one. */
export function scopeToChange(plan: Plan, changed: ReadonlySet<string>, by: string, levelOf: LevelOf, config?: string): Plan & { scope: ChangeScope } {
  const all = [...changed].some((f) => concernsAll(f, config));
  const touched = new Set<string>();
  for (const spec of plan.specs) {
    const dir = path.posix.dirname(spec.file);
    const own = [spec.file, ...READERS[spec.format].companions.map((c) => (dir === '.' ? c : `${dir}/${c}`))];
    if (all || own.some((f) => changed.has(f)) || (plan.targetFiles.get(spec.id) ?? []).some((f) => changed.has(f))) touched.add(spec.id);
  }
  for (const cap of plan.capabilities) if (cap.tests.some((t) => changed.has(t.file))) touched.add(cap.spec);

  const kept = plan.findings.filter((f) => (f.spec !== undefined ? touched.has(f.spec) : all || (f.file !== undefined && changed.has(f.file))));
  const inputs = kept.map(({ category: _c, severity: _s, fingerprint: _f, baselined: _b, ...f }) => f as FindingInput);
  const scoped: Plan = {
    ...plan,
    specs: plan.specs.filter((s) => touched.has(s.id)),
    capabilities: plan.capabilities.filter((c) => touched.has(c.spec)),
    findings: [],
  };
  return { ...withFindings(scoped, levelOf, inputs), scope: { by, files: changed.size, specs: touched.size, of: plan.specs.length } };
}
