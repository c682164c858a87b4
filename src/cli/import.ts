// `sdna import`: shows the links and targets sdna can infer (with `--semantic`,
// the links Claude confirmed among each capability's candidates); with
// `--write`, records those at or above `--min-confidence` in .sdna/links.json.

import { loadConfig } from '../config.js';
import { ParseCache } from '../artifacts/cache.js';
import { addRecords, capabilityHash, LINKS_FILE } from '../artifacts/links.js';
import { toJsonImport } from '../artifacts/import-format.js';
import { DEFAULT_MIN_CONFIDENCE, importProposals } from '../checks/import/index.js';
import { SdnaError } from '../util/errors.js';
import { showProgress, terminalProgress } from '../util/progress.js';
import { enablePerformance, performanceReport, timedAsync } from '../util/perf.js';
import { formatImport } from '../../reporters/import.js';
import { refuseWithoutSemantic, requestOptions, type ModelFlags } from './model-flags.js';

export interface ImportFlags extends ModelFlags {
  root?: string;
  config?: string;
  json?: boolean;
  write?: boolean;
  minConfidence?: string | number;
  full?: boolean;
  performance?: boolean;
}

export async function runImport(flags: ImportFlags, color: boolean): Promise<void> {
  if (flags.performance) enablePerformance();
  showProgress(terminalProgress());
  const min = flags.minConfidence === undefined ? DEFAULT_MIN_CONFIDENCE : Number(flags.minConfidence);
  if (!Number.isFinite(min) || min < 0 || min > 1) throw new SdnaError(`--min-confidence must be a number from 0 to 1 (got ${String(flags.minConfidence)})`);
  refuseWithoutSemantic(flags, ['model', 'maxCost', 'concurrency', 'timeout']);
  const config = await loadConfig(flags.root, flags.config);
  const ask = flags.semantic ? requestOptions(flags, 'semantic check', 'the proposals without it follow') : undefined;
  let report = await importProposals(config, min, { shortlist: ask !== undefined });
  if (ask) {
    const { confirmLinks } = await import('../checks/import/semantic/index.js');
    report = await timedAsync('semantic', () => confirmLinks(report, config.root, { ...ask, cacheDir: ParseCache.defaultDir(config.root), cacheWithin: config.root }));
  }
  const chosen = { links: report.links.filter((l) => l.confidence >= min), targets: report.targets.filter((t) => t.confidence >= min) };

  let written: { links: number; targets: number } | undefined;
  if (flags.write) {
    const hashOf = new Map(report.specs.flatMap((s) => s.capabilities.map((c) => [c.id, capabilityHash(c)] as const)));
    written = await addRecords(config.root, {
      links: chosen.links.map((l) => ({ capability: l.capability, text: hashOf.get(l.capability)!, file: l.file, ...(l.name !== undefined && { name: l.name }), confidence: l.confidence, evidence: l.evidence })),
      targets: chosen.targets.map((t) => ({ spec: t.spec, glob: t.glob, confidence: t.confidence, evidence: t.evidence })),
    });
  }
  if (flags.json) process.stdout.write(JSON.stringify(toJsonImport(report), null, 2) + '\n');
  else process.stdout.write(formatImport(report, { min, full: Boolean(flags.full), color, written, file: LINKS_FILE }));
  if (flags.performance) process.stderr.write(performanceReport());
}
