// The links and targets `sdna import --write` recorded in `.sdna/links.json`
// count like written ones: each recorded link joins its capability's links
// (marked inferred), each recorded target its spec's targets. A link whose
// capability's words changed since is not used but reported for review; a
// renumbered capability (same words, new id, same spec) keeps its links.

import type { FindingInput } from '../../model/findings.js';
import type { Capability, Spec, SpecOutline } from '../../model/model.js';
import { LINKS_FILE, capabilityHash, readRecords, type ReadRecords } from '../../artifacts/links.js';

/** The specs with the recorded links and targets added (copies: a watch session caches the specs as read). */
export function applyRecords(root: string, read: readonly Spec[], records: ReadRecords = readRecords(root)): { specs: Spec[]; findings: FindingInput[] } {
  const findings: FindingInput[] = [];
  for (const { line, problem, text } of records.problems) {
    findings.push({ kind: 'bad-link-record', file: LINKS_FILE, line, data: { entry: text, problem } });
  }
  if (records.links.length === 0 && records.targets.length === 0) return { specs: [...read], findings };
  const specs = read.map((s) => ({ ...s, targets: [...s.targets], capabilities: s.capabilities.map((c) => ({ ...c, links: [...c.links] })) }));

  const byId = new Map<string, { spec: Spec; cap: Capability }>();
  const byHash = new Map<string, { spec: Spec; cap: Capability }[]>();
  for (const spec of specs) {
    for (const cap of spec.capabilities) {
      byId.set(cap.id, { spec, cap });
      const hash = capabilityHash(cap);
      byHash.set(hash, [...(byHash.get(hash) ?? []), { spec, cap }]);
    }
  }
  const specById = new Map(specs.map((s) => [s.id, s]));

  for (const { entry, line } of records.links) {
    const test = entry.name === undefined ? entry.file : `${entry.file}#${entry.name}`;
    const known = byId.get(entry.capability);
    let at = known && capabilityHash(known.cap) === entry.text ? known : undefined;
    if (!at) {
      // The same words under another id of the same spec: a renumbered criterion.
      const specId = known?.spec.id ?? entry.capability.slice(0, entry.capability.lastIndexOf('/'));
      const moved = (byHash.get(entry.text) ?? []).filter((c) => c.spec.id === specId || entry.capability.startsWith(`${c.spec.id}/`));
      if (moved.length === 1) at = moved[0];
    }
    if (!at) {
      findings.push({
        kind: 'outdated-link',
        spec: known?.spec.id,
        capability: entry.capability,
        file: LINKS_FILE,
        line,
        data: known ? { test, reason: 'changed', text: capabilityHash(known.cap) } : { test, reason: 'gone' },
      });
      continue;
    }
    at.cap.links.push({ raw: test, file: entry.file, ...(entry.name !== undefined && { fragment: entry.name }), line, inferred: true, in: LINKS_FILE });
  }

  for (const { entry, line } of records.targets) {
    const spec = specById.get(entry.spec);
    if (!spec) {
      findings.push({ kind: 'bad-link-record', file: LINKS_FILE, line, data: { entry: JSON.stringify(entry), problem: `no spec has the id \`${entry.spec}\`` } });
      continue;
    }
    spec.targets.push({ glob: entry.glob, pattern: entry.glob, line, via: 'import', file: LINKS_FILE });
  }
  return { specs, findings };
}

/**
 * The outlines with what the records add, for matching a change against: a
 * recorded test joins every spec its link may attach to (the one whose
 * capability it names, or one whose id begins that capability's id, where a
 * renumbered capability is looked for), a recorded target its spec. And
 * `checkedWith`: the specs to check for some touched ones, so that
 * `applyRecords` attaches each link among them as it would among all specs
 * (a link's specs are checked all together or not at all).
 */
export function recordedOutlines(records: ReadRecords, outlines: SpecOutline[]): { outlines: SpecOutline[]; checkedWith: (touched: ReadonlySet<string>) => Set<string> } {
  if (records.links.length === 0 && records.targets.length === 0) return { outlines, checkedWith: (touched) => new Set(touched) };
  const ids = new Set(outlines.map((o) => o.id));
  const owner = new Map<string, string>();
  for (const o of outlines) for (const c of o.capabilities) owner.set(c, o.id);
  const added = new Map<string, { links: string[]; targets: string[] }>();
  const add = (id: string) => added.get(id) ?? added.set(id, { links: [], targets: [] }).get(id)!;
  const groups: string[][] = [];
  for (const { entry } of records.links) {
    const c = entry.capability;
    const may = new Set<string>();
    const own = owner.get(c);
    if (own !== undefined) may.add(own);
    for (let i = c.indexOf('/'); i !== -1; i = c.indexOf('/', i + 1)) if (ids.has(c.slice(0, i))) may.add(c.slice(0, i));
    for (const id of may) add(id).links.push(entry.file);
    if (may.size > 1) groups.push([...may]);
  }
  for (const { entry } of records.targets) add(entry.spec).targets.push(entry.glob);
  const checkedWith = (touched: ReadonlySet<string>) => {
    const out = new Set(touched);
    for (let grew = true; grew; ) {
      grew = false;
      for (const group of groups) {
        if (!group.some((id) => out.has(id)) || group.every((id) => out.has(id))) continue;
        for (const id of group) out.add(id);
        grew = true;
      }
    }
    return out;
  };
  const withRecords = outlines.map((o) => {
    const more = added.get(o.id);
    return more ? { ...o, links: [...o.links, ...more.links], targets: [...o.targets, ...more.targets] } : o;
  });
  return { outlines: withRecords, checkedWith };
}
