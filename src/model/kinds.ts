// The one table of finding kinds. The CLI, the config schema, the docs and every
// reporter read it; a kind's name is a stable identifier users write in config.

import type { ReadKind, RefusalCode } from '../util/guarded.js';

export const CATEGORIES = ['drift', 'unspecified', 'stale', 'error'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Level = 'error' | 'warn' | 'off';
export type Severity = Exclude<Level, 'off'>;

export interface KindInfo {
  category: Category;
  /** Level when `rules` says nothing. */
  level: Severity;
  /** Shown by the terminal reporter as `action: <ACTION> - <hint>`. */
  action: string;
  /** One line for docs and `--help`. */
  meaning: string;
  /** False for kinds that need a test run or a later part of sdna; `sdna plan` never emits them. */
  static: boolean;
  /** The README's description (its table of kinds is generated from this one). */
  doc: string;
  /** A finding about one file as a whole: reporters head it by the file. */
  aboutFile?: true;
  /** Reported by the Vitest plugin, after a run (`static` is false). */
  plugin?: true;
}

export const KINDS = {
  'failing-capability': {
    category: 'drift',
    level: 'error',
    action: 'FAILING CAPABILITY',
    meaning: 'a linked test failed',
    static: false,
    plugin: true,
    doc: 'a test linked to the capability (or claiming it) failed; Vitest plugin only',
  },
  'untested-capability': {
    category: 'drift',
    level: 'error',
    action: 'UNTESTED CAPABILITY',
    meaning: 'no test is linked, or no linked test ran and passed',
    static: true,
    doc: 'no test is linked to the capability and no test claims it (`meta.capabilities` or a tag), or every linked test is missing; inside a test run, no linked test ran (a capability whose tests the run left out is `not-run`)',
  },
  'skipped-capability': {
    category: 'drift',
    level: 'warn',
    action: 'SKIPPED CAPABILITY',
    meaning: 'every test of the capability is skipped (`.skip`, `.todo`): nothing proves it',
    static: false,
    plugin: true,
    doc: 'every test linked to the capability (or claiming it) is written `.skip` or `.todo`, so the run proved nothing about it; Vitest plugin only (tests a filter left out make it `not-run` instead)',
  },
  'api-drift': {
    category: 'drift',
    level: 'error',
    action: 'API DRIFT',
    meaning: "the spec's `## API` block and the exported code disagree",
    static: true,
    doc: "a declaration of the spec's `## API` block that no target exports, or that the code declares differently (parameters, return type, members); also a target file that does not parse",
  },
  'generated-edited': {
    category: 'drift',
    level: 'error',
    action: 'GENERATED CODE EDITED',
    meaning: 'a file marked `GENERATED FROM SPEC - DO NOT EDIT` was changed by hand',
    static: true,
    doc: 'a `GENERATED FROM SPEC - DO NOT EDIT` file no longer matches its stamp or its recorded hash: edited by hand',
    aboutFile: true,
  },
  'generated-unrecorded': {
    category: 'drift',
    level: 'warn',
    action: 'GENERATED CODE UNRECORDED',
    meaning: 'a file marked as generated carries no hash and none is recorded (`sdna accept`)',
    static: true,
    doc: 'a file marked as generated carries no stamp and no hash is recorded (`sdna accept`)',
    aboutFile: true,
  },
  'needs-clarification': {
    category: 'drift',
    level: 'warn',
    action: 'NEEDS CLARIFICATION',
    meaning: 'an open `[NEEDS CLARIFICATION: …]` question left in a spec',
    static: true,
    doc: 'an open `[NEEDS CLARIFICATION: …]` question left in a spec (Spec Kit)',
  },
  'unplanned-requirement': {
    category: 'drift',
    level: 'warn',
    action: 'UNPLANNED REQUIREMENT',
    meaning: "a Kiro requirement that no task in the feature's tasks.md cites (`_Requirements: …_`)",
    static: true,
    doc: 'a Kiro requirement that no task in its tasks.md cites',
  },
  'pending-change': {
    category: 'drift',
    level: 'warn',
    action: 'PENDING CHANGE',
    meaning: 'an OpenSpec change would remove, rename or modify a requirement whose tests do not follow yet',
    static: true,
    doc: 'an OpenSpec change would remove or rename a requirement that tests still prove, or modifies one whose tests did not change since',
  },
  'semantic-drift': {
    category: 'drift',
    level: 'error',
    action: 'DRIFT DETECTED',
    meaning: "the semantic check judged that code breaks a capability's text",
    static: false,
    doc: "the semantic check (`sdna plan --semantic`) judged that the code breaks the capability's text, with evidence quoted from the code at `file:line`",
  },
  'semantic-unclear': {
    category: 'drift',
    level: 'warn',
    action: 'NOT PROVEN KEPT',
    meaning: 'the semantic check could not tell whether the code keeps the promise',
    static: false,
    doc: 'the semantic check could not tell whether the code keeps the capability\'s text: the code it was shown did not decide it, or the answer was not valid (a `breaks` without evidence found in the code is one); never fails the gate by default',
  },
  'weak-test': {
    category: 'drift',
    level: 'warn',
    action: 'WEAK TEST',
    meaning: "a linked test that does not assert what its capability promises",
    static: false,
    doc: "the semantic check with `tests: true` (`sdna plan --semantic --tests`) judged that a test linked to the capability does not assert what it promises (it would still pass were the promise broken), and says what it leaves unchecked",
  },
  'uncovered-code': {
    category: 'drift',
    level: 'warn',
    action: 'UNCOVERED CODE',
    meaning: "lines of a spec's targets that none of its linked tests execute",
    static: false,
    plugin: true,
    doc: "target lines that none of the spec's linked tests execute; Vitest plugin with v8 coverage",
    aboutFile: true,
  },
  'unspecified-code': {
    category: 'unspecified',
    level: 'error',
    action: 'UNSPECIFIED CODE',
    meaning: 'a source file in scope that no spec targets',
    static: true,
    doc: 'a source file in scope that no spec targets',
    aboutFile: true,
  },
  'stale-target': {
    category: 'stale',
    level: 'error',
    action: 'STALE TARGET',
    meaning: 'a target glob that matches no file',
    static: true,
    doc: 'a target glob that matches no file',
  },
  'broken-test-link': {
    category: 'stale',
    level: 'error',
    action: 'BROKEN TEST LINK',
    meaning: 'a `@test` link to a missing file, a fragment that matches no test, or a claim of an unknown capability',
    static: true,
    doc: "a `@test` link to a missing file, a fragment that matches no test's full name, or a `meta.capabilities` claim of a capability no spec declares",
  },
  'outdated-link': {
    category: 'stale',
    level: 'warn',
    action: 'OUTDATED LINK',
    meaning: 'a link `sdna import` recorded for a capability whose promise has changed since, or that no spec declares now',
    static: true,
    doc: 'a link in `.sdna/links.json` whose capability\'s words changed after it was recorded (it no longer counts until someone checks the test still verifies the promise), or whose capability no spec declares now',
  },
  'bad-link-record': {
    category: 'error',
    level: 'error',
    action: 'BAD LINK RECORD',
    meaning: 'an entry of .sdna/links.json that cannot be read (the others still count)',
    static: true,
    doc: 'an entry of `.sdna/links.json` that is not valid JSON or not of the right form, reported at its line; the other entries still count',
    aboutFile: true,
  },
  'broken-requirement-ref': {
    category: 'stale',
    level: 'error',
    action: 'BROKEN REQUIREMENT REFERENCE',
    meaning: 'a task that cites a requirement or acceptance criterion the spec does not have',
    static: true,
    doc: 'a Kiro task that cites (`_Requirements: …_`) a requirement or criterion the spec does not have; a Spec Kit task marked with a user story the spec does not have',
  },
  'spec-error': {
    category: 'error',
    level: 'error',
    action: 'SPEC ERROR',
    meaning: 'a spec that cannot be read (bad frontmatter, bad link, path outside the root)',
    static: true,
    doc: 'a spec that cannot be read: bad frontmatter, no name, no capabilities, no targets, a duplicate id, a path outside the root, an invalid glob, a binary or over-1-MB file, an `## API` block that is not TypeScript',
  },
  'unread-file': {
    category: 'error',
    level: 'warn',
    action: 'FILE NOT READ',
    meaning: 'a file sdna needed but refused to read: outside the root, not a regular file, or over its size cap',
    static: true,
    doc: 'a file sdna needed (a test file, a target) but refused to read: its real path is outside the project root (a symlink), it is not a regular file (a FIFO, a device, a socket), or it is over the size cap for its kind; the rest of the plan still counts',
    aboutFile: true,
  },
  'spec-warning': {
    category: 'error',
    level: 'warn',
    action: 'SPEC WARNING',
    meaning: 'a spec that breaks a rule its format only warns about (OpenSpec: a short Purpose, no SHALL/MUST)',
    static: true,
    doc: 'a spec that breaks a rule its format only warns about (OpenSpec: a Purpose under 50 characters or a placeholder, a requirement without SHALL/MUST)',
  },
} as const satisfies Record<string, KindInfo>;

export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];
export const LEVELS = ['error', 'warn', 'off'] as const;

