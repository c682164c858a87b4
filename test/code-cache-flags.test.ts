// A flag sdna sets while it runs (a large tree's heap growth) must not make V8
// refuse the compiled code kept by a run that set it, nor by one that did not:
// V8 compares a hash of its flags with the one a code cache was made under.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asMadeLong, REPO, tempProject, write } from './helpers.js';

const JITI = path.join(REPO, 'node_modules', '.bin', 'jiti');
const SCRIPT = path.join(REPO, 'test', 'flagged-code-cache.ts');

describe('compiled code kept across runs that set V8 flags', () => {
  it('a cache made by a run that set a flag is taken by one that did not, and the other way round', () => {
    const dir = tempProject();
    // A module with enough functions that V8 keeps compiled code for them.
    const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n');
    write(dir, 'mod.cjs', `${functions}\nlet s = 0;\nfor (let i = 0; i < 200; i++) s += eval('f' + i)(i);\nmodule.exports = s;\n`);
    const file = path.join(dir, 'mod.cjs');
    const cache = path.join(dir, 'mod.bin');
    const run = (flagged: boolean) => execFileSync(process.execPath, [JITI, SCRIPT, file, cache, flagged ? 'flagged' : 'plain'], { stdio: 'pipe' });
    const taken = (flagged: boolean) => {
      asMadeLong(cache);
      const before = fs.readFileSync(cache);
      run(flagged);
      return fs.readFileSync(cache).equals(before);
    };

    run(true);
    expect(fs.existsSync(cache)).toBe(true);
    expect(taken(false)).toBe(true);
    expect(taken(true)).toBe(true);
    fs.rmSync(cache);
    run(false);
    expect(taken(true)).toBe(true);
    expect(taken(false)).toBe(true);
  });
});
