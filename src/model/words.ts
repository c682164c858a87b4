// The words of every finding kind, made from its data: one function per kind,
// beside the kind table. Only reporters (and the JSON plan's `message`) use
// them; nothing in sdna reads a finding's words back.

import { structuredPatch } from 'diff';
import { clip, numbered, plural } from '../util/text.js';
import type { Kind } from './kinds.js';
import { STATE_FILE, type Finding, type FindingOf } from './model.js';

export interface Words {
  /** What the spec says (the terminal's `spec:` line). */
  spec?: string;
  /** What sdna found (the terminal's `impl:` line). */
  impl: string;
  /** What to do (the terminal's `action:` line, after the kind's label). */
  hint: string;
  /** `api-drift`: the spec's and the code's declaration as a unified diff (`-` spec, `+` code). */
  diff?: string;
}

const tick = (s: string) => `\`${s}\``;
const promise = (text: string) => `"${clip(text)}"`;
const problem = (f: { data: { problem: string; fix: string } }): Words => ({ impl: f.data.problem, hint: f.data.fix });

const WORDS: { [K in Kind]: (f: FindingOf<K>) => Words } = {
  'failing-capability': ({ data: d }) => ({
    spec: promise(d.promise),
    impl: `test "${d.test.name}" failed${d.more > 0 ? ` (and ${d.more} more)` : ''}`,
    hint: 'make the code keep the promise (or fix the test) until every linked test passes',
  }),
  'untested-capability': ({ capability, data: d }) => ({
    spec: promise(d.promise),
    impl:
      d.reason === 'links-missing'
        ? `none of the tests linked to ${capability} exists`
        : d.reason === 'not-run'
          ? `no test linked to ${capability} ran`
          : `no test is linked to ${capability} or claims it`,
    hint: `link one with [@test](${d.testDir}/<file>.test.ts), or claim it in a test: { meta: { capabilities: ['${capability}'] } }`,
  }),
  'api-drift': (f) => {
    const d = f.data;
    if ('unparsable' in d) {
      return {
        impl: `${f.file} does not parse as TypeScript (${d.unparsable}), so its exports were not compared with any \`## API\` block`,
        hint: 'fix the syntax error; the other target files were still compared',
      };
    }
    const where = d.code && `${d.code.file}:${d.code.line}`;
    return {
      spec: clip(d.spec.join(' ').replace(/\s+/g, ' ')),
      impl: where
        ? `${tick(f.symbol!)} in ${where} ${d.change === 'added' ? 'adds to' : 'differs from'} the spec: ${d.differences.join('; ')}`
        : `${d.differences.join('; ')} (targets: ${d.targets.join(', ') || 'none'})`,
      hint: where
        ? 'change the code to match the `## API` block, or update the block if the code is right'
        : "export it from one of the spec's targets, or take it out of the `## API` block",
      diff: unifiedDiff(d.spec, d.code?.decl ?? [], `${f.file}:${f.line} (spec)`, where ? `${where} (code)` : '(no target exports it)'),
    };
  },
  'generated-edited': ({ file, data: d }) => ({
    spec: `generated from ${d.source}`,
    impl: `${file} was edited by hand since it was generated (its content no longer matches ${
      d.stamp === 'sdna' ? 'its sha256 stamp' : d.stamp === 'tessl' ? 'its Tessl (code:…) stamp' : `the hash recorded in ${STATE_FILE}`
    })`,
    hint:
      d.stamp === 'recorded'
        ? `change the spec and regenerate the file; if the edit is meant to stay, run \`sdna accept ${file}\``
        : 'change the spec and regenerate the file, or take the file out of generation by removing its marker',
  }),
  'generated-unrecorded': ({ file, data: d }) => ({
    spec: `generated from ${d.source}`,
    impl: `${file} is marked as generated but carries no hash, and none is recorded in ${STATE_FILE}`,
    hint: `run \`sdna accept ${file}\` right after generating it, so that an edit by hand is caught`,
  }),
  'needs-clarification': problem,
  'unplanned-requirement': problem,
  'pending-change': ({ capability, data: d }) => {
    const tests = d.tests.join(', ');
    const spec = `${d.op} in openspec/changes/${d.change}`;
    if (d.op === 'REMOVED') {
      return {
        spec,
        impl: `change \`${d.change}\` removes requirement "${d.requirement}", which ${plural(d.tests.length, 'test file')} still ${numbered(d.tests.length, 'proves', 'prove')}: ${tests}`,
        hint: 'when the change is archived, delete those tests or point them at what replaces the requirement',
      };
    }
    if (d.op === 'RENAMED') {
      return {
        spec,
        impl: `change \`${d.change}\` renames requirement "${d.requirement}" to "${d.to}": its tests (${tests}) prove it as \`${capability}\`, which becomes \`${d.renamedId}\``,
        hint: 'when the change is archived, update the claims and links of those tests to the new id',
      };
    }
    return {
      spec,
      impl: `change \`${d.change}\` modifies requirement "${d.requirement}", but none of its tests (${tests}) changed since`,
      hint: 'update the tests to the modified requirement and its scenarios (or they will prove the old behaviour once the change is archived)',
    };
  },
  'semantic-drift': ({ data: d }) => ({
    spec: `"${d.clause}"`,
    impl: d.test ? `${d.instead} (confirmed: ${d.test} fails)` : d.instead,
    hint: d.test ? `make the code keep the promise (re-run the confirming test: \`npx vitest run --config ${d.test.replace(/[^/]+$/, '')}vitest.config.mjs ${d.test}\`), or change the spec if the code is right` : 'make the code keep the promise, or change the spec if the code is right',
  }),
  'semantic-unclear': ({ data: d }) => ({
    spec: promise(d.promise),
    impl: `the semantic check could not tell: ${d.reason}`,
    hint: 'link a test that proves the promise, or make the promise checkable; `sdna plan --semantic` asks again when code or spec change',
  }),
  'weak-test': ({ data: d }) => ({
    spec: promise(d.promise),
    impl: `test "${d.test}" does not check it: ${d.missing}`,
    hint: 'make the test assert what the capability promises, so it fails when the promise breaks',
  }),
  'uncovered-code': ({ spec, file, data: d }) => ({
    spec: `targets of ${spec} (${d.source})`,
    impl: `${file}:${d.ranges.join(', ')} ${numbered(d.lines, 'runs', 'run')} in no test linked to ${spec}`,
    hint: "link a test that exercises these lines to one of its capabilities, or move the code out of the spec's targets",
  }),
  'unspecified-code': ({ file }) => ({
    impl: `${file} is in scope but no spec targets it`,
    hint: "add it to a spec's targets, or exclude it from the scope (`exclude` in sdna.config)",
  }),
  'stale-target': ({ data: d }) => ({
    spec: `targets ${d.glob}`,
    impl: `no file matches target \`${d.glob}\` (${d.pattern})`,
    hint: 'remove the target, or restore the code it named',
  }),
  'outdated-link': ({ capability, data: d }) =>
    d.reason === 'changed'
      ? {
          spec: `${capability} (changed since the link was recorded)`,
          impl: `the recorded link to ${d.test} no longer counts: the capability's words changed`,
          hint: `check that the test still verifies the promise, then set its "text" to "${d.text}" (or delete the line)`,
        }
      : {
          spec: `${capability} (no spec declares it now)`,
          impl: `a link to ${d.test} is recorded for a capability that is gone`,
          hint: 'delete the line, or link the test to the capability that replaced it (`sdna import` proposes one)',
        },
  'unread-file': ({ data: d }) => ({
    impl: `sdna did not read it (as a ${d.as} file): ${d.why}`,
    hint:
      d.reason === 'outside'
        ? 'sdna reads nothing outside the project root: move the file inside, or exclude it'
        : d.reason === 'too-large'
          ? 'split the file, or exclude it from what sdna checks'
          : d.reason === 'not-a-file'
            ? 'make it a regular file, or exclude it from what sdna checks'
            : 'make it readable, or exclude it from what sdna checks',
  }),
  'skipped-capability': ({ data: d }) => ({
    spec: promise(d.promise),
    impl: `${d.tests === 1 ? 'its one test is' : `all ${d.tests} of its tests are`} skipped (\`.skip\`, \`.todo\`): nothing proves it`,
    hint: 'unskip a test (or write one) that verifies the promise; until then it is not proven',
  }),
  'bad-link-record': ({ data: d }) => ({
    impl: `${d.problem}: ${d.entry}`,
    hint: 'fix the entry or delete its line; the other recorded links and targets still count',
  }),
  'broken-test-link': ({ data: d }) => {
    if ('claim' in d) {
      return {
        spec: `meta: { capabilities: ['${d.claim}'] }`,
        impl: `test "${d.test}" claims \`${d.claim}\`, which no spec declares`,
        hint: d.near
          ? `did you mean \`${d.near}\`? Claim an existing capability id (\`<spec-id>/<slug>\`)`
          : 'claim an existing capability id (`<spec-id>/<slug>`; `sdna plan --json` lists them), or add the capability to a spec',
      };
    }
    const reason =
      d.reason === 'missing'
        ? `${d.target} does not exist`
        : d.reason === 'unreadable'
          ? `${d.target} cannot be read`
          : `no test in ${d.target} has "${d.fragment}" in its full name`;
    return {
      spec: `[@test](${d.link})`,
      impl: `test link \`${d.link}\` is broken: ${reason}`,
      hint: "point it at an existing test file (relative to the spec), with a fragment from a test's full name, or remove it",
    };
  },
  'broken-requirement-ref': problem,
  'spec-error': problem,
  'spec-warning': problem,
};

/** The words of a finding: its `spec:`, `impl:` and hint lines (and an API diff). */
export function wordsOf(f: Finding): Words {
  return (WORDS[f.kind] as (f: Finding) => Words)(f);
}

/** The one-line message of the JSON plan: what is wrong, then what to do. */
export function messageOf(f: Finding): string {
  const w = wordsOf(f);
  return `${w.impl}; ${w.hint}`;
}

/**
 * A unified diff of two short texts, every line in one hunk (a signature is
 * short enough to show whole): `-` the spec's lines, `+` the code's.
 */
export function unifiedDiff(from: string[], to: string[], fromLabel: string, toLabel: string): string {
  const text = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '');
  const context = from.length + to.length;
  const body = structuredPatch('', '', text(from), text(to), '', '', { context }).hunks.flatMap((h) => h.lines);
  const range = (count: number) => (count === 1 ? '1' : `${count === 0 ? 0 : 1},${count}`);
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, `@@ -${range(from.length)} +${range(to.length)} @@`, ...body].join('\n');
}
