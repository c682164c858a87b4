// Unit tests of file listing (`src/util/files.ts`) and glob matching
// (`src/util/globs.ts`). Listing runs on throw-away folders in the OS temp
// folder; glob fast paths are checked against picomatch itself.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { afterAll, describe, expect, it } from 'vitest';
import { filesUnder, listFiles } from '../src/util/files.js';
import { isInside, resolveFrom } from '../src/util/paths.js';
import { compileGlob, globSet, matchGlob, selectFiles, staticStart } from '../src/util/globs.js';
import { DEFAULT_GLOBS } from '../src/util/default-globs.js';
import { DEFAULTS } from '../src/config.js';

const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty temp folder, removed after the suite. */
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-resolve-'));
  temps.push(dir);
  return dir;
}

/** A temp folder holding `files` (path → content; every path is relative, `/`-separated). */
function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

function symlink(root: string, link: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
  fs.symlinkSync(target, path.join(root, link));
}

function listed(root: string): string[] {
  return listFiles(root).files;
}

/** `matchGlob` over a sorted file list. */
function match(pattern: string, files: string[]): string[] {
  const sorted = [...files].sort();
  return matchGlob(compileGlob(pattern), sorted, new Set(sorted));
}

describe('resolveFrom', () => {
  it('resolves a path against the folder of the file it is written in', () => {
    expect(resolveFrom('specs/links.spec.md', '../src/links.ts')).toBe('src/links.ts');
    expect(resolveFrom('specs/a/b.spec.md', '../../src/**/*.ts')).toBe('src/**/*.ts');
    expect(resolveFrom('specs/links.spec.md', './local.ts')).toBe('specs/local.ts');
    expect(resolveFrom('links.spec.md', 'src/x.ts')).toBe('src/x.ts');
  });

  it('drops a trailing slash and turns backslashes into slashes', () => {
    expect(resolveFrom('specs/links.spec.md', '../src/links/')).toBe('src/links');
    expect(resolveFrom('specs/links.spec.md', '..\\src\\links.ts')).toBe('src/links.ts');
  });

  it('gives the root itself as the empty path', () => {
    expect(resolveFrom('specs/links.spec.md', '..')).toBe('');
    expect(resolveFrom('links.spec.md', '.')).toBe('');
  });

  it('refuses paths that leave the root, and absolute paths', () => {
    expect(
      ['../../x.ts', '../x/../../y', '/etc/passwd', 'C:\\Windows\\x', 'c:/x'].map((ref) => resolveFrom('specs/a.spec.md', ref)),
    ).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(resolveFrom('a.spec.md', '..')).toBeUndefined();
  });

  it('keeps a name that only starts with two dots inside the root', () => {
    expect(resolveFrom('a.spec.md', '..config/x.ts')).toBe('..config/x.ts');
  });

  it('gives what resolving segment by segment gives, for every mix of steps, dots, doubled and trailing slashes', () => {
    // The definition: each segment from the file's folder; an empty or `.` one is skipped, `..` steps up, never past the root.
    const bySegment = (from: string, ref: string) => {
      const out = from.split('/').slice(0, -1);
      for (const segment of ref.split('/')) {
        if (segment === '' || segment === '.') continue;
        if (segment !== '..') out.push(segment);
        else if (out.length === 0) return undefined;
        else out.pop();
      }
      return out.join('/');
    };
    const pieces = ['..', '.', '', 'src', '..config', '.hidden', 'a.ts', '**', '*.test.ts', '[id]'];
    const refs: string[] = [];
    for (const a of pieces) for (const b of pieces) for (const c of pieces) refs.push(`${a}/${b}/${c}`, `${a}/${b}`, a);
    let compared = 0;
    for (const from of ['a.spec.md', 'specs/a.spec.md', 'specs/deep/er/a.spec.md']) {
      for (const ref of refs) {
        if (ref.startsWith('/')) continue;
        expect([from, ref, resolveFrom(from, ref)]).toEqual([from, ref, bySegment(from, ref)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });
});

describe('isInside', () => {
  it('is true for the folder itself and anything below it', () => {
    expect([isInside('/r', '/r'), isInside('/r/a', '/r'), isInside('/r/a/b.ts', '/r')]).toEqual([true, true, true]);
  });

  it('is false for the parent, a sibling and a sibling sharing the prefix', () => {
    expect([isInside('/', '/r'), isInside('/s/a', '/r'), isInside('/ra/x', '/r'), isInside('/r/../s', '/r')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('a file whose name starts with `..` is inside its folder', () => {
    // `path.relative` gives `..a`, which `startsWith('..')` takes for a parent path.
    expect(isInside('/r/..a', '/r')).toBe(true);
  });
});

describe('filesUnder', () => {
  const sorted = ['a.ts', 'src', 'src-x/a.ts', 'src.ts', 'src/a.ts', 'src/b/c.ts', 'srcx/a.ts', 'z.ts'];

  it('returns the files below a folder, not files sharing its prefix', () => {
    expect(filesUnder(sorted, 'src')).toEqual(['src/a.ts', 'src/b/c.ts']);
    expect(filesUnder(sorted, 'src/b')).toEqual(['src/b/c.ts']);
  });

  it('returns every file for the root and none for a folder that does not exist', () => {
    expect(filesUnder(sorted, '')).toEqual(sorted);
    expect(filesUnder(sorted, 'lib')).toEqual([]);
    expect(filesUnder([], 'src')).toEqual([]);
  });
});

describe('listFiles', () => {
  it('lists files sorted, root-relative, with `/` separators, and the same in `set`', () => {
    const root = tree({ 'z.ts': '', 'src/b/c.ts': '', 'src/a.ts': '', 'A.md': '', '.env': '' });
    const { files, set } = listFiles(root);
    expect(files).toEqual(['.env', 'A.md', 'src/a.ts', 'src/b/c.ts', 'z.ts']);
    expect([...set]).toEqual(files);
  });

  it('honours the root `.gitignore`: names, folders, anchored paths and globs', () => {
    const root = tree({
      '.gitignore': '# comment\n*.log\nlogs/\n/top.txt\nsrc/gen-*.ts\n',
      'a.log': '',
      'logs/x.txt': '',
      'top.txt': '',
      'src/top.txt': '',
      'src/gen-a.ts': '',
      'src/a.ts': '',
      'src/deep/b.log': '',
    });
    expect(listed(root)).toEqual(['.gitignore', 'src/a.ts', 'src/top.txt']);
  });

  it('applies a nested `.gitignore` relative to its own folder only', () => {
    const root = tree({
      'pkg/.gitignore': '/local.txt\n*.tmp\nout/\n',
      'pkg/local.txt': '',
      'pkg/sub/local.txt': '',
      'pkg/a.tmp': '',
      'pkg/sub/b.tmp': '',
      'pkg/out/x.ts': '',
      'local.txt': '',
      'c.tmp': '',
      'out/y.ts': '',
    });
    expect(listed(root)).toEqual(['c.tmp', 'local.txt', 'out/y.ts', 'pkg/.gitignore', 'pkg/sub/local.txt']);
  });

  it('honours a negation `!` in the same `.gitignore`', () => {
    const root = tree({ '.gitignore': '*.log\n!keep.log\n', 'a.log': '', 'keep.log': '', 'sub/keep.log': '' });
    expect(listed(root)).toEqual(['.gitignore', 'keep.log', 'sub/keep.log']);
  });

  it('a negation in a nested `.gitignore` re-includes a file a parent `.gitignore` ignores', () => {
    // git: "patterns in lower-level files override those in higher-level files".
    // `ignored()` returns true as soon as any rule set ignores the path.
    const root = tree({ '.gitignore': '*.log\n', 'sub/.gitignore': '!keep.log\n', 'sub/keep.log': '', 'sub/drop.log': '' });
    expect(listed(root)).toEqual(['.gitignore', 'sub/.gitignore', 'sub/keep.log']);
  });

  it('honours `.git/info/exclude`', () => {
    const root = tree({ '.git/info/exclude': '*.secret\n', 'a.secret': '', 'src/b.secret': '', 'src/a.ts': '' });
    expect(listed(root)).toEqual(['src/a.ts']);
  });

  it('a `.gitignore` negation overrides `.git/info/exclude`', () => {
    // git gives `.gitignore` files precedence over `.git/info/exclude`.
    const root = tree({ '.git/info/exclude': '*.tmp\n', '.gitignore': '!keep.tmp\n', 'keep.tmp': '', 'drop.tmp': '' });
    expect(listed(root)).toEqual(['.gitignore', 'keep.tmp']);
  });

  it('always skips dependency, VCS and build-output folders, at any depth', () => {
    const files: Record<string, string> = { 'src/a.ts': '', 'src/dist.ts': '', 'builder/x.ts': '' };
    for (const dir of ['node_modules', '.git', 'dist', 'build', 'coverage', 'packages/p/node_modules', 'packages/p/dist']) {
      files[`${dir}/x.ts`] = '';
    }
    expect(listed(tree(files))).toEqual(['builder/x.ts', 'src/a.ts', 'src/dist.ts']);
  });

  it('does not follow a symlinked folder', () => {
    const root = tree({ 'real/a.ts': '' });
    symlink(root, 'linked', 'real');
    expect(listed(root)).toEqual(['real/a.ts']);
  });

  it('does not hang on folder symlink loops', () => {
    const root = tree({ 'a/x.ts': '' });
    symlink(root, 'a/up', '..');
    symlink(root, 'self', '.');
    symlink(root, 'loop1', 'loop2');
    symlink(root, 'loop2', 'loop1');
    // loop1/loop2 cannot be resolved at all: listed, like a dangling link, so that
    // reading them gives a clear error; the folder links are not.
    expect(listed(root)).toEqual(['a/x.ts', 'loop1', 'loop2']);
  });

  it('lists a symlinked file that resolves inside the root', () => {
    const root = tree({ 'src/real.ts': '' });
    symlink(root, 'src/alias.ts', 'real.ts');
    symlink(root, 'top.ts', path.join(root, 'src', 'real.ts'));
    expect(listed(root)).toEqual(['src/alias.ts', 'src/real.ts', 'top.ts']);
  });

  it('does not list a symlinked file that resolves outside the root', () => {
    const outside = tree({ 'secret.ts': '' });
    const root = tree({ 'src/a.ts': '' });
    symlink(root, 'src/escape.ts', path.join(outside, 'secret.ts'));
    symlink(root, 'rel-escape.ts', path.relative(root, path.join(outside, 'secret.ts')));
    expect(listed(root)).toEqual(['src/a.ts']);
  });

  it('lists a dangling symlink', () => {
    const root = tree({ 'src/a.ts': '' });
    symlink(root, 'src/gone.ts', 'missing.ts');
    expect(listed(root)).toEqual(['src/a.ts', 'src/gone.ts']);
  });

  it('skips a symlink that a `.gitignore` names', () => {
    const root = tree({ '.gitignore': 'alias.ts\n', 'real.ts': '' });
    symlink(root, 'alias.ts', 'real.ts');
    expect(listed(root)).toEqual(['.gitignore', 'real.ts']);
  });

  it('finds the same files when the root is reached through a symlink', () => {
    const root = tree({ 'src/real.ts': '' });
    symlink(root, 'src/alias.ts', 'real.ts');
    const via = path.join(tempDir(), 'root-link');
    fs.symlinkSync(root, via);
    expect(listed(via)).toEqual(['src/alias.ts', 'src/real.ts']);
  });
});

describe('compileGlob', () => {
  it('compiles a path without magic to a literal that names only itself', () => {
    const g = compileGlob('src/links.ts');
    expect([g.pattern, g.base, g.literal]).toEqual(['src/links.ts', '', true]);
    expect(['src/links.ts', 'src/links.tsx', 'src/links.ts/x', 'x/src/links.ts'].map(g.test)).toEqual([true, false, false, false]);
  });

  it('gives each glob its static folder as `base`', () => {
    const bases = ['src/*.ts', 'src/**/*.ts', 'src/a/*', 'src/{a,b}.ts', 'src/a/[ab].ts', '**/*.ts', '{src,lib}/*.ts', 'src/links'].map(
      (p) => [p, compileGlob(p).base, compileGlob(p).literal],
    );
    expect(bases).toEqual([
      ['src/*.ts', 'src', false],
      ['src/**/*.ts', 'src', false],
      ['src/a/*', 'src/a', false],
      ['src/{a,b}.ts', 'src', false],
      ['src/a/[ab].ts', 'src/a', false],
      ['**/*.ts', '', false],
      ['{src,lib}/*.ts', '', false],
      ['src/links', '', true],
    ]);
  });

  it('throws on unclosed brackets, braces and parentheses instead of reading them literally', () => {
    expect(() => compileGlob('src/[')).toThrow('Missing closing: "]"');
    expect(() => compileGlob('src/{a')).toThrow('Missing closing: "}"');
    expect(() => compileGlob('src/(a')).toThrow('Missing closing: ")"');
    expect(() => compileGlob('src/a]')).toThrow('Missing opening: "["');
  });

  describe('agrees with picomatch({ dot: true }) on every file', () => {
    const PATTERNS = [
      'src/*.ts',
      'src/**/*.ts',
      'src/a/*',
      'src/**/*',
      'src/*.spec.md',
      'src/{a,b}.ts',
      'src/{a,b/c,}.ts',
      'src/a/{b.ts,.ts,c.ts}',
      '{src,lib}/a.ts',
      'src/{a,.hidden}',
      'src/**/*.{ts,tsx}',
      'src/a.ts',
      'src/[ab].ts',
      'src/*',
      'src/a/**/*.ts',
      'src/*.',
      '**/*.ts',
      '*.ts',
      '**/*.spec.md',
      '**/*',
      'src',
      '**/*.{test,spec}.?(c|m)[jt]s?(x)',
      '**/a.ts',
      '**/.a',
      '**/[ab].ts',
      '**/a*',
      '**/src/*.ts',
      '**/*.test.ts',
      '**/*.d.{ts,mts}',
      '**/*.{test,spec,bench}.*',
      '**/?.ts',
      '**/!(a).ts',
      '**/@(a|b).ts',
      '**/*.spec.m?(c|j)sx',
      '**/[!a]*.ts',
    ];

    /** mulberry32: a small seeded generator, so every run sees the same paths. */
    function random(seed: number): () => number {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    function filePaths(count: number): string[] {
      const next = random(42);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
      const roots = ['src', 'src', 'src', 'lib', '.src', 'srcx', 'src-a'];
      const dirs = ['a', 'b', '.hidden', 'ts', 'a.ts', 'x y'];
      const names = [
        'a.ts',
        'b.ts',
        'c.ts',
        '.ts',
        'a.ts.bak',
        'x.tsx',
        'a.spec.md',
        '.spec.md',
        'a',
        '.a',
        'ts',
        'A.TS',
        'a.d.ts',
        'a.',
        '[ab].ts',
        'x.tsx.ts',
        'a.test.ts',
        'a.spec.mjsx',
        'b.spec.cjs',
        '.test.ts',
        'a.test.tsx.md',
      ];
      const out = new Set<string>(['src', 'src/a', 'src/a.ts', 'src/.ts', 'a.ts', '.ts', 'src/a/.ts', 'src/.hidden/a.ts']);
      while (out.size < count) {
        const depth = Math.floor(next() * 4);
        const parts = next() < 0.1 ? [] : [pick(roots)];
        for (let i = 0; i < depth; i++) parts.push(pick(dirs));
        parts.push(pick(names));
        out.add(parts.join('/'));
      }
      return [...out].sort();
    }

    const FILES = filePaths(400);

    it('has a few hundred distinct generated paths', () => {
      expect(FILES.length).toBe(400);
    });

    it.each(PATTERNS)('%s', (pattern) => {
      const ours = compileGlob(pattern);
      const theirs = picomatch(pattern, { dot: true });
      const disagreements = FILES.filter((f) => ours.test(f) !== theirs(f)).map((f) => `${f}: ${ours.test(f)} vs ${theirs(f)}`);
      expect(disagreements).toEqual([]);
      // Something must match, or the comparison says little.
      expect(FILES.some((f) => theirs(f))).toBe(true);
    });

    it.each([
      [['**/*.spec.md', '**/specs/*/spec.md', '**/.kiro/specs/*/requirements.md', '**/openspec/specs/**/spec.md', '!**/fixtures/**', '!**/a/**']],
      [['**/*.d.ts', '**/*.d.{mts,cts}', '**/*.{test,spec,bench}.*', '**/{__tests__,ts}/**']],
      [['src/*.ts', '**/a.ts', '**/.a', 'src/a/{b.ts,.ts,c.ts}']],
      [['**/a.ts', '**/.a']],
      [['**/a.ts']],
      [['**/a.spec.md', 'src/**/*.spec.md', '**/b/*.md']],
      [['**/*.{test,spec}.?(c|m)[jt]s?(x)', 'src/**/*.ts', '!src/a/**']],
      [['src/*.', '**/[ab].ts', 'lib']],
    ])('as a list, as picomatch says of each pattern: %j', (patterns) => {
      const set = globSet(patterns);
      const positive = patterns.filter((p) => !p.startsWith('!')).map((p) => picomatch(p, { dot: true }));
      const negative = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(p.slice(1), { dot: true }));
      const theirs = (f: string) => positive.some((m) => m(f) || f.startsWith(`${patterns.find((p) => !/[*?[\]{}()!@+\\]/.test(p)) ?? '\0'}/`)) && !negative.some((m) => m(f));
      const disagreements = FILES.filter((f) => set.test(f) !== theirs(f)).map((f) => `${f}: ${set.test(f)} vs ${theirs(f)}`);
      expect(disagreements).toEqual([]);
      expect(FILES.filter((f) => theirs(f)).length).toBeGreaterThan(3);
    });

    it.each([...PATTERNS, './src/*.ts', 'src/a/', './src/a.ts', 'src/../src/*.ts', 'src/a.ts/', 'src/**/.a', '!src/*.ts', 'src/a?.ts', 'lib/*/a.ts', 'src/a/**'])(
      'every file %s matches begins with its static start',
      (pattern) => {
        const start = staticStart(pattern);
        if (start === undefined) {
          // Only a pattern that might not compile is left to compiling.
          expect(pattern).toMatch(/[[\](){}]/);
          return;
        }
        const matched = matchGlob(compileGlob(pattern), FILES, new Set(FILES));
        expect(matched.filter((f) => !f.startsWith(start))).toEqual([]);
      },
    );

    it('a static start is given for a list of names in braces, never for a pattern that might not compile', () => {
      expect(['src/{a,b}.ts', 'src/x/{a,b/c}.ts', '{src,lib}/a.ts'].map(staticStart)).toEqual(['src/', 'src/x/', '']);
      for (const pattern of ['src/[', 'src/{a', 'src/(a', 'src/a]', 'src/{a}.ts', 'src/[ab].ts', '**/*.?(c|m)ts', `src/${'a'.repeat(70_000)}*.ts`]) {
        expect(staticStart(pattern)).toBeUndefined();
      }
      expect(['src/a.ts', './src/a/', 'src/*.ts', 'src/a/**/*.ts', '**/*.ts', 'src/a?.ts'].map(staticStart)).toEqual(['src/a.ts', 'src/a', 'src/', 'src/a/', '', 'src/']);
    });

    it('a file named exactly like a brace pattern matches it, as in picomatch', () => {
      // picomatch's matcher returns true when the path equals the pattern
      // (`input === glob`); compileGlob uses the bare regex and loses that.
      // (Brackets agree: the regex picomatch builds for `[ab]` also takes it literally.)
      expect(picomatch('src/{a,b}.ts', { dot: true })('src/{a,b}.ts')).toBe(true);
      expect(compileGlob('src/{a,b}.ts').test('src/{a,b}.ts')).toBe(true);
    });

    it('matches a bracket pattern both as a class and literally, as picomatch does (`app/[id]/page.tsx`)', () => {
      expect(compileGlob('app/[id]/page.tsx').test('app/[id]/page.tsx')).toBe(true);
      expect(compileGlob('app/[id]/page.tsx').test('app/i/page.tsx')).toBe(true);
    });

    it('`./src/*.ts` (a leading `./`, as picomatch accepts in config globs) matches `src/a.ts`', () => {
      // The fast path compares the raw prefix `./src/`, and a literal `./src/a.ts`
      // compares the raw string: neither matches a root-relative `src/a.ts`.
      const files = ['src/a.ts', 'src/b.tsx'];
      for (const pattern of ['./src/*.ts', './src/a.ts']) {
        const theirs = picomatch(pattern, { dot: true });
        expect(files.map(compileGlob(pattern).test)).toEqual(files.map((f) => theirs(f)));
      }
    });
  });
});

describe('the default globs, compiled ahead', () => {
  it("is picomatch's own regex and base for every default config glob, and no other pattern", () => {
    const patterns = [...DEFAULTS.specs, ...DEFAULTS.include, ...DEFAULTS.exclude, ...DEFAULTS.tests].map((p) => p.replace(/^!/, ''));
    const magic = patterns.filter((p) => /[*?[\]{}()!@+\\]/.test(p));
    expect(Object.keys(DEFAULT_GLOBS).sort()).toEqual([...new Set(magic)].sort());
    for (const [pattern, [source, flags, base]] of Object.entries(DEFAULT_GLOBS)) {
      const re = picomatch.makeRe(pattern, { dot: true, strictBrackets: true });
      const scan = picomatch.scan(pattern);
      expect([source, flags, base], pattern).toEqual([re.source, re.flags, scan.isGlob ? scan.base : '']);
    }
  });

  it('matches as picomatch does', () => {
    const files = ['a.spec.md', 'x/specs/a/spec.md', 'specs/a/b/spec.md', '.kiro/specs/a/requirements.md', 'openspec/specs/a/b/spec.md', 'src/a.ts', 'src/x/a.d.mts', 'lib/a.ts', 'a.test.ts', 'a.spec.cjs', 'x/a.test.mtsx', 'x/fixtures/a.ts', 'x/__tests__/a.ts', 'a.bench.js', '.hidden/a.test.ts'];
    for (const pattern of Object.keys(DEFAULT_GLOBS)) {
      const theirs = picomatch(pattern, { dot: true });
      expect(files.map(compileGlob(pattern).test), pattern).toEqual(files.map((f) => theirs(f)));
    }
  });
});

describe('matchGlob', () => {
  const FILES = ['src/links/a.ts', 'src/links/b/c.ts', 'src/links.ts', 'src/linksx/d.ts', 'src/other.ts', 'test/a.test.ts'];

  it('returns the one file a literal path names', () => {
    expect(match('src/links.ts', FILES)).toEqual(['src/links.ts']);
  });

  it('returns every file below a literal folder path, with or without a trailing slash', () => {
    expect(match('src/links', FILES)).toEqual(['src/links/a.ts', 'src/links/b/c.ts']);
    expect(match('src/links/', FILES)).toEqual(['src/links/a.ts', 'src/links/b/c.ts']);
  });

  it('returns nothing for a literal path that names neither a file nor a folder', () => {
    expect(match('src/gone.ts', FILES)).toEqual([]);
    expect(match('src/lin', FILES)).toEqual([]);
  });

  it('returns the files a glob matches, in sorted order', () => {
    expect(match('src/**/*.ts', FILES)).toEqual(['src/links.ts', 'src/links/a.ts', 'src/links/b/c.ts', 'src/linksx/d.ts', 'src/other.ts']);
    expect(match('src/*.ts', FILES)).toEqual(['src/links.ts', 'src/other.ts']);
    expect(match('**/a.*', FILES)).toEqual(['src/links/a.ts', 'test/a.test.ts']);
  });
});

describe('globSet', () => {
  it('matches a file that any of its globs matches', () => {
    const set = globSet(['src/**/*.ts', 'lib/*.js']);
    expect(['src/a/b.ts', 'lib/x.js', 'lib/y/x.js', 'src/a.md'].map(set.test)).toEqual([true, true, false, false]);
    expect(set.globs.map((g) => g.pattern)).toEqual(['src/**/*.ts', 'lib/*.js']);
  });

  it('matches a literal folder and every file below it, but not a sibling sharing its prefix', () => {
    const set = globSet(['fixtures', 'README.md']);
    expect(['fixtures', 'fixtures/a/b.ts', 'fixtures-old/a.ts', 'README.md', 'docs/README.md'].map(set.test)).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
  });

  it('matches nothing when empty', () => {
    expect(globSet([]).test('src/a.ts')).toBe(false);
  });

  it('throws on an invalid glob', () => {
    expect(() => globSet(['src/*.ts', 'src/{a'])).toThrow('Missing closing: "}"');
  });

  it('a literal folder with a trailing slash matches the files below it, as matchGlob does', () => {
    // globSet tests `file.startsWith('generated//')`; matchGlob strips the slash first.
    // A config `exclude: ["generated/"]` therefore excludes nothing.
    expect(globSet(['generated/']).test('generated/a.ts')).toBe(true);
  });
});

describe('selectFiles', () => {
  it('returns the union of the files every glob matches, each once', () => {
    const sorted = ['lib/x.js', 'src/a.ts', 'src/b/c.ts', 'src/b/d.md', 'test/a.test.ts'];
    const globs = ['src/**/*.ts', 'src/b', 'lib/x.js', 'nothing/*.ts'].map(compileGlob);
    expect([...selectFiles(globs, sorted, new Set(sorted))]).toEqual(['src/a.ts', 'src/b/c.ts', 'src/b/d.md', 'lib/x.js']);
  });

  it('returns an empty set for no globs', () => {
    expect(selectFiles([], ['a.ts'], new Set(['a.ts'])).size).toBe(0);
  });
});
