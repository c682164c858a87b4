// Reads a Tessl `.spec.md` into the format-neutral model. Both dialects:
// - tile/essay: frontmatter `name`/`description`/`targets`, `## Capabilities`
//   with bold bullets `- **Name** [@test](…)`;
// - framework: `# Title`, `## Target` with `[@generate]`/`[@describe]` links,
//   `### Capability` headings with bullets, a `[@test]` at the end of a bullet
//   or alone after a group, `## Dependencies` with `[@use]`, `{ .locked }`.

import type { ApiBlock, Capability, Spec, Target, TestLink } from '../model/model.js';
import { parseFrontmatter, splitFrontmatter } from './frontmatter.js';
import { attributes, findLinks, parseBlocks, plainText, type Token } from './markdown.js';
import type { SpecProblem } from './problem.js';
import { addTarget, testLink } from './links.js';
import { distance, normalizeText, slugify } from '../util/text.js';
import { timed } from '../util/perf.js';
import { tesslIdOf } from './ids.js';

export interface ReadResult {
  /** Undefined only when nothing usable could be read (e.g. broken frontmatter). */
  spec?: Spec;
  problems: SpecProblem[];
}

const SECTION_TITLES: Record<string, string> = {
  capabilities: 'Capabilities',
  target: 'Target',
  targets: 'Targets',
  api: 'API',
  dependencies: 'Dependencies',
};
const SECTIONS = Object.keys(SECTION_TITLES);

const CAPABILITY_FORMS =
  'add `## Capabilities` with bullets `- **<Name>** [@test](../test/<file>.test.ts)` or `### <Name>` headings';

interface Draft {
  name: string;
  line: number;
  textParts: string[];
  links: TestLink[];
  locked: boolean;
}

/** The spec id a file gets without frontmatter `id`: its name without `.spec.md`. */

function sectionName(heading: string): string {
  return heading
    .replace(/\{[^}]*\}/g, '')
    .trim()
    .toLowerCase();
}

export function readTessl(file: string, source: string): ReadResult {
  const text = normalizeText(source);
  const problems: SpecProblem[] = [];
  const split = splitFrontmatter(text);
  if (split.problem) return { problems: [split.problem] };

  let fields: { name?: string; description?: string; id?: string } = {};
  let idLine = 1;
  const targets: Target[] = [];
  // Frontmatter that does not parse loses its keys, not the capabilities below it.
  let unreadHead = false;
  if (split.yaml !== undefined) {
    const { fm, problems: fmProblems } = timed('  frontmatter', () => parseFrontmatter(split.yaml!, split.yamlLine));
    if (!fm) {
      // It may have held the name and the targets: say nothing of their absence.
      problems.push(...fmProblems);
      unreadHead = true;
    }
    fields = fm?.fields ?? {};
    idLine = fm?.keyLine('id') ?? 1;
    for (const t of fm?.targets ?? []) addTarget(file, t.value, t.line, 'target', targets, problems);
  }

  const body = walkBody(file, timed('  markdown', () => parseBlocks(split.body)), targets, problems);
  const name = fields.name?.trim() || body.title;
  if (!name && !unreadHead) {
    problems.push({
      code: 'no-name',
      line: 1,
      actual: 'spec has no name',
      hint: 'add `name: <Title>` to the frontmatter or a `# <Title>` heading',
    });
  }
  const id = specId(file, fields.id, idLine, problems);
  checkSections(body, targets, problems, unreadHead);
  const capabilities = toCapabilities(id, file, body.drafts, problems);

  return {
    spec: {
      id,
      format: 'tessl',
      file,
      name: name ?? id,
      description: fields.description,
      targets,
      capabilities,
      links: body.specLinks,
      uses: body.uses,
      api: body.api,
    },
    problems,
  };
}

interface Body {
  title?: string;
  drafts: Draft[];
  /** `[@test]` links outside any capability. */
  specLinks: TestLink[];
  uses: { ref: string; line: number }[];
  api: ApiBlock[];
  /** Line of `## Capabilities`, 0 when absent. */
  capabilitiesLine: number;
  /** `##` headings that look like misspelt known sections. */
  typos: { heading: string; line: number; meant: string }[];
}

/**
 * One pass over the Markdown blocks: sections, capabilities (from `###`
 * headings or top-level bullets under `## Capabilities`), links and API fences.
 * Targets from `[@generate]`/`[@describe]` links go into `targets`.
 */
