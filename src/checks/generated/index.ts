// Generated files among the targets: an edit by hand is `generated-edited`, a
// marked file with neither a stamp nor a recorded hash `generated-unrecorded`.

import type { FindingInput } from '../../model/findings.js';
import type { Spec } from '../../model/model.js';
import { readState, type State } from '../../artifacts/state.js';
import { resolveFrom } from '../../util/paths.js';
import type { GuardedReader } from '../../util/guarded.js';
import { findGenerated, sha256 } from './stamp.js';

export function checkGenerated(reader: GuardedReader, specs: Spec[], targetFiles: Map<string, string[]>): FindingInput[] {
  const findings: FindingInput[] = [];
  const owner = new Map<string, Spec>();
  for (const spec of specs) for (const f of targetFiles.get(spec.id) ?? []) if (!owner.has(f)) owner.set(f, spec);
  const byFile = new Map(specs.map((s) => [s.file, s]));
  let state: State | undefined;
  for (const file of [...owner.keys()].sort()) {
    const found = findGenerated(reader, file);
    if (!found) continue;
    const { header, text } = found;
    // The header names its spec; else the spec that targets the file owns it.
    const named = header.source === undefined ? undefined : (byFile.get(resolveFrom(file, header.source) ?? '') ?? byFile.get(header.source));
    const spec = named ?? owner.get(file)!;
    const where = { spec: spec.id, file, line: header.line };
    if (header.intact === undefined) {
      state ??= readState(reader.root);
      const recorded = state.generated[file];
      if (recorded === undefined) findings.push({ kind: 'generated-unrecorded', ...where, data: { source: spec.file } });
      else if (sha256(text) !== recorded) findings.push({ kind: 'generated-edited', ...where, data: { source: spec.file, stamp: 'recorded' } });
    } else if (!header.intact) {
      findings.push({ kind: 'generated-edited', ...where, data: { source: spec.file, stamp: header.stamp === 'tessl' ? 'tessl' : 'sdna' } });
    }
  }
  return findings;
}
