// Generated files among the targets: an edit by hand is `generated-edited`, a
// marked file with neither a stamp nor a recorded hash `generated-unrecorded`.

import type { FindingInput } from '../../model/findings.js';
import type { Spec } from '../../model/model.js';
import { readState, type State } from '../../artifacts/state.js';
import { resolveFrom } from '../../util/paths.js';
import type { GuardedReader } from '../../util/guarded.js';
import { ParseCache } from '../../artifacts/cache.js';
import { findGenerated, MARKER, sha256, type GeneratedHeader } from './stamp.js';
import type { Glances } from './glances.js';

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

/** The targets of `specs` whose first bytes the check would glance at: those the cache holds no value of now. */
export function toGlance(root: string, specs: Spec[], targetFiles: Map<string, string[]>, cache = ParseCache.open(undefined, '')): string[] {
  const table = cache.fileRows(TABLE_KIND, root, isFound);
  return [...new Set(specs.flatMap((spec) => targetFiles.get(spec.id) ?? []))].filter((file) => table.stale(file));
}

/**
 * `plain`: files another check read whole and found `unmarked`, which are not
 * read again. `glances`: the files a helper thread glanced at first (see
 * ./glances.ts), and those of them whose first bytes hold the marker.
 */
export function checkGenerated(
  reader: GuardedReader,
  specs: Spec[],
  targetFiles: Map<string, string[]>,
  cache = ParseCache.open(undefined, ''),
  plain?: ReadonlySet<string>,
  glances?: Glances,
): FindingInput[] {
  const findings: FindingInput[] = [];
  const owner = new Map<string, Spec>();
  for (const spec of specs) for (const f of targetFiles.get(spec.id) ?? []) if (!owner.has(f)) owner.set(f, spec);
  const byFile = new Map(specs.map((s) => [s.file, s]));
  let state: State | undefined;
  const table = cache.fileRows(TABLE_KIND, reader.root, isFound);
  // The table is kept in file order, and the findings come in it. A plan that keeps nothing sorts only its findings
  // (below): sorting 100,000 targets took about 20 of the 140 ms the check costs the main thread.
  const files = cache.keeps ? [...owner.keys()].sort() : owner.keys();
  for (const file of files) {
    // A file another check read whole, or the helper thread glanced at, and found unmarked is not read again (0, as if read).
    const unmarkedGlance = glances !== undefined && glances.of.has(file) && !glances.marked.has(file) && !reader.isRefused(file);
    if (unmarkedGlance) reader.opened.add(file);
    const found = table.value(
      file,
      () => {
        const generated = findGenerated(reader, file);
        // A file that cannot be read is not kept: the next run reads, and reports, it again.
        return generated ? { header: generated.header, hash: sha256(generated.text) } : reader.isRefused(file) ? undefined : 0;
      },
      plain?.has(file) || unmarkedGlance ? 0 : undefined,
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
  return cache.keeps ? findings : findings.sort((a, b) => (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : 0));
}
