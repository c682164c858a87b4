// A flag sdna sets while it runs (a large tree's heap growth) must not make V8
// refuse compiled code kept by a run that set it, nor by one that did not: V8
// compares a hash of its flags with the one a code cache was made under. Code
// loaded once the flag is set keeps its cache under a name of its own.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asMadeLong, REPO, tempProject, write } from './helpers.js';

const JITI = path.join(REPO, 'node_modules', '.bin', 'jiti');
const SCRIPT = path.join(REPO, 'test', 'flagged-code-cache.ts');

describe('compiled code kept across runs that set V8 flags', () => {
  it('code loaded after a flag was set keeps its cache under a name that says so, code loaded before keeps the plain one, and each run takes the cache it finds', () => {
    const dir = tempProject();
    // A module with enough functions that V8 keeps compiled code for them.
    const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n');
    write(dir, 'mod.cjs', `${functions}\nlet s = 0;\nfor (let i = 0; i < 200; i++) s += eval('f' + i)(i);\nmodule.exports = s;\n`);
    const file = path.join(dir, 'mod.cjs');
    const caches = path.join(dir, 'caches');
    fs.mkdirSync(caches);
    type When = 'plain' | 'before' | 'after' | 'after-copy';
    const run = (when: When) => execFileSync(process.execPath, [JITI, SCRIPT, file, caches, when], { encoding: 'utf8' });
    /** Whether a run took the cache it found: it leaves a cache made by a long run as it was. */
    const taken = (when: When, name: string) => {
      const cache = path.join(caches, name);
      asMadeLong(cache);
      const before = fs.readFileSync(cache);
      expect(run(when)).toBe(name);
      return fs.readFileSync(cache).equals(before);
    };

    const flagged = run('before');
    expect(flagged).toMatch(/^v8-mod-heap-growing-percent-30-[0-9a-f]{16}\.bin$/);
    expect(taken('before', flagged)).toBe(true);
    const plain = run('plain');
    expect(plain).toMatch(/^v8-mod-[0-9a-f]{16}\.bin$/);
    expect(fs.readdirSync(caches).sort()).toEqual([flagged, plain].sort());
    expect(taken('plain', plain)).toBe(true);
    // Loaded before the flag was set, its cache is made at exit under the flags it was read under.
    expect(taken('after', plain)).toBe(true);
    fs.rmSync(path.join(caches, plain));
    expect(run('after')).toBe(plain);
    expect(taken('plain', plain)).toBe(true);
    expect(taken('before', flagged)).toBe(true);
    // Set by another copy of the module that sets flags: the cache is still made under the flags it was read under.
    fs.rmSync(path.join(caches, plain));
    expect(run('after-copy')).toBe(plain);
    expect(taken('plain', plain)).toBe(true);
  });
});
