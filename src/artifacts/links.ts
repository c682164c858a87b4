// `.sdna/links.json`: the links and targets `sdna import --write` recorded, for
// a pull request to review. One object per line, sorted; each link keyed by its
// capability's id and a hash of the capability's words, so that a renumbered
// Kiro criterion keeps its links and a changed promise is flagged for review
// instead of staying linked. Read leniently: an entry edited into a bad state
// is reported at its line, and the others are still used. Written under a lock
// and atomically: two imports at once both land, neither is lost.

import path from 'node:path';
import * as z from 'zod/mini';
import type { Capability } from '../model/model.js';
import { EVIDENCE_KINDS } from '../checks/import/types.js';
import { textHash } from '../formats/ids.js';
import { SdnaError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { withLock } from '../util/lock.js';
import { newerOr, readProjectText } from './versioned.js';

export const LINKS_FILE = '.sdna/links.json';
export const LINKS_VERSION = 1;

const evidenceSchema = z.strictObject({ kind: z.enum(EVIDENCE_KINDS), detail: z.string() });

export const linkRecordSchema = z.strictObject({
  capability: z.string().check(z.minLength(1)),
  /** `textHash` of the capability's words when it was recorded. */
  text: z.string().check(z.regex(/^[0-9a-f]{12}$/, 'must be 12 hex digits (the hash of the capability\'s words that `sdna import` wrote)')),
  file: z.string().check(z.minLength(1)),
  name: z.optional(z.string().check(z.minLength(1))),
  confidence: z.optional(z.number().check(z.gte(0), z.lte(1))),
  evidence: z.optional(z.array(evidenceSchema)),
});

export const targetRecordSchema = z.strictObject({
  spec: z.string().check(z.minLength(1)),
  capability: z.optional(z.string().check(z.minLength(1))),
  glob: z.string().check(z.minLength(1)),
  confidence: z.optional(z.number().check(z.gte(0), z.lte(1))),
  evidence: z.optional(z.array(evidenceSchema)),
});

export type LinkRecord = z.infer<typeof linkRecordSchema>;
export type TargetRecord = z.infer<typeof targetRecordSchema>;

export interface Records {
  links: LinkRecord[];
  targets: TargetRecord[];
}

export interface Located<T> {
  entry: T;
  line: number;
}

/** An entry that cannot be used, at its line: the rest of the file still is. */
export interface RecordProblem {
  line: number;
  problem: string;
  /** The entry as written (cut short), which identifies it better than its line. */
  text: string;
}

export interface ReadRecords {
  links: Located<LinkRecord>[];
  targets: Located<TargetRecord>[];
  problems: RecordProblem[];
}

/** The hash a link record keeps of its capability: its words, or its name when it has none. */
export function capabilityHash(cap: Pick<Capability, 'name' | 'text'>): string {
  return textHash(cap.text.trim() || cap.name);
}

const NONE: ReadRecords = { links: [], targets: [], problems: [] };

/** The records, or none when the file does not exist; SdnaError (exit 2) only for a newer sdna's file or an unreadable one. */
export function readRecords(root: string): ReadRecords {
  const text = readProjectText(root, LINKS_FILE);
  return text === undefined ? NONE : parseRecords(text);
}

/**
 * Line by line, as sdna writes the file (one entry per line, under a
 * `"links": [` or `"targets": [` line); a file a person reformatted is parsed
 * whole, and its entries are placed at the line of their first key.
 */
export function parseRecords(text: string): ReadRecords {
  const out: ReadRecords = { links: [], targets: [], problems: [] };
  const lines = text.split('\n');
  const version = /^\s*"version"\s*:\s*(\d+)/m.exec(text);
  if (version && Number(version[1]) !== LINKS_VERSION) {
    throw new SdnaError(newerOr(LINKS_FILE, 'links', LINKS_VERSION, `${LINKS_FILE} has \`"version": ${version[1]}\`, not ${LINKS_VERSION}; fix it, or delete it and run \`sdna import --write\` again`)(Number(version[1])));
  }
  if (!version) out.problems.push({ line: 1, problem: `no \`"version": ${LINKS_VERSION}\``, text: lines[0].trim().slice(0, 120) });
  let section: 'links' | 'targets' | undefined;
  let spread = false;
  lines.forEach((raw, i) => {
    const line = raw.trim().replace(/,$/, '');
    const opens = /^"(links|targets)"\s*:\s*\[/.exec(line);
    if (opens) section = opens[1] as 'links' | 'targets';
    if (section === undefined || opens || line === '' || /^[\]}]+$/.test(line)) return;
    if (!line.startsWith('{') || !line.endsWith('}')) {
      spread = true;
      return;
    }
    const entry = parseEntry(line, section);
    if (typeof entry === 'string') out.problems.push({ line: i + 1, problem: entry, text: line.slice(0, 120) });
    else if (section === 'links') out.links.push({ entry: entry as LinkRecord, line: i + 1 });
    else out.targets.push({ entry: entry as TargetRecord, line: i + 1 });
  });
  return spread ? parseWhole(text, lines) : out;
}

