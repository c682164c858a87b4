// Watch mode re-plans often: a spec whose size and mtime are unchanged is not read again.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlan, resolveConfig } from '../dist/index.js';
import { sdna, tempProject } from './helpers.js';

describe('createPlan with a spec cache', () => {
  it('reuses unchanged specs and re-reads only the edited one', async () => {
    const root = tempProject('clean');
    const config = resolveConfig({}, undefined, root);
    const specCache = new Map();
    const first = await createPlan(config, { specCache });
    const second = await createPlan(config, { specCache });
    // Same objects: nothing was parsed again.
    expect(second.specs.map((s) => s.id)).toEqual(['limiter', 'links']);
    expect(second.specs[0]).toBe(first.specs[0]);
    expect(second.specs[1]).toBe(first.specs[1]);

    const file = path.join(root, 'specs/limiter.spec.md');
    fs.appendFileSync(file, '- **Drain**\n  Empties a bucket at once.\n');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);
    const third = await createPlan(config, { specCache });
    expect(third.specs[0]).not.toBe(first.specs[0]);
    expect(third.specs[0].capabilities.map((c) => c.id)).toEqual(['limiter/take-token', 'limiter/refill', 'limiter/drain']);
    expect(third.specs[1]).toBe(first.specs[1]);
  });

  it('across runs, through the parse cache: an unchanged spec is not read, an edited one is, and what the plan adds to a spec (config targets) never sticks to the cache', async () => {
    const root = tempProject('clean');
    const cacheDir = path.join(root, 'cache');
    const plan = async (...more: string[]) => JSON.parse((await sdna(['plan', '--json', '--root', root, ...more], { root, cwd: root })).stdout) as { findings: { kind: string }[] };
    fs.writeFileSync(path.join(root, 'sdna.config.json'), JSON.stringify({ specs: [{ path: 'specs/limiter.spec.md', targets: ['src/extra/**'] }] }));
    const cold = await plan('--cache-dir', cacheDir);
    expect(cold.findings.map((f) => f.kind)).toContain('stale-target');
    // The config's target goes with the config, not with the cache.
    fs.rmSync(path.join(root, 'sdna.config.json'));
    const warm = await plan('--cache-dir', cacheDir);
    expect(warm).toEqual(await plan('--no-cache'));
    expect(warm.findings.map((f) => f.kind)).not.toContain('stale-target');
    // Edited: read again.
    const file = path.join(root, 'specs/limiter.spec.md');
    fs.appendFileSync(file, '- **Drain**\n  Empties a bucket at once.\n');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);
    expect(await plan('--cache-dir', cacheDir)).toEqual(await plan('--no-cache'));
    expect(JSON.stringify(await plan('--cache-dir', cacheDir))).toContain('limiter/drain');
  });
});
