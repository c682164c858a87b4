// The GitHub Spec Kit reader: FR/SC requirements as capabilities, open
// clarifications, malformed files, and targets from sdna.config.

import { describe, expect, it } from 'vitest';
import { formatOf } from '../src/formats/readers.js';
import { readSpecKit } from '../src/formats/speckit.js';
import { sdna, tempProject, write, words } from './helpers.js';

const FILE = 'specs/012-offline-drafts/spec.md';

const SPEC = `# Feature Specification: Offline drafts

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST store unsent edits on the device [@test](../../test/store.test.ts)
- **FR-002**: System MUST sync stored edits within [NEEDS CLARIFICATION: acceptable delay?]
- **FR-003**: System MUST keep the newest edit
  when two devices changed the same paragraph [@test](<../../test/sync.test.ts#keeps the newest>)

## Success Criteria *(mandatory)*

- **SC-001**: 99% of offline edits reach the server within one minute
`;

describe('formatOf', () => {
  it('tells formats apart by where a file lives', () => {
    expect(formatOf('specs/012-offline-drafts/spec.md')).toBe('speckit');
    expect(formatOf('packages/app/specs/20260914-101500-drafts/spec.md')).toBe('speckit');
    expect(formatOf('specs/links.spec.md')).toBe('tessl');
    expect(formatOf('specs/notes/spec.md')).toBeUndefined(); // no NNN- prefix: not a Spec Kit feature
    expect(formatOf('openspec/specs/auth/spec.md')).toBe('openspec');
  });
});

describe('readSpecKit', () => {
  it('reads FR and SC requirements with ids under the feature folder, their text and links', () => {
    const { spec, problems } = readSpecKit(FILE, SPEC);
    expect(spec).toMatchObject({ id: '012-offline-drafts', format: 'speckit', name: 'Offline drafts', targets: [] });
    expect(spec!.capabilities.map((c) => [c.id, c.name, c.line, c.text, c.links.map((l) => `${l.file}#${l.fragment ?? ''}`)])).toEqual([
      ['012-offline-drafts/FR-001', 'FR-001', 7, 'System MUST store unsent edits on the device', ['test/store.test.ts#']],
      ['012-offline-drafts/FR-002', 'FR-002', 8, 'System MUST sync stored edits within [NEEDS CLARIFICATION: acceptable delay?]', []],
      ['012-offline-drafts/FR-003', 'FR-003', 9, 'System MUST keep the newest edit when two devices changed the same paragraph', ['test/sync.test.ts#keeps the newest']],
      ['012-offline-drafts/SC-001', 'SC-001', 14, '99% of offline edits reach the server within one minute', []],
    ]);
    expect(words(problems)).toEqual([
      {
        kind: 'needs-clarification',
        line: 8,
        capability: '012-offline-drafts/FR-002',
        actual: 'open question left in the spec: [NEEDS CLARIFICATION: acceptable delay?]',
        hint: 'decide it (Spec Kit: `/speckit.clarify`) and write the answer in place of the marker',
      },
    ]);
  });

  it('reads CRLF, a BOM and tabs the same way', () => {
    const plain = readSpecKit(FILE, SPEC).spec!.capabilities.map((c) => [c.id, c.line, c.text]);
    const crlf = readSpecKit(FILE, '\ufeff' + SPEC.replace(/\n/g, '\r\n').replace('  when two', '\twhen two'));
    expect(crlf.spec!.capabilities.map((c) => [c.id, c.line, c.text])).toEqual(plain);
  });

  it('skips fenced code and HTML comments (template guidance)', () => {
    const text = '# Feature Specification: X\n\n```md\n- **FR-001**: an example\n```\n<!--\n- **FR-002**: guidance\n-->\n- **FR-003**: System MUST work <!-- note -->\n';
    expect(readSpecKit(FILE, text).spec!.capabilities.map((c) => [c.id, c.line, c.text])).toEqual([['012-offline-drafts/FR-003', 9, 'System MUST work']]);
  });

  it('a duplicate FR-001 is a problem naming both lines; the first stays', () => {
    const { spec, problems } = readSpecKit(FILE, '- **FR-001**: one\n- **FR-001**: two\n');
    expect(spec!.capabilities.map((c) => c.text)).toEqual(['one']);
    expect(words(problems)).toEqual([
      {
        line: 2,
        capability: '012-offline-drafts/FR-001',
        actual: `\`FR-001\` is declared twice: ${FILE}:1 and ${FILE}:2`,
        hint: 'give each requirement its own number (the next free one after the last `FR-`)',
      },
    ]);
  });

  it('an empty file, or one without requirements, is one problem with the right form', () => {
    for (const text of ['', '# Feature Specification: X\n\n## Requirements\n\nTo be written.\n']) {
      const { spec, problems } = readSpecKit(FILE, text);
      expect(spec!.capabilities).toEqual([]);
      expect(words(problems)).toEqual([
        {
          line: 1,
          actual: 'spec has no requirements: no `- **FR-001**: …` or `- **SC-001**: …` line',
          hint: 'list them under `## Requirements` as `- **FR-001**: System MUST …` (and success criteria as `- **SC-001**: …`)',
        },
      ]);
    }
  });

  // Speed is measured by `npm run bench:plan`; here only that 10,000 read at all, within the time-out.
  it('reads 10,000 requirements', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `- **FR-${String(i + 1).padStart(5, '0')}**: System MUST do thing ${i + 1}`).join('\n');
    const { spec, problems } = readSpecKit(FILE, text);
    expect(spec!.capabilities).toHaveLength(10_000);
    expect(words(problems)).toEqual([]);
  });
});

