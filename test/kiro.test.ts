// The AWS Kiro reader: requirements and their acceptance criteria as
// capabilities (criteria as parts), tasks.md back-references, malformed files.

import { describe, expect, it } from 'vitest';
import { formatOf } from '../src/formats/readers.js';
import { readKiro } from '../src/formats/kiro.js';
import { textHash } from '../src/formats/ids.js';
import { words } from './helpers.js';

const FILE = '.kiro/specs/session-expiry/requirements.md';

const SPEC = `# Requirements Document

## Introduction

1. This numbered list is not a requirement.

## Requirements

### Requirement 1: Session expiry

**User Story:** As a signed-in reader, I want idle sessions to end, so that a shared laptop stays safe.

#### Acceptance Criteria

1. WHEN a session is idle for 30 minutes THEN the Portal SHALL sign the reader out [@test](../../../test/expiry.test.ts)
2. IF the reader has unsaved notes
   THEN the Portal SHALL keep them as a draft

### Requirement 2

**User Story:** As a reader, I want to stay signed in.
`;

describe('readKiro', () => {
  it('is chosen for .kiro/specs/<feature>/requirements.md', () => {
    expect(formatOf(FILE)).toBe('kiro');
    expect(formatOf('.kiro/specs/session-expiry/tasks.md')).toBeUndefined();
    expect(formatOf('.kiro/steering/product.md')).toBeUndefined();
  });

  it('reads requirements (with their user story) and their criteria as parts, numbered by position', () => {
    const { spec, problems } = readKiro(FILE, SPEC);
    expect(words(problems)).toEqual([]);
    expect(spec).toMatchObject({ id: 'session-expiry', format: 'kiro', name: 'session-expiry' });
    expect(spec!.capabilities.map((c) => [c.id, c.name, c.line, c.parent, c.text, c.links.map((l) => l.file)])).toEqual([
      ['session-expiry/1', 'Requirement 1: Session expiry', 9, undefined, 'As a signed-in reader, I want idle sessions to end, so that a shared laptop stays safe.', []],
      ['session-expiry/1.1', '1.1', 15, 'session-expiry/1', 'WHEN a session is idle for 30 minutes THEN the Portal SHALL sign the reader out', ['test/expiry.test.ts']],
      ['session-expiry/1.2', '1.2', 16, 'session-expiry/1', 'IF the reader has unsaved notes THEN the Portal SHALL keep them as a draft', []],
      ['session-expiry/2', 'Requirement 2', 19, undefined, 'As a reader, I want to stay signed in.', []],
    ]);
    // The hash of a criterion's text recognises it after renumbering; requirements have real numbers.
    expect(spec!.capabilities[2].textHash).toBe(textHash('IF the reader has unsaved notes THEN the Portal SHALL keep them as a draft'));
    expect(spec!.capabilities[0].textHash).toBeUndefined();
  });

  it('checks tasks.md: a reference to a missing requirement, and a requirement no task cites', () => {
    const tasks = '# Implementation Plan\n\n- [ ] 1. Add idle timer\n  - [ ] 1.1 Expire sessions\n    - _Requirements: 1.1, 1.2, 3.1_\n- [ ] 2. Tidy\n  - _Requirements: Requirement 4_\n';
    const { problems } = readKiro(FILE, SPEC, (name) => (name === 'tasks.md' ? tasks : undefined));
    expect(words(problems)).toEqual([
      {
        kind: 'broken-requirement-ref',
        file: '.kiro/specs/session-expiry/tasks.md',
        line: 5,
        actual: "a task cites requirement `3.1`, which session-expiry's requirements.md does not have",
        hint: 'cite an existing requirement or criterion (1, 1.1, 1.2, 2) as `_Requirements: 1.1, 2.3_`',
      },
      {
        kind: 'broken-requirement-ref',
        file: '.kiro/specs/session-expiry/tasks.md',
        line: 7,
        actual: "a task cites requirement `4`, which session-expiry's requirements.md does not have",
        hint: 'cite an existing requirement or criterion (1, 1.1, 1.2, 2) as `_Requirements: 1.1, 2.3_`',
      },
      {
        kind: 'unplanned-requirement',
        capability: 'session-expiry/2',
        line: 19,
        actual: 'no task in .kiro/specs/session-expiry/tasks.md cites Requirement 2',
        hint: 'add a task for it, with `_Requirements: 2.1_` (or `2`) under it',
      },
    ]);
  });

  it('reads citations as tasks write them: ranges, `All`, notes in parentheses, `/` lists; prose cites nothing', () => {
    // Forms seen in a real repository's tasks.md files, where each was reported as a broken reference.
    const cites = (list: string) => {
      const tasks = `# Implementation Plan\n\n- [ ] 1. Build it\n  - _Requirements: ${list}_\n`;
      return words(readKiro(FILE, SPEC, (name) => (name === 'tasks.md' ? tasks : undefined)).problems).map((p) => p.actual);
    };
    const unplanned = (n: number) => `no task in .kiro/specs/session-expiry/tasks.md cites Requirement ${n}`;
    const broken = (ref: string) => `a task cites requirement \`${ref}\`, which session-expiry's requirements.md does not have`;
    expect(cites('1.1–1.2, 2')).toEqual([]);
    expect(cites('1.1-1.2')).toEqual([unplanned(2)]);
    // A range cites every requirement from its first to its last.
    expect(cites('1–2')).toEqual([]);
    expect(cites('1.1–1.3')).toEqual([broken('1.3'), unplanned(1).replace('1', '1: Session expiry'), unplanned(2)]);
    expect(cites('All')).toEqual([]);
    expect(cites('All requirements')).toEqual([]);
    expect(cites('1.2 (draft path), 2 (ACs 1, 2)')).toEqual([]);
    expect(cites('1.1/1.2 (Property 14)')).toEqual([unplanned(2)]);
    expect(cites('Testing Strategy, Property 2, design.md')).toEqual([unplanned(1).replace('1', '1: Session expiry'), unplanned(2)]);
    expect(cites('Requirement 2, 3')).toEqual([broken('3'), unplanned(1).replace('1', '1: Session expiry')]);
    // A list that wraps onto the next line; one left open does not swallow the next list.
    expect(cites('1.1,\n    1.2, 2')).toEqual([]);
    expect(cites('1.1, 9\n  - _Requirements: 2')).toEqual([unplanned(1).replace('1', '1: Session expiry')]);
    expect(cites('1.1\n\n  - _Requirements: 2')).toEqual([unplanned(1).replace('1', '1: Session expiry')]);
  });

  it('reads a requirement heading that a dash separates from its title', () => {
    for (const dash of ['—', '–', '-']) {
      const { spec, problems } = readKiro(FILE, `# Requirements Document\n\n## Requirements\n\n### Requirement 1 ${dash} Concept-compatible transport\n\n**User Story:** As a maintainer, I want one transport.\n`);
      expect(problems).toEqual([]);
      expect(spec!.capabilities.map((c) => [c.id, c.name])).toEqual([['session-expiry/1', 'Requirement 1: Concept-compatible transport']]);
    }
  });

  it('reads criteria that headings below `Acceptance Criteria` group, numbered on; a heading at its level ends them', () => {
    const spec = [
      '### Requirement 1: Tests',
      '',
      '**User Story:** As a maintainer, I want tests.',
      '',
      '#### Acceptance Criteria',
      '',
      '##### Concept satisfaction',
      '',
      '1. File-scope asserts SHALL hold.',
      '',
      '##### Unit tests',
      '',
      '2. The signing test SHALL pin the vectors.',
      '3. The client test SHALL cover retries.',
      '',
      '#### Notes',
      '',
      '1. Not a criterion.',
      '',
    ].join('\n');
    const { spec: read, problems } = readKiro(FILE, `# Requirements Document\n\n## Requirements\n\n${spec}`);
    expect(problems).toEqual([]);
    expect(read!.capabilities.map((c) => [c.id, c.text])).toEqual([
      ['session-expiry/1', 'As a maintainer, I want tests.'],
      ['session-expiry/1.1', 'File-scope asserts SHALL hold.'],
      ['session-expiry/1.2', 'The signing test SHALL pin the vectors.'],
      ['session-expiry/1.3', 'The client test SHALL cover retries.'],
    ]);
  });

  it('reads CRLF, a BOM and tabs the same way', () => {
    const plain = readKiro(FILE, SPEC).spec!.capabilities.map((c) => [c.id, c.line, c.text]);
    const other = readKiro(FILE, '\ufeff' + SPEC.replace('   THEN', '\tTHEN').replace(/\n/g, '\r\n'));
    expect(other.spec!.capabilities.map((c) => [c.id, c.line, c.text])).toEqual(plain);
  });

  it('reads a spec Kiro wrote in Japanese, Chinese or Korean', () => {
    const specs: [string, string][] = [
      ['### 要件1: 招待\n\n#### 受入基準\n\n1. WHEN 管理者が招待する THEN システムはトークンを生成しなければならない\n2. WHEN 期限切れ THEN 拒否しなければならない\n', 'Requirement 1: 招待'],
      ['### 需求 1：截图\n\n#### 验收标准\n\n1. 当用户按下快捷键时，系统应当截图\n2. 当截图失败时，系统应当提示\n', 'Requirement 1: 截图'],
      ['### 요구사항 1: 초대\n\n#### 수용 기준\n\n1. WHEN 관리자가 초대하면 THEN 시스템은 토큰을 생성해야 한다\n2. WHEN 만료되면 THEN 거부해야 한다\n', 'Requirement 1: 초대'],
    ];
    for (const [text, name] of specs) {
      const r = readKiro(FILE, `# 文書\n\n${text}`);
      expect(r.problems).toEqual([]);
      expect(r.spec!.capabilities.map((c) => [c.id, c.name])).toEqual([
        ['session-expiry/1', name],
        ['session-expiry/1.1', '1.1'],
        ['session-expiry/1.2', '1.2'],
      ]);
    }
  });

  it('a requirement number used twice is a problem naming both lines', () => {
    const { spec, problems } = readKiro(FILE, '### Requirement 1\n\nA\n\n### Requirement 1: Again\n\nB\n');
    expect(spec!.capabilities.map((c) => c.id)).toEqual(['session-expiry/1']);
    expect(words(problems)).toEqual([
      {
        line: 5,
        capability: 'session-expiry/1',
        actual: `\`Requirement 1\` is declared twice: ${FILE}:1 and ${FILE}:5`,
        hint: 'number the requirements 1, 2, 3… in order, each once',
      },
    ]);
  });

  it('an empty file, or one without `### Requirement N` headings, is one problem with the right form', () => {
    for (const text of ['', '# Requirements Document\n\n## Requirements\n\n### Login\n\n1. WHEN x THEN y\n', '```md\n### Requirement 1\n```\n']) {
      const { spec, problems } = readKiro(FILE, text);
      expect(spec!.capabilities).toEqual([]);
      expect(problems.map((p) => [p.line, p.actual])).toEqual([[1, 'spec has no requirements: no `### Requirement 1` heading']]);
    }
  });

  // Speed is measured by `npm run bench:plan`; here only that 10,000 read at all, within the time-out.
  it('reads 10,000 requirements', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `### Requirement ${i + 1}\n\n#### Acceptance Criteria\n\n1. WHEN ${i} THEN the system SHALL work\n`).join('\n');
    const { spec, problems } = readKiro(FILE, text);
    expect(spec!.capabilities).toHaveLength(20_000);
    expect(words(problems)).toEqual([]);
  });
});

describe('Kiro numbering', () => {
  // Kiro itself says nothing of gaps, and in real specs every gap was a requirement dropped on purpose.
  it('a gap in requirement numbers is no problem', () => {
    const { spec, problems } = readKiro(FILE, '### Requirement 1\n\nA\n\n### Requirement 3\n\nB\n');
    expect(words(problems)).toEqual([]);
    expect(spec!.capabilities.map((c) => c.id)).toEqual(['session-expiry/1', 'session-expiry/3']);
  });
});

describe('Kiro design.md', () => {
  it('is kept as context: its section and component headings, with lines', () => {
    const design = '# Design Document\n\n## Overview\n\nText.\n\n## Components and Interfaces\n\n### Session store\n\n```md\n## Not a heading\n```\n';
    const { spec } = readKiro(FILE, SPEC, (name) => (name === 'design.md' ? design : undefined));
    expect(spec!.context).toEqual([
      {
        file: '.kiro/specs/session-expiry/design.md',
        headings: [
          { title: 'Overview', line: 3 },
          { title: 'Components and Interfaces', line: 7 },
          { title: 'Session store', line: 9 },
        ],
      },
    ]);
  });
});
