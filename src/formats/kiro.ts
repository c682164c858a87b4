// Reads an AWS Kiro feature spec (`.kiro/specs/<feature>/requirements.md`, with
// its `tasks.md`) into the format-neutral model. Each `### Requirement N` is a
// capability `<feature>/N`, and each numbered acceptance criterion below it a
// capability `<feature>/N.M` (M is its position in the list: Kiro writes no ids,
// so each criterion also keeps a hash of its text). Targets come from a
// frontmatter `targets:` list or sdna.config, tests from `[@test](…)` links in a
// criterion's text or from tests that claim the id.
// tasks.md: a task citing a requirement that does not exist is
// `broken-requirement-ref`; a requirement no task cites, `unplanned-requirement`.

import path from 'node:path';
import type { Capability, Spec } from '../model/model.js';
import { plainText } from './markdown.js';
import { addTestLinks, readHead } from './plain.js';
import { Fences, kiroIdOf, textHash } from './ids.js';
import type { SpecProblem } from './problem.js';
import { lineAt, lineStartsOf, normalizeText } from '../util/text.js';
import type { ReadResult } from './tessl.js';

// Kiro writes a spec in its user's language: `### 要件1: …`, `### 需求 1：…`, `#### 受入基準`.
const REQUIREMENT = /^\s{0,3}###\s+(?:Requirement\s+|要件\s*|需求\s*|要求\s*|요구\s*사항\s*)(\d+)\s*(?:[:：—–-]\s*(.*?))?\s*#*\s*$/i;
const CRITERIA = /^(?:acceptance criteria|受入基準|受け入れ基準|验收标准|驗收標準|验收准则|수용\s*기준|인수\s*기준)$/i;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const CRITERION = /^\s{0,3}(\d+)[.)]\s+(.*)$/;
const TASK = /^\s*[-*]\s*\[([ xX-])\]\*?\s*(\d+(?:\.\d+)*)\.?\s+(.*)$/;
/** A list may wrap onto the lines below, but not across a blank line or onto a line with a list of its own. */
const BACK_REFS = /_Requirements?:\s*((?:[^_\n]|\n(?![ \t\r]*(?:\n|$)|[^\n]*_Requirements?:))+)_/gi;

/** The feature folder: `.kiro/specs/session-expiry/requirements.md` → `session-expiry`. */


interface Open {
  cap: Capability;
  parts: string[];
}

/** `companion(name)` reads a file beside requirements.md (`tasks.md`), or undefined. */
export function readKiro(file: string, source: string, companion: (name: string) => string | undefined = () => undefined): ReadResult {
  const problems: SpecProblem[] = [];
  const head = readHead(file, source, problems);
  if (!head) return { problems };
  const { lines, targets } = head;
  const id = kiroIdOf(file);
  const capabilities: Capability[] = [];
  const requirementLines = new Map<string, number>();
  let title: string | undefined;
  let requirement: Capability | undefined;
  let inCriteria = false;
  /** The level of the `#### Acceptance Criteria` heading being read. */
  let criteriaLevel = 0;
  let position = 0;
  let open: Open | undefined;
  const fences = new Fences();
  const close = () => {
    if (!open) return;
    open.cap.text = plainText(open.parts.join(' '));
    if (open.cap.parent !== undefined) open.cap.textHash = textHash(open.cap.text);
    open = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (fences.skip(line)) {
      close();
      continue;
    }
    const req = REQUIREMENT.exec(line);
    if (req) {
      close();
      const n = String(Number(req[1]));
      const prior = requirementLines.get(n);
      if (prior !== undefined) {
        problems.push({
          line: lineNo,
          capability: `${id}/${n}`,
          code: 'duplicate-requirement',
          subject: String(n),
          actual: `\`Requirement ${n}\` is declared twice: ${file}:${prior} and ${file}:${lineNo}`,
          hint: 'number the requirements 1, 2, 3… in order, each once',
        });
        requirement = undefined;
        inCriteria = false;
        continue;
      }
      requirementLines.set(n, lineNo);
      requirement = {
        id: `${id}/${n}`,
        spec: id,
        name: req[2] ? `Requirement ${n}: ${plainText(req[2])}` : `Requirement ${n}`,
        text: '',
        file,
        line: lineNo,
        links: [],
        locked: false,
      };
      capabilities.push(requirement);
      open = { cap: requirement, parts: [] };
      inCriteria = false;
      position = 0;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      const level = heading[1].length;
      if (level === 1 && title === undefined) title = heading[2];
      if (level <= 3) requirement = undefined;
      // A heading below the criteria's own (`##### Unit tests`) groups them: they go on, numbered on.
      if (inCriteria && requirement !== undefined && level > criteriaLevel) continue;
      inCriteria = requirement !== undefined && CRITERIA.test(heading[2].trim());
      criteriaLevel = level;
      continue;
    }
    if (!requirement) continue;
    const criterion = inCriteria ? CRITERION.exec(line) : null;
    if (criterion) {
      close();
      position++;
      const cap: Capability = {
        id: `${requirement.id}.${position}`,
        spec: id,
        name: `${requirement.id.slice(id.length + 1)}.${position}`,
        text: '',
        file,
        line: lineNo,
        links: [],
        locked: false,
        parent: requirement.id,
      };
      capabilities.push(cap);
      open = { cap, parts: [criterion[2]] };
      addTestLinks(file, criterion[2], lineNo, cap.links, problems);
      continue;
    }
    if (open && line.trim() !== '') {
      // The user story (or an indented line of a criterion) is the capability's text.
      if (open.cap.parent === undefined || /^\s+\S/.test(line)) {
        open.parts.push(line.trim().replace(/^\*\*User Story:?\*\*:?\s*/i, ''));
        addTestLinks(file, line, lineNo, open.cap.links, problems);
      } else {
        close();
      }
    }
  }
  close();
  if (capabilities.length === 0) {
    problems.push({
      code: 'no-requirements',
      line: 1,
      actual: 'spec has no requirements: no `### Requirement 1` heading',
      hint: 'write `### Requirement 1: <title>`, a `**User Story:** …` line, then `#### Acceptance Criteria` with a numbered list (`1. WHEN … THEN the system SHALL …`)',
    });
  }
  const tasks = companion('tasks.md');
  if (tasks !== undefined) checkTasks(path.posix.join(path.posix.dirname(file), 'tasks.md'), normalizeText(tasks), capabilities, problems);
  const name = title && !/^requirements(?: document)?$/i.test(title.trim()) ? title.trim() : id;
  const spec: Spec = { id, format: 'kiro', file, name, targets, capabilities, links: [], uses: [], api: [] };
  const design = companion('design.md');
  if (design !== undefined) spec.context = [{ file: path.posix.join(path.posix.dirname(file), 'design.md'), headings: headingsOf(normalizeText(design)) }];
  return { spec, problems };
}