function walkBody(file: string, tokens: Token[], targets: Target[], problems: SpecProblem[]): Body {
  const drafts: Draft[] = [];
  const specLinks: TestLink[] = [];
  const uses: { ref: string; line: number }[] = [];
  const api: ApiBlock[] = [];
  let title: string | undefined;
  let section = '';
  let capabilitiesLine = 0;
  const typos: { heading: string; line: number; meant: string }[] = [];

  // State inside `## Capabilities`.
  let headingCap: Draft | undefined; // the current `###` capability
  let skipping = false; // inside a `### … { .impl }` block
  let listDepth = 0;
  let itemCap: Draft | undefined; // capability of the current top-level bullet
  let itemFresh = false; // the next inline starts a new top-level bullet
  let listCaps: Draft[] = []; // bullet capabilities of the list being read
  let lastListCaps: Draft[] = []; // ... of the list just closed (a group link covers them)

  const handleLinks = (content: string, line: number, owner: Draft[] | undefined) => {
    for (const l of findLinks(content, line)) {
      if (l.kind === 'generate' || l.kind === 'describe') addTarget(file, l.target, l.line, l.kind, targets, problems);
      else if (l.kind === 'use') uses.push({ ref: l.target, line: l.line });
      else {
        const link = testLink(file, l, problems);
        if (!link) continue;
        if (owner && owner.length > 0) for (const d of owner) d.links.push(link);
        else specLinks.push(link);
      }
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const line = (t.map?.[0] ?? 0) + 1;
    if (t.type === 'heading_open') {
      const content = tokens[i + 1]?.content ?? '';
      i += 2;
      if (t.tag === 'h1') {
        title ??= plainText(content);
        continue;
      }
      if (t.tag === 'h2') {
        section = sectionName(content);
        headingCap = undefined;
        skipping = false;
        lastListCaps = [];
        if (section === 'capabilities') capabilitiesLine = line;
        else if (!SECTIONS.includes(section)) {
          // Short names tolerate one edit (`## UI` is not a typo of `## API`), longer ones two.
          const meant = SECTIONS.find((s) => distance(section, s) <= (s.length <= 4 ? 1 : 2));
          if (meant) typos.push({ heading: content.trim(), line, meant });
        }
        handleLinks(content, line, undefined);
        continue;
      }
      if (section === 'capabilities' && t.tag === 'h3') {
        const attrs = attributes(content);
        skipping = attrs.has('impl');
        headingCap = undefined;
        lastListCaps = [];
        if (skipping) continue;
        const name = plainText(content);
        if (name === '') continue;
        headingCap = { name, line, textParts: [], links: [], locked: attrs.has('locked') };
        drafts.push(headingCap);
        handleLinks(content, line, [headingCap]);
        continue;
      }
      handleLinks(content, line, headingCap ? [headingCap] : undefined);
      continue;
    }
    if (t.type === 'fence' || t.type === 'code_block') {
      const info = t.info ?? '';
      if (attributes(info).has('api') || (section === 'api' && t.type === 'fence')) {
        api.push({ lang: info.replace(/\{[^}]*\}/g, '').trim().split(/\s+/)[0] ?? '', code: t.content, line });
      }
      continue;
    }
    if (section !== 'capabilities') {
      if (t.type === 'inline') handleLinks(t.content, line, undefined);
      continue;
    }
    if (skipping) continue;
    // Inside `## Capabilities`.
    if (t.type === 'bullet_list_open' || t.type === 'ordered_list_open') {
      if (listDepth === 0) listCaps = [];
      listDepth++;
    } else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') {
      listDepth--;
      if (listDepth === 0) {
        lastListCaps = listCaps;
        itemCap = undefined;
      }
    } else if (t.type === 'list_item_open' && listDepth === 1) {
      itemFresh = true;
      itemCap = headingCap;
    } else if (t.type === 'list_item_close' && listDepth === 1) {
      itemFresh = false; // an empty bullet has no inline token to consume the flag
    } else if (t.type === 'inline') {
      if (itemFresh && !headingCap) {
        const draft = bulletCapability(t.content, line);
        if (draft) {
          drafts.push(draft);
          listCaps.push(draft);
          itemCap = draft;
        }
        itemFresh = false;
        handleLinks(t.content, line, itemCap ? [itemCap] : undefined);
        continue;
      }
      itemFresh = false;
      const prose = plainText(t.content);
      if (listDepth > 0) {
        if (itemCap && prose) itemCap.textParts.push(prose);
        handleLinks(t.content, line, itemCap ? [itemCap] : undefined);
      } else if (headingCap) {
        if (prose) headingCap.textParts.push(prose);
        handleLinks(t.content, line, [headingCap]);
      } else {
        // A paragraph of links alone right after a list covers that list's
        // capabilities; prose in between ends the group.
        handleLinks(t.content, line, prose === '' ? lastListCaps : undefined);
        if (prose !== '') lastListCaps = [];
      }
    }
  }

  return { title, drafts, specLinks, uses, api, capabilitiesLine, typos };
}

