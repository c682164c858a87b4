// What `npm pack` ships: the licence, the built entry points (the plugin's
// CommonJS build too), and a `prepack` that builds, so a package without dist/
// cannot be packed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

describe('the package', () => {
  it('ships LICENSE and every entry point its exports name; prepack builds', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; license: string };
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.license).toBe('MIT');
    expect(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
    const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    for (const file of ['LICENSE', 'README.md', 'dist/cli.cjs', 'dist/cli-main.cjs', 'dist/index.js', 'dist/outline-worker.js', 'dist/vitest.js', 'dist/vitest.cjs', 'dist/vitest.d.ts', 'dist/vitest.d.cts', 'schema/import.schema.json']) {
      expect(files.has(file), file).toBe(true);
    }
  }, 60_000);
});
