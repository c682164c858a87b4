// Reads an OpenSpec main spec (`openspec/specs/<capability>/spec.md`) into the
// format-neutral model: each requirement under `## Requirements` is a capability
// `<capability>/<slug of its name>`, and each of its `#### Scenario:` blocks a
// part `<capability>/<requirement>/<scenario>`: a requirement is proven only
// when each scenario is. OpenSpec's own `validate --strict` rules are findings:
// its errors are `spec-error`, its warnings `spec-warning`. Pending changes
// (`openspec/changes/**`) are not read: a delta is not current truth.

import type { Capability, Spec } from '../model/model.js';
import { plainText } from './markdown.js';
import { addTestLinks, readHead } from './plain.js';
import { Fences, openspecIdOf } from './ids.js';
import type { SpecProblem } from './problem.js';
import { slugify } from '../util/text.js';
import type { ReadResult } from './tessl.js';

const HEADING = /^(#{1,6})\s+(.+)$/;
const DELTA_HEADER = /^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$/i;
const REQUIREMENT_HEADER = /^###\s+Requirement:\s*(.+)\s*$/i;
const METADATA_LINE = /^\*\*[^*]+\*\*:/;
const MIN_PURPOSE = 50;

const SECTIONS_FORM =
  'a main spec has `## Purpose` (what the capability is for) and `## Requirements` with `### Requirement: <name>` blocks, each with a `#### Scenario: <name>`';

/** `openspec/specs/auth/session/spec.md` → `auth/session`. */

interface Heading {
  level: number;
  title: string;
  /** Index into the lines. */
  at: number;
}

export function readOpenSpec(file: string, source: string): ReadResult {
  const problems: SpecProblem[] = [];
  const head = readHead(file, source, problems);
  if (!head) return { problems };
  const { lines, targets } = head;
  const fences = new Fences();
  const fenced = lines.map((l) => fences.skip(l));
  const headings: Heading[] = [];
  lines.forEach((l, at) => {
    const m = fenced[at] ? null : HEADING.exec(l);
    if (m) headings.push({ level: m[1].length, title: m[2].trim(), at });
  });
  const id = openspecIdOf(file);
  const title = headings.find((h) => h.level === 1)?.title.replace(/\s+Specification$/i, '');
  const spec: Spec = { id, format: 'openspec', file, name: title || id, targets, capabilities: [], links: [], uses: [], api: [] };
  const error = (code: string, subject: string | undefined, line: number, actual: string, hint: string) =>
    problems.push({ code, ...(subject !== undefined && { subject }), line, actual, hint });
  const warn = (code: string, subject: string | undefined, line: number, actual: string, hint: string) =>
    problems.push({ kind: 'spec-warning', code, ...(subject !== undefined && { subject }), line, actual, hint });

  checkStructure(lines, fenced, problems);
  // A section: its heading and the lines up to the next heading at its level or
  // above; its children are the sections directly inside it. One pass with a stack.
  const ends = new Map<Heading, number>();
  const kids = new Map<Heading, Heading[]>();
  const stack: Heading[] = [];
  for (const h of headings) {
    while (stack.length && stack[stack.length - 1].level >= h.level) ends.set(stack.pop()!, h.at);
    const parent = stack[stack.length - 1];
    if (parent) {
      const list = kids.get(parent);
      if (list) list.push(h);
      else kids.set(parent, [h]);
    }
    stack.push(h);
  }
  const end = (h: Heading) => ends.get(h) ?? lines.length;
  const body = (h: Heading) => lines.slice(h.at + 1, end(h));
  const find = (name: string) => headings.find((h) => h.title.toLowerCase() === name);
  const purpose = find('purpose');
  const requirements = find('requirements');
  const purposeText = purpose ? body(purpose).join('\n').trim() : '';
  if (!purposeText) error('no-purpose', undefined, purpose ? purpose.at + 1 : 1, 'spec has no `## Purpose` section, or it is empty', SECTIONS_FORM);
  if (!requirements) error('no-requirements-section', undefined, 1, 'spec has no `## Requirements` section', SECTIONS_FORM);
  // A missing Purpose is an error, but the requirements are still read: they are the promises.
  if (!requirements) return { spec, problems };

  if (!purposeText) {
    // Reported above; there is nothing to judge.
  } else if (/^(?:TBD|TODO)(?![\p{L}\p{N}\p{M}_])/u.test(purposeText) || purposeText.includes('TBD - created by archiving change ')) {
    warn('placeholder-purpose', undefined, purpose!.at + 1, 'the Purpose section is still a placeholder', 'write what this capability is for in `## Purpose`');
  } else if (purposeText.length < MIN_PURPOSE) {
    warn('brief-purpose', undefined, purpose!.at + 1, `the Purpose section is too brief (${purposeText.length} characters, fewer than ${MIN_PURPOSE})`, 'say in a sentence or two what this capability is for and why');
  }

  const children = (parent: Heading) => kids.get(parent) ?? [];
  const reqs = children(requirements);
  if (reqs.length === 0) error('no-requirements', undefined, requirements.at + 1, 'spec has no requirements: `## Requirements` holds no `### Requirement:` block', SECTIONS_FORM);
  const seen = new Set<string>();
  for (const req of reqs) {
    const stray = /^Scenario:\s*(.*)$/i.exec(req.title);
    if (stray) {
      error('stray-scenario', stray[1].trim(), req.at + 1, `scenario "${stray[1].trim()}" is not inside a requirement`, 'put it under the `### Requirement:` block whose behaviour it shows');
      continue;
    }
    const name = (REQUIREMENT_HEADER.exec(lines[req.at])?.[1] ?? req.title).replace(/[ \t]+#+$/, '').trim();
    const own = requirementBody(lines, fenced, req.at + 1);
    const cap: Capability = {
      id: `${id}/${slugify(name)}`,
      spec: id,
      name,
      text: plainText(own || name),
      file,
      line: req.at + 1,
      links: [],
      locked: false,
    };
    for (let i = req.at + 1; i < (children(req)[0]?.at ?? end(req)); i++) if (!fenced[i]) addTestLinks(file, lines[i], i + 1, cap.links, problems);
    if (seen.has(cap.id)) continue; // a duplicate name is a structure error already
    seen.add(cap.id);
    spec.capabilities.push(cap);
    if (REQUIREMENT_HEADER.test(lines[req.at])) {
      if (!own) error('empty-requirement', name, req.at + 1, `requirement "${name}" has no text under its header`, 'write what the system SHALL or MUST do on the lines below `### Requirement:`');
      else if (!/\b(SHALL|MUST)\b/.test(own)) warn('no-shall', name, req.at + 1, `requirement "${name}" says neither SHALL nor MUST`, 'state the requirement with SHALL or MUST (RFC 2119), e.g. "The portal SHALL …"');
    }
    const scenarios = children(req).filter((s) => body(s).join('\n').trim().length > 0);
    if (scenarios.length === 0) {
      error('no-scenario', name, req.at + 1, `requirement "${name}" has no scenario (a \`####\` heading with text under it)`, 'add `#### Scenario: <name>` with `- **WHEN** …` / `- **THEN** …` lines under it');
    }
    for (const s of scenarios) {
      const scenarioName = s.title.replace(/^Scenario:\s*/i, '').trim();
      const part: Capability = {
        id: `${cap.id}/${slugify(scenarioName)}`,
        spec: id,
        name: scenarioName,
        text: plainText(body(s).join(' ')),
        file,
        line: s.at + 1,
        links: [],
        locked: false,
        parent: cap.id,
      };
      for (let i = s.at + 1; i < end(s); i++) if (!fenced[i]) addTestLinks(file, lines[i], i + 1, part.links, problems);
      if (seen.has(part.id)) continue;
      seen.add(part.id);
      spec.capabilities.push(part);
    }
  }
  return { spec, problems };
}

/** A requirement's own text: its lines up to the first heading, without blank lines or `**Meta**:` lines (unless that is all). */
function requirementBody(lines: string[], fenced: boolean[], from: number): string {
  const captured: string[] = [];
  const metadata: string[] = [];
  for (let i = from; i < lines.length; i++) {
    if (fenced[i]) continue;
    if (/^#{1,6}\s/.test(lines[i])) break;
    const t = lines[i].trim();
    if (!t) continue;
    (METADATA_LINE.test(t) ? metadata : captured).push(t);
  }
  return (captured.length ? captured : metadata).join('\n');
}

/** Delta headers in a main spec, requirement headers outside `## Requirements`, duplicate requirement names. */
function checkStructure(lines: string[], fenced: boolean[], problems: SpecProblem[]): void {
  const start = lines.findIndex((l, i) => !fenced[i] && /^##\s+Requirements\s*$/i.test(l));
  let stop = lines.length;
  if (start !== -1) for (let i = start + 1; i < lines.length; i++) if (!fenced[i] && /^##\s+/.test(lines[i])) {
    stop = i;
    break;
  }
  const names = new Map<string, number>();
  lines.forEach((line, i) => {
    if (fenced[i] || !line.trim()) return;
    if (DELTA_HEADER.test(line)) {
      problems.push({
        line: i + 1,
        code: 'delta-header',
        subject: line.trim(),
        actual: `a main spec holds the delta header "${line.trim()}"`,
        hint: 'delta headers belong in openspec/changes/<change>/specs/<capability>/spec.md; here, list requirements under `## Requirements`',
      });
      return;
    }
    const m = REQUIREMENT_HEADER.exec(line);
    if (!m) return;
    if (start === -1 || i <= start || i >= stop) {
      problems.push({ code: 'outside-requirements', subject: line.trim(), line: i + 1, actual: `"${line.trim()}" is outside the \`## Requirements\` section, so OpenSpec does not see it`, hint: 'move it under `## Requirements`' });
      return;
    }
    const name = m[1].replace(/[ \t]+#+$/, '').trim();
    const prior = names.get(name);
    if (prior !== undefined) {
      problems.push({ code: 'duplicate-requirement', subject: name, line: i + 1, actual: `requirement "${name}" is declared twice: lines ${prior} and ${i + 1}`, hint: 'give each requirement a unique name' });
    } else {
      names.set(name, i + 1);
    }
  });
}
