// applyRun is the plugin's decision table: how a run's tests become capability
// statuses and findings. Exercised here on a real static plan of the cart fixture.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import type { Plan } from '../src/model/model.js';
import { createPlan } from '../src/plan.js';
import { applyRun, lineRanges, type RunTest } from '../src/vitest/outcomes.js';
import { messageOf } from '../src/model/words.js';
import { levels } from '../src/model/levels.js';
import { FIXTURES } from './helpers.js';

let plan: Plan;
beforeAll(async () => {
  plan = await createPlan(resolveConfig({}, undefined, path.join(FIXTURES, 'vitest-cart')));
});

const FILES = ['test/add.test.ts', 'test/remove.test.ts', 'test/total.test.ts'];

function test(file: string, fullName: string, over: Partial<RunTest> = {}): RunTest {
  return { file, fullName, line: 3, state: 'passed', filtered: false, capabilities: [], tags: [], ...over };
}

/** Every test of the fixture, passing, as Vitest would report them. */
function all(over: Record<string, Partial<RunTest>> = {}): RunTest[] {
  return [
    test('test/add.test.ts', 'addItem > adds a new line', over.add1),
    test('test/add.test.ts', 'addItem > raises the quantity of an existing line', over.add2),
    test('test/remove.test.ts', 'removeItem > drops the line when the last unit goes', over.remove1),
    test('test/remove.test.ts', 'removeItem > ignores an unknown item', over.remove2),
    test('test/total.test.ts', 'sums price times quantity', { capabilities: ['cart/total'], ...over.total }),
    test('test/total.test.ts', 'rounds a discount half up', { tags: ['cart/discount'], ...over.discount }),
  ];
}

const statuses = (p: Plan) => Object.fromEntries(p.capabilities.map((c) => [c.id, c.status]));

describe('applyRun', () => {
  it('maps file links, fragment links, claims and tags onto passing capabilities', () => {
    const p = applyRun(plan, { tests: all(), ranFiles: new Set(FILES) }, levels({}));
    expect(statuses(p)).toEqual({
      'cart/add-item': 'passing',
      'cart/remove-item': 'passing',
      'cart/total': 'passing',
      'cart/discount': 'passing',
    });
    // The fragment link takes only the tests whose full name holds it.
    expect(p.capabilities[1].tests).toEqual([{ file: 'test/remove.test.ts', name: 'removeItem > drops the line when the last unit goes' }]);
    expect(p.findings).toEqual([]);
    expect([p.mode, p.failed]).toEqual(['run', false]);
  });

  it('one failed test fails the capability, naming the test and its line', () => {
    const p = applyRun(plan, { tests: all({ add2: { state: 'failed', line: 11 } }), ranFiles: new Set(FILES) }, levels({}));
    expect(statuses(p)['cart/add-item']).toBe('failing');
    expect(p.findings.map((f) => [f.kind, f.capability, `${f.file}:${f.line}`, messageOf(f)])).toEqual([
      [
        'failing-capability',
        'cart/add-item',
        'test/add.test.ts:11',
        'test "addItem > raises the quantity of an existing line" failed; make the code keep the promise (or fix the test) until every linked test passes',
      ],
    ]);
    expect(p.failed).toBe(true);
  });

  it('filtered-out tests make not-run, written skips make skipped, never untested', () => {
    const p = applyRun(
      plan,
      {
        tests: all({
          add1: { state: 'skipped', filtered: true },
          add2: { state: 'skipped', filtered: true },
          remove1: { state: 'skipped' },
        }),
        ranFiles: new Set(FILES),
      },
      levels({}),
    );
    expect(statuses(p)).toMatchObject({ 'cart/add-item': 'not-run', 'cart/remove-item': 'skipped' });
    expect(p.failed).toBe(false);
  });

  it('tests in files this run left out make not-run', () => {
    const p = applyRun(plan, { tests: all().filter((t) => t.file === 'test/add.test.ts'), ranFiles: new Set(['test/add.test.ts']) }, levels({}));
    expect(statuses(p)).toEqual({
      'cart/add-item': 'passing',
      'cart/remove-item': 'not-run',
      'cart/total': 'not-run',
      'cart/discount': 'not-run',
    });
    // A capability that did not run keeps its written tests.
    expect(p.capabilities[2].tests).toEqual([{ file: 'test/total.test.ts', name: 'sums price times quantity' }]);
    expect(p.findings).toEqual([]);
  });

  it('a run-time claim of an unknown id is a broken link, once', () => {
    const tests = all({ total: { capabilities: ['cart/total', 'cart/totl'], line: 4 } });
    const p = applyRun(plan, { tests, ranFiles: new Set(FILES) }, levels({}));
    expect(p.findings.map((f) => [f.kind, `${f.file}:${f.line}`])).toEqual([['broken-test-link', 'test/total.test.ts:4']]);
  });

  it('rules decide levels: a failing capability at warn does not fail the gate', () => {
    const p = applyRun(plan, { tests: all({ discount: { state: 'failed' } }), ranFiles: new Set(FILES) }, levels({ 'failing-capability': 'warn' }));
    expect(p.findings.map((f) => f.severity)).toEqual(['warn']);
    expect(p.failed).toBe(false);
  });

  it('coverage: uncovered lines of a spec target in ranges, and each capability share', () => {
    const hits = (lines: number[]) => new Map(lines.map((l) => [l, 1]));
    const allLines = new Map([[1, 5], [2, 5], [3, 0], [4, 0], [5, 0], [9, 0]]);
    const coverage = {
      all: new Map([['src/cart.ts', allLines]]),
      byTestFile: new Map([
        ['test/add.test.ts', new Map([['src/cart.ts', hits([1])]])],
        ['test/remove.test.ts', new Map([['src/cart.ts', hits([1, 2])]])],
      ]),
    };
    const p = applyRun(plan, { tests: all(), ranFiles: new Set(FILES) }, levels({}), coverage);
    expect(p.findings.map((f) => [f.kind, f.severity, `${f.file}:${f.line}`, messageOf(f)])).toEqual([
      [
        'uncovered-code',
        'warn',
        'src/cart.ts:3',
        "src/cart.ts:3-5, 9 run in no test linked to cart; link a test that exercises these lines to one of its capabilities, or move the code out of the spec's targets",
      ],
    ]);
    expect(p.capabilities.map((c) => c.coverage)).toEqual([16.7, 33.3, 0, 0]);
  });
});

describe('lineRanges', () => {
  it('folds runs of lines', () => {
    expect(lineRanges([1, 2, 3, 5, 7, 8])).toEqual(['1-3', '5', '7-8']);
    expect(lineRanges([])).toEqual([]);
  });
});
