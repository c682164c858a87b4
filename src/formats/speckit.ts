// Reads a GitHub Spec Kit feature spec (`specs/NNN-<feature>/spec.md`) into the
// format-neutral model: each `- **FR-001**: …` functional requirement and each
// `- **SC-001**: …` success criterion is a capability with id
// `<NNN-feature>/FR-001` (ids restart per feature, so the folder is part of it).
// Spec Kit has no targets or test links of its own: they come from a frontmatter
// `targets:` list, `[@test](…)` links written in a requirement's text, tests that
// claim the id (`meta.capabilities`), or a mapping in sdna.config.
// `[NEEDS CLARIFICATION: …]` left in the text is a `needs-clarification` finding.

import path from 'node:path';
import type { Capability, Spec } from '../model/model.js';
import { plainText } from './markdown.js';
import { normalizeText } from '../util/text.js';
import { addTestLinks, readHead } from './plain.js';
import { Fences, speckitIdOf } from './ids.js';
import type { SpecProblem } from './problem.js';
import type { ReadResult } from './tessl.js';

// `FR-009.1`: a requirement split into numbered sub-requirements.
// `- ~~**FR-005**: …~~`: struck through as a whole, a removed requirement.
const REQUIREMENT = /^\s*[-*]\s+(~~)?\*\*((?:FR|SC)-\d{3,}[a-z]?(?:\.\d+)*)\*\*\s*:?\s*(.*)$/;
const STORY = /^###\s+User Story\s+(\d+)\b/i;
const TASK = /^\s*-\s*\[([ xX])\]\s+(T\d{3,})\s+(\[P\]\s+)?(?:\[US(\d+)\]\s+)?(.*)$/;
const CLARIFICATION = /\[NEEDS CLARIFICATION:?\s*([^\]]*)\]/g;

/** The feature folder: `specs/012-offline-drafts/spec.md` → `012-offline-drafts`. */

/** `companion(name)` reads a file beside spec.md (`tasks.md`), or undefined. */
export function readSpecKit(file: string, source: string, companion: (name: string) => string | undefined = () => undefined): ReadResult {
  const problems: SpecProblem[] = [];
  const head = readHead(file, source, problems);
  if (!head) return { problems };
  const { lines, targets } = head;
  const id = speckitIdOf(file);
  let title: string | undefined;
  const capabilities: Capability[] = [];
  const seen = new Map<string, number>();
  const stories = new Set<number>();
  let current: { cap: Capability; parts: string[] } | undefined;
  const fences = new Fences();
  let comment = false;
  const close = () => {
    if (!current) return;
    current.cap.text = plainText(current.parts.join(' '));
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    if (fences.skip(line)) {
      close();
      continue;
    }
    // Template guidance sits in HTML comments: not part of the spec.
    if (comment || line.includes('<!--')) {
      const [kept, still] = stripComments(line, comment);
      line = kept;
      comment = still;
    }
    readLine(line, lineNo);
    // After the line is read, so that a question belongs to the requirement it is written in.
    for (const m of line.matchAll(CLARIFICATION)) {
      problems.push({
        kind: 'needs-clarification',
        line: lineNo,
        capability: current?.cap.id,
        code: 'needs-clarification',
        subject: m[1].trim(),
        actual: `open question left in the spec: [NEEDS CLARIFICATION: ${m[1].trim()}]`,
        hint: 'decide it (Spec Kit: `/speckit.clarify`) and write the answer in place of the marker',
      });
    }
  }
  function readLine(line: string, lineNo: number): void {
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      close();
      const story = STORY.exec(line.trim());
      if (story) stories.add(Number(story[1]));
      if (heading[1].length === 1 && title === undefined) title = heading[2].replace(/^Feature Specification:\s*/i, '').trim();
      return;
    }
    const req = REQUIREMENT.exec(line);
    if (req) {
      close();
      const reqId = req[2];
      const capId = `${id}/${reqId}`;
      const prior = seen.get(reqId);
      if (prior !== undefined) {
        problems.push({
          line: lineNo,
          capability: capId,
          code: 'duplicate-requirement',
          subject: reqId,
          actual: `\`${reqId}\` is declared twice: ${file}:${prior} and ${file}:${lineNo}`,
          hint: `give each requirement its own number (the next free one after the last \`${reqId.slice(0, 2)}-\`)`,
        });
        return;
      }
      seen.set(reqId, lineNo);
      const cap: Capability = { id: capId, spec: id, name: reqId, text: '', file, line: lineNo, links: [], locked: false };
      capabilities.push(cap);
      current = { cap, parts: [`${req[1] ?? ''}${req[3]}`] };
      addTestLinks(file, req[3], lineNo, cap.links, problems);
      return;
    }
    // An indented line continues the requirement above; anything else ends it.
    if (current && /^(?:\t|\s{2,})\s*\S/.test(line) && !/^\s*[-*]\s+\*\*/.test(line)) {
      current.parts.push(line.trim());
      addTestLinks(file, line, lineNo, current.cap.links, problems);
    } else if (line.trim() !== '') {
      close();
    }
  }
  close();
  const tasks = companion('tasks.md');
  if (tasks !== undefined && stories.size > 0) checkTasks(path.posix.join(path.posix.dirname(file), 'tasks.md'), normalizeText(tasks), stories, problems);
  if (capabilities.length === 0) {
    problems.push({
      code: 'no-requirements',
      line: 1,
      actual: 'spec has no requirements: no `- **FR-001**: …` or `- **SC-001**: …` line',
      hint: 'list them under `## Requirements` as `- **FR-001**: System MUST …` (and success criteria as `- **SC-001**: …`)',
    });
  }
  const spec: Spec = {
    id,
    format: 'speckit',
    file,
    name: title || id,
    targets,
    capabilities,
    links: [],
    uses: [],
    api: [],
  };
  return { spec, problems };
}

/** `[USn]` on a task in tasks.md must name a user story of the spec. */
function checkTasks(tasksFile: string, text: string, stories: Set<number>, problems: SpecProblem[]): void {
  text.split('\n').forEach((line, i) => {
    const m = TASK.exec(line);
    if (!m || m[4] === undefined || stories.has(Number(m[4]))) return;
    problems.push({
      kind: 'broken-requirement-ref',
      file: tasksFile,
      line: i + 1,
      code: 'unknown-story',
      subject: `${m[2]} US${m[4]}`,
      actual: `task ${m[2]} is marked [US${m[4]}], but the spec has no User Story ${m[4]}`,
      hint: `mark it with an existing story (${[...stories].sort((a, b) => a - b).map((n) => `[US${n}]`).join(', ')}), or add \`### User Story ${m[4]} - …\` to spec.md`,
    });
  });
}

/** The line without `<!-- … -->` parts, and whether a comment is still open at its end. */
function stripComments(line: string, open: boolean): [string, boolean] {
  let out = '';
  let rest = line;
  let inside = open;
  for (;;) {
    if (inside) {
      const end = rest.indexOf('-->');
      if (end === -1) return [out, true];
      rest = rest.slice(end + 3);
      inside = false;
    } else {
      const start = rest.indexOf('<!--');
      if (start === -1) return [out + rest, false];
      out += rest.slice(0, start);
      rest = rest.slice(start + 4);
      inside = true;
    }
  }
}