/** Back-references from tasks to requirements, both ways. */
function checkTasks(tasksFile: string, text: string, capabilities: Capability[], problems: SpecProblem[]): void {
  const ids = new Set(capabilities.map((c) => c.id.slice(c.spec.length + 1)));
  const cited = new Set<string>();
  const sawTask = text.split('\n').some((line) => TASK.test(line));
  const lineStarts = lineStartsOf(text);
  for (const m of text.matchAll(BACK_REFS)) {
    const line = lineAt(lineStarts, m.index);
    for (const cite of citationsIn(m[1])) {
      if (cite === 'all') {
        for (const id of ids) cited.add(id.split('.')[0]);
        continue;
      }
      const missing = cite.refs.filter((ref) => !ids.has(normalRef(ref)));
      if (missing.length === 0) {
        const [from, to] = cite.refs.map((ref) => Number(normalRef(ref).split('.')[0]));
        for (let n = from; n <= (to ?? from); n++) cited.add(String(n));
        continue;
      }
      for (const ref of missing) {
        problems.push({
          kind: 'broken-requirement-ref',
          file: tasksFile,
          line,
          code: 'unknown-requirement',
          subject: ref,
          actual: `a task cites requirement \`${ref}\`, which ${path.posix.basename(path.posix.dirname(tasksFile))}'s requirements.md does not have`,
          hint: `cite an existing requirement or criterion (${[...ids].slice(0, 6).join(', ')}${ids.size > 6 ? ', …' : ''}) as \`_Requirements: 1.1, 2.3_\``,
        });
      }
    }
  }
  if (!sawTask) return;
  for (const cap of capabilities) {
    if (cap.parent !== undefined) continue;
    const n = cap.id.slice(cap.spec.length + 1);
    if (cited.has(n)) continue;
    problems.push({
      kind: 'unplanned-requirement',
      capability: cap.id,
      line: cap.line,
      code: 'no-task',
      actual: `no task in ${tasksFile} cites ${cap.name}`,
      hint: `add a task for it, with \`_Requirements: ${n}.1_\` (or \`${n}\`) under it`,
    });
  }
}

/** One id, a range's two ends, or every requirement. */
type Citation = { refs: [string] | [string, string] } | 'all';

/**
 * What one `_Requirements: …_` list cites, as tasks write it: ids (`1.1, 2`, also
 * `Requirement 4` and `1.1/1.3`), ranges (`1.1–1.9`: both ends must exist, and every
 * requirement from the first to the last is cited), or `All`. A note in parentheses
 * (`13.3 (service path)`) is not part of the id, and prose (`Testing Strategy`,
 * `Property 2`) cites no requirement.
 */
function citationsIn(list: string): Citation[] {
  const out: Citation[] = [];
  // Commas inside a note do not separate citations: `23 (ACs 1, 2), 24`.
  for (const item of list.replace(/\([^)]*\)?/g, ' ').split(/[,;]/)) {
    const text = item.replace(/\brequirements?\b/gi, '').trim();
    if (/^all\b/i.test(text)) out.push('all');
    for (const part of text.split('/')) {
      const ref = part.trim();
      const range = /^(\d+(?:\.\d+)?)\s*[-–—]\s*(\d+(?:\.\d+)?)$/.exec(ref);
      if (range) out.push({ refs: [range[1], range[2]] });
      else if (/^\d+(?:\.\d+)?$/.test(ref)) out.push({ refs: [ref] });
    }
  }
  return out;
}

/** `01.10` as `1.10`: the numbers a heading and a list give. */
const normalRef = (ref: string) => ref.split('.').map((x) => String(Number(x))).join('.');

/** The `##` to `####` headings of a design document (its components and sections), outside code. */
function headingsOf(text: string): { title: string; line: number }[] {
  const fences = new Fences();
  const out: { title: string; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (fences.skip(line)) return;
    const m = /^\s{0,3}#{2,4}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m && m[1]) out.push({ title: m[1], line: i + 1 });
  });
  return out;
}