function parseEntry(json: string, section: 'links' | 'targets'): LinkRecord | TargetRecord | string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = (section === 'links' ? linkRecordSchema : targetRecordSchema).safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const form =
    section === 'links'
      ? '{ "capability": "<id>", "text": "<12 hex>", "file": "<test file>", "name"?: "<test name>" }'
      : '{ "spec": "<id>", "glob": "<glob>" }';
  return `${issue.path.length ? `at ${issue.path.join('.')}: ` : ''}${issue.message}; a ${section === 'links' ? 'link' : 'target'} is ${form}`;
}

function parseWhole(text: string, lines: string[]): ReadRecords {
  const out: ReadRecords = { links: [], targets: [], problems: [] };
  let data: { links?: unknown; targets?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    out.problems.push({ line: 1, problem: `not valid JSON (${(error as Error).message}); no recorded link or target is used`, text: LINKS_FILE });
    return out;
  }
  const lineOf = (key: string, value: string) => {
    const i = lines.findIndex((l) => l.includes(`"${key}"`) && l.includes(JSON.stringify(value)));
    return i === -1 ? 1 : i + 1;
  };
  for (const section of ['links', 'targets'] as const) {
    const list = data[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      out.problems.push({ line: lineOf(section, ''), problem: `"${section}" is not a list`, text: `"${section}"` });
      continue;
    }
    for (const item of list) {
      const key = section === 'links' ? 'capability' : 'spec';
      const at = lineOf(key, String((item as Record<string, unknown> | null)?.[key] ?? ''));
      const entry = parseEntry(JSON.stringify(item), section);
      if (typeof entry === 'string') out.problems.push({ line: at, problem: entry, text: JSON.stringify(item).slice(0, 120) });
      else if (section === 'links') out.links.push({ entry: entry as LinkRecord, line: at });
      else out.targets.push({ entry: entry as TargetRecord, line: at });
    }
  }
  return out;
}

const linkKey = (l: LinkRecord) => `${l.capability}\0${l.file}\0${l.name ?? ''}`;
const targetKey = (t: TargetRecord) => `${t.spec}\0${t.capability ?? ''}\0${t.glob}`;
const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** One entry per line, sorted, so that a pull request shows what changed. */
export function formatRecords(records: Records): string {
  const section = (name: string, entries: object[]) =>
    `  "${name}": [${entries.length ? `\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ` : ''}]`;
  const links = [...records.links].sort(byKey(linkKey));
  const targets = [...records.targets].sort(byKey(targetKey));
  return `{\n  "version": ${LINKS_VERSION},\n${section('links', links)},\n${section('targets', targets)}\n}\n`;
}

/**
 * Adds entries to the file: under a lock, so that two imports at once both
 * land; atomically, so that a reader never sees half a file. Entries already
 * there (by capability, test and name; by spec and glob) are kept as they are,
 * and nothing is removed. An entry with a problem is kept too, as written.
 * Returns how many entries were added.
 */
export async function addRecords(root: string, add: Records): Promise<{ links: number; targets: number }> {
  const file = path.join(root, LINKS_FILE);
  return withLock(root, file, LINKS_FILE, 'sdna import --write', () => {
    const text = readProjectText(root, LINKS_FILE);
    const current = text === undefined ? NONE : parseRecords(text);
    if (text !== undefined && current.problems.length > 0) {
      // Rewriting would drop the lines it cannot read: a person's edits are not thrown away.
      const first = current.problems[0];
      throw new SdnaError(`${LINKS_FILE}:${first.line}: ${first.problem}; fix it (\`sdna plan\` lists every bad entry) before \`sdna import --write\` adds to it`);
    }
    const links = new Map(current.links.map(({ entry }) => [linkKey(entry), entry]));
    const targets = new Map(current.targets.map(({ entry }) => [targetKey(entry), entry]));
    let addedLinks = 0;
    let addedTargets = 0;
    for (const l of add.links) if (!links.has(linkKey(l)) && links.set(linkKey(l), l)) addedLinks++;
    for (const t of add.targets) if (!targets.has(targetKey(t)) && targets.set(targetKey(t), t)) addedTargets++;
    if (addedLinks + addedTargets > 0 || text === undefined) writeFileAtomic(file, formatRecords({ links: [...links.values()], targets: [...targets.values()] }), { within: root, shown: LINKS_FILE });
    return { links: addedLinks, targets: addedTargets };
  });
}
