// What OpenSpec's pending changes would do to tested capabilities: a REMOVED
// requirement that tests still prove, a RENAMED one whose tests prove it under
// the old id, a MODIFIED one whose tests are older than the change (so were not
// updated for it). The deltas themselves never change the plan.

import fs from 'node:fs';
import path from 'node:path';
import type { FindingInput } from '../model/findings.js';
import type { CapabilityPlan } from '../model/model.js';
import { readSpecFile } from '../formats/read.js';
import type { GuardedReader } from '../util/guarded.js';
import { isChangeFile, readChangeSpec, requirementId } from '../formats/openspec-changes.js';

export function checkPendingChanges(reader: GuardedReader, files: string[], capabilities: CapabilityPlan[]): FindingInput[] {
  const changes = files.filter(isChangeFile);
  if (changes.length === 0) return [];
  const findings: FindingInput[] = [];
  const byId = new Map(capabilities.map((c) => [c.id, c]));
  const mtime = (file: string) => {
    try {
      return fs.statSync(path.join(reader.root, file)).mtimeMs;
    } catch {
      return 0;
    }
  };
  for (const file of changes) {
    const { text } = readSpecFile(reader, file);
    if (text === undefined) continue;
    const change = readChangeSpec(file, text);
    for (const d of change.deltas) {
      const id = requirementId(change.capability, d.name);
      const cap = byId.get(id);
      if (!cap || cap.tests.length === 0) continue;
      const tests = [...new Set(cap.tests.map((t) => t.file))].sort();
      const base = { change: change.change, requirement: d.name, tests };
      const where = { kind: 'pending-change' as const, spec: cap.spec, capability: id, file, line: d.line };
      if (d.op === 'REMOVED') findings.push({ ...where, data: { ...base, op: d.op } });
      else if (d.op === 'RENAMED' && d.to !== undefined) findings.push({ ...where, data: { ...base, op: d.op, to: d.to, renamedId: requirementId(change.capability, d.to) } });
      else if (d.op === 'MODIFIED' && tests.every((t) => mtime(t) < mtime(file))) findings.push({ ...where, data: { ...base, op: d.op } });
    }
  }
  return findings;
}