describe.concurrent('Spec Kit in sdna plan', () => {
  function project(config?: unknown): string {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "drafts" }\n');
    write(root, FILE, SPEC);
    write(root, 'src/drafts/store.ts', 'export const x = 1;\n');
    write(root, 'test/store.test.ts', "import { it } from 'vitest';\nit('stores', () => {});\n");
    write(root, 'test/sync.test.ts', "import { it } from 'vitest';\nit('keeps the newest', () => {});\n");
    if (config) write(root, 'sdna.config.json', JSON.stringify(config));
    return root;
  }

  it('is read with zero config; without targets its code is unspecified', async () => {
    const root = project();
    const r = await sdna(['plan', '--root', root, '--json'], { root });
    const plan = JSON.parse(r.stdout);
    expect(plan.specs).toEqual([{ id: '012-offline-drafts', format: 'speckit', file: FILE, name: 'Offline drafts' }]);
    expect(plan.findings.map((f: { kind: string; capability?: string; file?: string }) => [f.kind, f.capability ?? f.file])).toEqual([
      ['needs-clarification', '012-offline-drafts/FR-002'],
      ['untested-capability', '012-offline-drafts/FR-002'],
      ['untested-capability', '012-offline-drafts/SC-001'],
      ['unspecified-code', 'src/drafts/store.ts'],
    ]);
  });

  it('sdna.config gives it targets; one that matches nothing is stale', async () => {
    const root = project({ specs: ['**/specs/*/spec.md', { path: 'specs/012-*/spec.md', targets: ['src/drafts/*.ts', 'src/legacy/*.ts'] }] });
    const r = await sdna(['plan', '--root', root, '--json'], { root });
    const plan = JSON.parse(r.stdout);
    expect(plan.findings.filter((f: { kind: string }) => f.kind !== 'untested-capability').map((f: { kind: string; message: string }) => [f.kind, f.message])).toEqual([
      ['stale-target', 'no file matches target `src/legacy/*.ts` (src/legacy/*.ts); remove the target, or restore the code it named'],
      ['needs-clarification', expect.stringContaining('acceptable delay?')],
    ]);
  });

  it('a config target outside the root stops sdna with exit 2', async () => {
    const root = project({ specs: [{ path: 'specs/**', targets: ['../elsewhere/**'] }] });
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'sdna: invalid config in sdna.config.json: target "../elsewhere/**" of specs entry "specs/**" is outside the project root (write globs relative to the root, such as "src/auth/**")\n',
    );
  });
});

describe('Spec Kit numbering and tasks', () => {
  // Spec Kit's own commands say nothing of gaps, and in real specs every gap was a requirement dropped on purpose.
  it('a gap in FR or SC numbers is no problem', () => {
    const { problems } = readSpecKit(FILE, '- **FR-001**: a\n- **FR-004**: b\n- **SC-001**: c\n- **SC-003**: d\n');
    expect(words(problems)).toEqual([]);
  });

  it('reads sub-numbered requirements (FR-009.1) as capabilities of their own', () => {
    const { spec, problems } = readSpecKit(FILE, '- **FR-009**: a\n- **FR-009.1**: a, first part\n- **FR-009.2**: a, second part\n');
    expect(words(problems)).toEqual([]);
    expect(spec!.capabilities.map((c) => [c.name, c.text])).toEqual([
      ['FR-009', 'a'],
      ['FR-009.1', 'a, first part'],
      ['FR-009.2', 'a, second part'],
    ]);
  });

  it('a task marked with a user story the spec does not have is broken-requirement-ref in tasks.md', () => {
    const spec = '### User Story 1 - Keep typing offline (Priority: P1)\n\n- **FR-001**: System MUST store edits\n';
    const tasks = '# Tasks\n\n- [ ] T001 Create src/drafts/\n- [ ] T002 [P] [US1] Add store\n- [ ] T003 [US2] Sync edits\n';
    const { problems } = readSpecKit(FILE, spec, (name) => (name === 'tasks.md' ? tasks : undefined));
    expect(words(problems)).toEqual([
      {
        kind: 'broken-requirement-ref',
        file: 'specs/012-offline-drafts/tasks.md',
        line: 5,
        actual: 'task T003 is marked [US2], but the spec has no User Story 2',
        hint: 'mark it with an existing story ([US1]), or add `### User Story 2 - …` to spec.md',
      },
    ]);
  });
});
