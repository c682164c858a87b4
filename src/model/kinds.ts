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
  /** A case that raises it, for `sdna explain` and the SARIF rule's help. */
  example: string;
  /** How to make it go away, for `sdna explain` and the SARIF rule's help. */
  fix: string;
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
    example: '`payments.spec.md` links `[@test](../test/payments.test.ts#refunds a capture)` under `### Refund capture`, and that test fails in `vitest run`.',
    fix: 'Make the code keep the promise, or fix the test if the test is wrong, until every linked test passes. If the promise itself changed, change the spec first.',
  },
  'untested-capability': {
    category: 'drift',
    level: 'error',
    action: 'UNTESTED CAPABILITY',
    meaning: 'no test is linked, or no linked test ran and passed',
    static: true,
    doc: 'no test is linked to the capability and no test claims it (`meta.capabilities` or a tag), or every linked test is missing; inside a test run, no linked test ran (a capability whose tests the run left out is `not-run`)',
    example: 'A capability `### Void authorization` in `payments.spec.md` with no `[@test](…)` link under it, and no test that claims `payments/void-authorization` in `meta.capabilities`.',
    fix: "Link a test that proves it (`[@test](../test/payments.test.ts#voids an authorization)` under the capability), or claim it from the test: `it('voids…', { meta: { capabilities: ['payments/void-authorization'] } }, …)`. `sdna import` proposes links from the tests you have.",
  },
  'skipped-capability': {
    category: 'drift',
    level: 'warn',
    action: 'SKIPPED CAPABILITY',
    meaning: 'every test of the capability is skipped (`.skip`, `.todo`): nothing proves it',
    static: false,
    plugin: true,
    doc: 'every test linked to the capability (or claiming it) is written `.skip` or `.todo`, so the run proved nothing about it; Vitest plugin only (tests a filter left out make it `not-run` instead)',
    example: 'Every test linked to `cart/apply-coupon` is written `it.skip(…)` or `it.todo(…)`.',
    fix: 'Finish the tests and drop `.skip`/`.todo`, or link a test that runs.',
  },
  'api-drift': {
    category: 'drift',
    level: 'error',
    action: 'API DRIFT',
    meaning: "the spec's `## API` block and the exported code disagree",
    static: true,
    doc: "a declaration of the spec's `## API` block that no target exports, or that the code declares differently (parameters, return type, members); also a target file that does not parse",
    example: "The spec's `## API` block declares `export function shorten(url: string): string`, and `src/links.ts` exports `shorten(url: string, length?: number): string`.",
    fix: 'Change the code to match the `## API` block, or update the block if the code is right. A target that does not parse is compared again once its syntax error is fixed.',
  },
  'generated-edited': {
    category: 'drift',
    level: 'error',
    action: 'GENERATED CODE EDITED',
    meaning: 'a file marked `GENERATED FROM SPEC - DO NOT EDIT` was changed by hand',
    static: true,
    doc: 'a `GENERATED FROM SPEC - DO NOT EDIT` file no longer matches its stamp or its recorded hash: edited by hand',
    example: '`src/api/client.ts` starts with `// GENERATED FROM SPEC - DO NOT EDIT`, and someone changed a line of it by hand.',
    fix: 'Move the change into the spec and regenerate the file, then run `sdna accept src/api/client.ts`; or undo the edit.',
    aboutFile: true,
  },
  'generated-unrecorded': {
    category: 'drift',
    level: 'warn',
    action: 'GENERATED CODE UNRECORDED',
    meaning: 'a file marked as generated carries no hash and none is recorded (`sdna accept`)',
    static: true,
    doc: 'a file marked as generated carries no stamp and no hash is recorded (`sdna accept`)',
    example: 'A new `src/api/client.ts` marked `GENERATED FROM SPEC - DO NOT EDIT` that carries no hash stamp and is not in `.sdna/state.json`.',
    fix: 'Run `sdna accept <file>` after the generator ran, and commit `.sdna/state.json`.',
    aboutFile: true,
  },
  'needs-clarification': {
    category: 'drift',
    level: 'warn',
    action: 'NEEDS CLARIFICATION',
    meaning: 'an open `[NEEDS CLARIFICATION: …]` question left in a spec',
    static: true,
    doc: 'an open `[NEEDS CLARIFICATION: …]` question left in a spec (Spec Kit)',
    example: '`- **FR-006**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method not specified]` in a Spec Kit spec.md.',
    fix: 'Answer the question in the spec and remove the marker.',
  },
  'unplanned-requirement': {
    category: 'drift',
    level: 'warn',
    action: 'UNPLANNED REQUIREMENT',
    meaning: "a Kiro requirement that no task in the feature's tasks.md cites (`_Requirements: …_`)",
    static: true,
    doc: 'a Kiro requirement that no task in its tasks.md cites',
    example: 'Requirement 3 of `.kiro/specs/login/requirements.md`, which no task of its `tasks.md` cites (`_Requirements: 3.1_`).',
    fix: 'Add a task that cites it, or cite it from the task that implements it.',
  },
  'pending-change': {
    category: 'drift',
    level: 'warn',
    action: 'PENDING CHANGE',
    meaning: 'an OpenSpec change would remove, rename or modify a requirement whose tests do not follow yet',
    static: true,
    doc: 'an OpenSpec change would remove or rename a requirement that tests still prove, or modifies one whose tests did not change since',
    example: '`openspec/changes/drop-sms/specs/auth/spec.md` removes `### Requirement: SMS login`, and `test/auth.test.ts` still proves SMS login.',
    fix: 'Update or remove the tests the change affects, so that tests and specs move together; archive the change once it is done.',
  },
  'semantic-drift': {
    category: 'drift',
    level: 'error',
    action: 'DRIFT DETECTED',
    meaning: "the semantic check judged that code breaks a capability's text",
    static: false,
    doc: "the semantic check (`sdna plan --semantic`) judged that the code breaks the capability's text, with evidence quoted from the code at `file:line`",
    example: 'The capability says "a refund never exceeds the captured amount"; the semantic check quotes `src/refund.ts:42`, where the amount is not compared with the capture.',
    fix: 'Change the code to keep the promise (the evidence quotes where it breaks it), or change the spec if the promise is no longer right. With `--confirm`, a verdict stands only if a test written from it fails.',
  },
  'semantic-unclear': {
    category: 'drift',
    level: 'warn',
    action: 'NOT PROVEN KEPT',
    meaning: 'the semantic check could not tell whether the code keeps the promise',
    static: false,
    doc: 'the semantic check could not tell whether the code keeps the capability\'s text: the code it was shown did not decide it, or the answer was not valid (a `breaks` without evidence found in the code is one); never fails the gate by default',
    example: 'The code the semantic check was shown calls a helper it could not see, so it cannot tell whether "sessions expire after 30 minutes" holds.',
    fix: "Make the promise checkable: name the files that keep it in the spec's targets, or link a test that proves it. It fails no gate unless `rules` raise it.",
  },
  'weak-test': {
    category: 'drift',
    level: 'warn',
    action: 'WEAK TEST',
    meaning: "a linked test that does not assert what its capability promises",
    static: false,
    doc: "the semantic check with `tests: true` (`sdna plan --semantic --tests`) judged that a test linked to the capability does not assert what it promises (it would still pass were the promise broken), and says what it leaves unchecked",
    example: '`test/cart.test.ts › applies a coupon` is linked to "a coupon lowers the total by its percentage" but only asserts that the total is a number.',
    fix: 'Assert what the capability promises (the finding says what the test leaves unchecked), or link a test that does.',
  },
  'uncovered-code': {
    category: 'drift',
    level: 'warn',
    action: 'UNCOVERED CODE',
    meaning: "lines of a spec's targets that none of its linked tests execute",
    static: false,
    plugin: true,
    doc: "target lines that none of the spec's linked tests execute; Vitest plugin with v8 coverage",
    example: "With v8 coverage on, lines 26-28 of `src/cart.ts`, a target of the `cart` spec, run in none of the spec's linked tests.",
    fix: "Link (or write) a test of the capability that runs those lines, or move code that no capability needs out of the spec's targets.",
    aboutFile: true,
  },
  'unspecified-code': {
    category: 'unspecified',
    level: 'error',
    action: 'UNSPECIFIED CODE',
    meaning: 'a source file in scope that no spec targets',
    static: true,
    doc: 'a source file in scope that no spec targets',
    example: "`src/webhooks/handler.ts` is in `include`, and no spec's target glob matches it.",
    fix: "Add it to a spec's targets (`target: src/webhooks/*.ts` in the frontmatter, or `targets` in sdna.config), write a spec for it, or take it out of scope with `exclude`.",
    aboutFile: true,
  },
  'stale-target': {
    category: 'stale',
    level: 'error',
    action: 'STALE TARGET',
    meaning: 'a target glob that matches no file',
    static: true,
    doc: 'a target glob that matches no file',
    example: '`payments.spec.md` has `target: src/payment/*.ts`, and the folder was renamed to `src/payments/`.',
    fix: 'Point the glob at the files the spec describes now, or remove it.',
  },
  'broken-test-link': {
    category: 'stale',
    level: 'error',
    action: 'BROKEN TEST LINK',
    meaning: 'a `@test` link to a missing file, a fragment that matches no test, or a claim of an unknown capability',
    static: true,
    doc: "a `@test` link to a missing file, a fragment that matches no test's full name, or a `meta.capabilities` claim of a capability no spec declares",
    example: "`[@test](../test/search.test.ts#suggests a speling)` where no test's full name contains `suggests a speling`; or a test that claims `search/suggest-speling`, which no spec declares.",
    fix: "Point the link at a test file that exists and a part of a test's full name (`describe > it`), or correct the claimed capability id (`<spec-id>/<slug>`).",
  },
  'outdated-link': {
    category: 'stale',
    level: 'warn',
    action: 'OUTDATED LINK',
    meaning: 'a link `sdna import` recorded for a capability whose promise has changed since, or that no spec declares now',
    static: true,
    doc: 'a link in `.sdna/links.json` whose capability\'s words changed after it was recorded (it no longer counts until someone checks the test still verifies the promise), or whose capability no spec declares now',
    example: "`.sdna/links.json` links `cart/apply-coupon` to a test, and the capability's words changed after `sdna import --write` recorded the link.",
    fix: 'Check that the test still proves the promise, then record the link again (`sdna import --write`) or write it in the spec; delete the entry if the test no longer proves it.',
  },
  'bad-link-record': {
    category: 'error',
    level: 'error',
    action: 'BAD LINK RECORD',
    meaning: 'an entry of .sdna/links.json that cannot be read (the others still count)',
    static: true,
    doc: 'an entry of `.sdna/links.json` that is not valid JSON or not of the right form, reported at its line; the other entries still count',
    example: 'Line 12 of `.sdna/links.json` is `{"capability": "cart/total"`, cut off in a merge.',
    fix: 'Fix or delete that line (one entry per line); the other entries still count.',
    aboutFile: true,
  },
  'broken-requirement-ref': {
    category: 'stale',
    level: 'error',
    action: 'BROKEN REQUIREMENT REFERENCE',
    meaning: 'a task that cites a requirement or acceptance criterion the spec does not have',
    static: true,
    doc: 'a Kiro task that cites (`_Requirements: …_`) a requirement or criterion the spec does not have; a Spec Kit task marked with a user story the spec does not have',
    example: 'A task in `.kiro/specs/login/tasks.md` cites `_Requirements: 4.2_`, and requirement 4 has one acceptance criterion.',
    fix: 'Cite a requirement or criterion the spec has, or add the missing one to the spec.',
  },
  'spec-error': {
    category: 'error',
    level: 'error',
    action: 'SPEC ERROR',
    meaning: 'a spec that cannot be read (bad frontmatter, bad link, path outside the root)',
    static: true,
    doc: 'a spec that cannot be read: bad frontmatter, no name, no capabilities, no targets, a duplicate id, a path outside the root, an invalid glob, a binary or over-1-MB file, an `## API` block that is not TypeScript',
    example: 'A `*.spec.md` whose frontmatter is not valid YAML, that has no capabilities, or whose target glob leaves the project root.',
    fix: 'Fix the spec as the finding says (it names the problem and the right form); until then its capabilities are not checked.',
  },
  'unread-file': {
    category: 'error',
    level: 'warn',
    action: 'FILE NOT READ',
    meaning: 'a file sdna needed but refused to read: outside the root, not a regular file, or over its size cap',
    static: true,
    doc: 'a file sdna needed (a test file, a target) but refused to read: its real path is outside the project root (a symlink), it is not a regular file (a FIFO, a device, a socket), or it is over the size cap for its kind; the rest of the plan still counts',
    example: '`test/shared.test.ts` is a symlink to a file outside the project root, or a source file is over the size cap.',
    fix: 'Move the file inside the root, make it a regular file, or take it out of scope (`exclude`, `tests`).',
    aboutFile: true,
  },
  'spec-warning': {
    category: 'error',
    level: 'warn',
    action: 'SPEC WARNING',
    meaning: 'a spec that breaks a rule its format only warns about (OpenSpec: a short Purpose, no SHALL/MUST)',
    static: true,
    doc: 'a spec that breaks a rule its format only warns about (OpenSpec: a Purpose under 50 characters or a placeholder, a requirement without SHALL/MUST)',
    example: 'An OpenSpec requirement `### Requirement: Export` whose text has no SHALL or MUST.',
    fix: 'Write the requirement with SHALL or MUST (and a Purpose of 50 characters or more), as OpenSpec validates it.',
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
