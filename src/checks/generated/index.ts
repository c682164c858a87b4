// Generated files among the targets: an edit by hand is `generated-edited`, a
// marked file with neither a stamp nor a recorded hash `generated-unrecorded`.

import type { FindingInput } from '../../model/findings.js';
import type { Spec } from '../../model/model.js';
import { readState, type State } from '../../artifacts/state.js';
import { resolveFrom } from '../../util/paths.js';
import type { GuardedReader } from '../../util/guarded.js';
import { ParseCache, type FileRows } from '../../artifacts/cache.js';
import { findGenerated, MARKER, sha256, type GeneratedHeader } from './stamp.js';

/**
 * By project root: each target file's stamp, and its generated header and
 * content hash, or 0 for a file not marked as generated (most targets). One
 * table, as the tests' claims: a lookup per file cost a plan after one changed
 * file ten times a comparison, and a first plan one entry per target.
 */
const TABLE_KIND = 'generated-1';

type Found = { header: GeneratedHeader; hash: string };

/** Reads the table of generated-file stamps now (a scoped plan does, while git lists the files). */
export const preloadGenerated = (cache: ParseCache, root: string): void => cache.preload(TABLE_KIND, root);

const isFound = (value: unknown): value is Found | 0 =>
  value === 0 || (typeof value === 'object' && value !== null && typeof (value as Found).hash === 'string' && typeof (value as Found).header === 'object' && (value as Found).header !== null);

/** Whether a file's whole text, read for another check, shows it is not marked as generated (no need to read its head again). */
export const unmarked = (text: string): boolean => !text.includes(MARKER);

/**
 * The generated-file check of the targets of `specs`, in two steps that share
 * one pass over the targets and one read of the table: the targets it will
 * glance at (those the cache holds no value of now), which a large plan hands
 * to a helper thread first (./glances.ts), then the check.
 */
export function generatedCheck(reader: GuardedReader, specs: Spec[], targetFiles: Map<string, string[]>, cache = ParseCache.open(undefined, '')) {
  const owner = new Map<string, Spec>();
  for (const spec of specs) for (const f of targetFiles.get(spec.id) ?? []) if (!owner.has(f)) owner.set(f, spec);
  const table = cache.fileRows(TABLE_KIND, reader.root, isFound);
  return {
    toGlance: (): string[] => [...owner.keys()].filter((file) => table.stale(file)),
    /**
     * `plain`: files another check read whole and found `unmarked`, which are
     * not read again. `marked`: when the helper thread glanced at `toGlance`'s
     * files, those whose first bytes hold the marker; the others hold none.
     */
    run: (plain?: ReadonlySet<string>, marked?: ReadonlySet<string>): FindingInput[] => checkTargets(reader, specs, owner, table, plain, marked),
  };
}

function checkTargets(reader: GuardedReader, specs: Spec[], owner: Map<string, Spec>, table: FileRows<Found | 0>, plain?: ReadonlySet<string>, marked?: ReadonlySet<string>): FindingInput[] {
  const findings: FindingInput[] = [];
  const byFile = new Map(specs.map((s) => [s.file, s]));
  let state: State | undefined;
  // In the targets' order, the findings sorted after: sorting 100,000 targets took about 20 of the 140 ms the check costs the main thread.
  for (const file of owner.keys()) {
    // A file another check read whole and found unmarked is not read again (0, as if read).
    const found = table.value(
      file,
      () => {
        // Its value is found anew: the helper thread, if any, glanced at it (see `toGlance`).
        if (marked && !marked.has(file)) {
          reader.opened.add(file);
          return reader.isRefused(file) ? undefined : 0;
        }
        const generated = findGenerated(reader, file);
        // A file that cannot be read is not kept: the next run reads, and reports, it again.
        return generated ? { header: generated.header, hash: sha256(generated.text) } : reader.isRefused(file) ? undefined : 0;
      },
      plain?.has(file) ? 0 : undefined,
    );
    if (!found) continue;
    const { header, hash } = found;
    // The header names its spec; else the spec that targets the file owns it.
    const named = header.source === undefined ? undefined : (byFile.get(resolveFrom(file, header.source) ?? '') ?? byFile.get(header.source));
    const spec = named ?? owner.get(file)!;
    const where = { spec: spec.id, file, line: header.line };
    if (header.intact === undefined) {
      state ??= readState(reader.root);
      const recorded = state.generated[file];
      if (recorded === undefined) findings.push({ kind: 'generated-unrecorded', ...where, data: { source: spec.file } });
      else if (hash !== recorded) findings.push({ kind: 'generated-edited', ...where, data: { source: spec.file, stamp: 'recorded' } });
    } else if (!header.intact) {
      findings.push({ kind: 'generated-edited', ...where, data: { source: spec.file, stamp: header.stamp === 'tessl' ? 'tessl' : 'sdna' } });
    }
  }
  table.keep();
  return findings.sort((a, b) => (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : 0));
}
