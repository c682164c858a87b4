// A plan scoped to a change checks only the specs the change touches. What it
// shows must be exactly what scoping the whole plan shows: on every fixture,
// for changes of every kind of file.

import { describe, it } from 'vitest';
import { createPlan } from '../src/plan.js';
import { resolveConfig } from '../src/config.js';
import { scopeToChange } from '../src/change-scope.js';
import { levels } from '../src/model/levels.js';
import { toJsonPlan } from '../src/artifacts/plan-format.js';
import { listFiles } from '../src/util/files.js';
import { FIXTURES } from './helpers.js';
import fs from 'node:fs';
import path from 'node:path';

describe('a plan scoped to a change is the whole plan, scoped', () => {
  it.for(fs.readdirSync(FIXTURES))('on the fixture %s, for each file changed alone and for every third file', async (fixture, { expect }) => {
    const root = path.join(FIXTURES, fixture);
    const config = resolveConfig({}, undefined, root);
    const levelOf = levels(config.rules, config.overrides);
    const whole = await createPlan(config);
    const files = listFiles(root).files;
    const changes = [...files.map((f) => [f]), files.filter((_, i) => i % 3 === 0), ['src/not-there.ts']];
    for (const change of changes) {
      const changed = new Set(change);
      const expected = toJsonPlan(scopeToChange(whole, changed, 'test', levelOf));
      const scoped = toJsonPlan(scopeToChange(await createPlan(config, { changed }), changed, 'test', levelOf));
      expect({ change, plan: scoped }).toEqual({ change, plan: expected });
    }
  });
});