/** Problems of structure: no capabilities, no targets, misspelt section headings. */
function checkSections(body: Body, targets: Target[], problems: SpecProblem[], unreadHead: boolean): void {
  if (body.drafts.length === 0) {
    const typo = body.typos.find((t) => t.meant === 'capabilities');
    problems.push({
      code: 'no-capabilities',
      line: typo?.line ?? (body.capabilitiesLine || 1),
      actual: typo
        ? `spec has no capabilities: \`## ${typo.heading}\` is not a known section (did you mean \`## Capabilities\`?)`
        : body.capabilitiesLine
          ? 'spec has no capabilities: `## Capabilities` holds no bullet or `###` heading'
          : 'spec has no capabilities: no `## Capabilities` section',
      hint: CAPABILITY_FORMS,
    });
  }
  // Only a spec that names no target at all is told to add one; a bad target has its own error.
  if (targets.length === 0 && !targetsWritten(problems) && !unreadHead) {
    const typo = body.typos.find((t) => t.meant === 'target' || t.meant === 'targets');
    problems.push({
      code: 'no-targets',
      line: typo?.line ?? 1,
      actual: typo
        ? `spec has no targets: \`## ${typo.heading}\` is not a known section (did you mean \`## Target\`?)`
        : 'spec has no targets, so it governs no code',
      hint: 'add `targets:` / `  - ../src/<file>.ts` to the frontmatter, or a `## Target` section with `[@generate](../src/<file>.ts)`',
    });
  }
  for (const t of body.typos) {
    if (t.meant === 'capabilities' && body.drafts.length === 0) continue;
    if ((t.meant === 'target' || t.meant === 'targets') && targets.length === 0) continue;
    problems.push({
      code: 'unknown-section',
      subject: t.heading,
      line: t.line,
      actual: `\`## ${t.heading}\` is not a known section`,
      hint: `did you mean \`## ${SECTION_TITLES[t.meant]}\`? Known sections: ## Capabilities, ## Target, ## API, ## Dependencies`,
    });
  }

}

/** The frontmatter `id`, when valid, else the file name without `.spec.md`. */
function specId(file: string, written: string | undefined, line: number, problems: SpecProblem[]): string {
  if (written === undefined) return tesslIdOf(file);
  if (/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u.test(written)) return written;
  problems.push({
    code: 'invalid-id',
    subject: written,
    line,
    actual: `spec id \`${written}\` is not a valid id`,
    hint: 'use letters, digits, `.`, `_` and `-`, e.g. `id: payments`',
  });
  return tesslIdOf(file);
}

/** Drafts become capabilities with ids; a name without letters or a repeated id is a problem. */
function toCapabilities(id: string, file: string, drafts: Draft[], problems: SpecProblem[]): Capability[] {
  const capabilities: Capability[] = [];
  const seen = new Map<string, Capability>();
  for (const d of drafts) {
    const slug = slugify(d.name);
    if (slug === '') {
      problems.push({
        code: 'unnamed-capability',
        subject: d.name,
        line: d.line,
        actual: `capability \`${d.name}\` has no letters or digits to make an id from`,
        hint: 'name it in words: `- **Create Link** …` or `### Create Link`',
      });
      continue;
    }
    const cap: Capability = {
      id: `${id}/${slug}`,
      spec: id,
      name: d.name,
      text: d.textParts.join(' '),
      file,
      line: d.line,
      links: d.links,
      locked: d.locked,
    };
    const prior = seen.get(cap.id);
    if (prior) {
      problems.push({
        line: d.line,
        capability: cap.id,
        code: 'duplicate-capability',
        actual: `capability id \`${cap.id}\` is declared twice: ${file}:${prior.line} and ${file}:${d.line}`,
        hint: 'give each capability a distinct name',
      });
      continue;
    }
    seen.set(cap.id, cap);
    capabilities.push(cap);
  }

  return capabilities;
}

/** A top-level bullet under `## Capabilities` without `###` headings is one capability. */
function bulletCapability(content: string, line: number): Draft | undefined {
  const firstLine = content.split('\n', 1)[0];
  const attrs = attributes(firstLine);
  const bold = /^\s*(?:\*\*(.+?)\*\*|__(.+?)__)/.exec(content);
  let name: string;
  let rest: string;
  if (bold) {
    name = plainText(bold[1] ?? bold[2]);
    rest = content.slice(bold[0].length);
  } else {
    name = plainText(firstLine).replace(/[.:;,]+$/, '');
    rest = content.slice(firstLine.length);
  }
  if (name === '') return undefined;
  const text = plainText(rest).replace(/^[-–—:]\s*/, '');
  return { name, line, textParts: text ? [text] : [], links: [], locked: attrs.has('locked') };
}

function targetsWritten(problems: SpecProblem[]): boolean {
  return problems.some((p) => p.target);
}