/** The sign the terminal plan puts before a finding, as `terraform plan` does. */
export const SIGNS: Record<Category, string> = { drift: '~', unspecified: '+', stale: '-', error: '!' };

export function isKind(value: string): value is Kind {
  return Object.hasOwn(KINDS, value);
}

/**
 * What a reader found wrong in a spec (or a companion such as Kiro's tasks.md).
 * `code` and `subject` are its identity; `problem` and `fix` are the reader's
 * own diagnosis (a YAML parser's reason, the right form of a heading), which
 * only a reader of that format can say.
 */
export interface ProblemData {
  /** Stable per kind of problem: `frontmatter-yaml`, `duplicate-requirement`, … */
  code: string;
  /** What the problem is about when a file can have several of one code: the heading, the id, the glob. */
  subject?: string;
  problem: string;
  fix: string;
}

export interface TestAt {
  file: string;
  name: string;
  line?: number;
}

/** An `api-drift` finding's facts: the declarations on both sides and how they differ. */
export type ApiDriftData =
  | {
      change: 'added' | 'removed' | 'changed';
      /** The spec's declaration, printed as d.ts lines. */
      spec: string[];
      /** Where the code declares it, printed the same way; absent when no target exports it. */
      code?: { file: string; line: number; decl: string[] };
      /** Each difference, as the comparison states it. */
      differences: string[];
      /** The spec's target files (named when nothing exports the declaration). */
      targets: string[];
    }
  | {
      /** A target file that does not parse: its exports could not be compared. */
      unparsable: string;
    };

/** Each kind's own facts: what its words are made of, and (with the fields) its identity. */
export interface KindData {
  'failing-capability': { promise: string; test: TestAt; more: number };
  /** `testDir`: the project's test folder, relative to the spec's folder (for the hint). */
  'untested-capability': { promise: string; reason: 'unlinked' | 'links-missing' | 'not-run'; testDir: string };
  'skipped-capability': { promise: string; tests: number };
  'api-drift': ApiDriftData;
  'generated-edited': { source: string; stamp: 'sdna' | 'tessl' | 'recorded' };
  'generated-unrecorded': { source: string };
  'needs-clarification': ProblemData;
  'unplanned-requirement': ProblemData;
  'pending-change': { change: string; op: 'REMOVED' | 'RENAMED' | 'MODIFIED'; requirement: string; to?: string; renamedId?: string; tests: string[] };
  'semantic-drift': { clause: string; instead: string; evidence?: { file: string; line: number; quote: string }[]; test?: string };
  'weak-test': { promise: string; test: string; missing: string };
  'semantic-unclear': { promise: string; reason: string };
  'uncovered-code': { source: string; ranges: string[]; lines: number };
  'unspecified-code': Record<string, never>;
  'stale-target': { glob: string; pattern: string };
  'broken-test-link':
    | { link: string; target: string; fragment?: string; reason: 'missing' | 'unreadable' | 'no-match' }
    | { claim: string; test: string; near?: string };
  'outdated-link': { test: string; reason: 'changed' | 'gone'; text?: string };
  'bad-link-record': { entry: string; problem: string };
  'broken-requirement-ref': ProblemData;
  'spec-error': ProblemData;
  'spec-warning': ProblemData;
  'unread-file': { as: ReadKind; reason: Exclude<RefusalCode, 'missing'>; why: string };
}

/** The kinds a spec reader reports (through `SpecProblem`), each with `ProblemData`. */
export const PROBLEM_KINDS = ['spec-error', 'spec-warning', 'needs-clarification', 'broken-requirement-ref', 'unplanned-requirement'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];
