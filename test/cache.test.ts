// The parse cache: a second plan of an unchanged tree parses nothing again; a
// broken cache is ignored and rewritten; --no-cache and --cache-dir.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, it } from 'vitest';
import { cacheSections, FIXTURES, SMALL_PLAN_FLAGS, sdna, tempProject } from './helpers.js';

function project(): string {
  const root = tempProject('clean');
  fs.mkdirSync(path.join(root, 'node_modules'));
  return root;
}

const cacheLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('  parse cache: '));

describe.concurrent('parse cache', () => {
  it('a second plan of an unchanged tree re-parses nothing and prints the same plan', async ({ expect }) => {
    const root = project();
    const first = await sdna(['plan', '--root', root, '--performance'], { root });
    expect(cacheLine(first.stderr)).toMatch(/^ {2}parse cache: .*node_modules\/\.cache\/sdna: 0 hits, [1-9]\d* misses$/);
    expect(fs.existsSync(path.join(root, 'node_modules/.cache/sdna/parse-cache.json'))).toBe(true);
    const second = await sdna(['plan', '--root', root, '--performance'], { root });
    expect(cacheLine(second.stderr)).toMatch(/: [1-9]\d* hits, 0 misses$/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('an edited test file is parsed again, the others are not', async ({ expect }) => {
    const root = project();
    await sdna(['plan', '--root', root]);
    fs.appendFileSync(path.join(root, 'test/links.test.ts'), "\nit('one more', () => {});\n");
    const r = await sdna(['plan', '--root', root, '--performance'], { root });
    expect(cacheLine(r.stderr)).toMatch(/: [1-9]\d* hits, 1 misses$/);
  });

  it('a corrupt cache is ignored and rewritten', async ({ expect }) => {
    const root = project();
    const file = path.join(root, 'node_modules/.cache/sdna/parse-cache.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ not json');
    const clean = await sdna(['plan', '--root', path.join(FIXTURES, 'clean')], { root: path.join(FIXTURES, 'clean') });
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.stdout).toBe(clean.stdout);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0])).toMatchObject({ format: 5 });
  });

  it('a cache whose lines are garbled in any way is ignored and rebuilt, never a crash', { timeout: 180_000 }, async ({ expect }) => {
    const root = tempProject('api-drift');
    fs.mkdirSync(path.join(root, 'node_modules'));
    const file = path.join(root, 'node_modules/.cache/sdna/parse-cache.json');
    const first = await sdna(['plan', '--root', root], { root });
    const written = fs.readFileSync(file);
    // Each kind's section, where the header says it lies.
    const { header, kinds, sections } = cacheSections(written);
    expect(kinds.map(([kind]) => kind)).toEqual(expect.arrayContaining(['api', 'plan-memo-2', 'file:spec-3']));
    const withSection = (i: number, text: string) => [header, ...sections.map((s, j) => (j === i ? text : s))].join('\n') + '\n';
    // Each section garbled in each way (the whole plan kept, the API results, the specs...): of another length
    // (every later section then lies elsewhere), of the same length, one entry without its key, every value
    // of the wrong shape; then the header.
    const garbage = kinds.flatMap((_, i) => ['null', sections[i].replace(/\[/g, '{'), sections[i].replace(/^"/, ''), sections[i].replace(/\t/, ' '), ...['{}', '5', '[]', '"x"', '[1,{}]'].map((v) => sections[i].replace(/\t.*$/gm, `\t${v}`))].map((g) => withSection(i, g)));
    const api = kinds.findIndex(([kind]) => kind === 'api');
    garbage.push(...['{}', '[]', '"x"\t{"x":5}'].map((g) => withSection(api, g)));
    garbage.push(`${header}\n`, header.replace('"kinds":[', '"kinds":[5,'), header.replace('"kinds"', '"kind"'), written.subarray(0, Math.floor(written.length / 2)).toString('utf8'));
    garbage.push(withSection(0, sections[0]).replace(/"kinds":\[\["([^"]+)",\d+\]/, '"kinds":[["$1",99999999]'));
    for (const text of garbage) {
      fs.writeFileSync(file, text);
      const r = await sdna(['plan', '--root', root], { root });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: first.code, stdout: first.stdout, stderr: '' });
      // Whatever it needed of the garbled line, the run rebuilt: the next plan is all from the cache.
      const again = await sdna(['plan', '--root', root, '--performance'], { root });
      expect(again.stdout).toBe(first.stdout);
      expect(cacheLine(again.stderr)).toMatch(/: [1-9]\d* hits, 0 misses$/);
    }
  });

  it('a cache from another sdna version is ignored', async ({ expect }) => {
    const root = project();
    const file = path.join(root, 'node_modules/.cache/sdna/parse-cache.json');
    await sdna(['plan', '--root', root]);
    const [header, ...lines] = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, [JSON.stringify({ ...JSON.parse(header), sdna: '0.0.0-other' }), ...lines].join('\n'));
    const r = await sdna(['plan', '--root', root, '--performance'], { root });
    expect(cacheLine(r.stderr)).toMatch(/: 0 hits, [1-9]\d* misses$/);
  });

  it('--no-cache reads and writes nothing; --cache-dir puts it elsewhere', async ({ expect }) => {
    const root = project();
    const off = await sdna(['plan', '--root', root, '--no-cache', '--performance'], { root });
    expect(cacheLine(off.stderr)).toBe('  parse cache: off');
    expect(fs.existsSync(path.join(root, 'node_modules/.cache'))).toBe(false);
    const dir = path.join(root, 'elsewhere');
    await sdna(['plan', '--root', root, '--cache-dir', dir]);
    // Beside the parse cache, TypeScript's compiled code (the fixture's spec has an API block).
    expect(fs.readdirSync(dir).filter((f) => !new RegExp(`^v8(?:-typescript-${SMALL_PLAN_FLAGS}[0-9a-f]{16}\\.bin)?$`).test(f))).toEqual(['parse-cache.json']);
  });

  it('a project without node_modules gets no cache unless --cache-dir says where', async ({ expect }) => {
    const root = tempProject('clean');
    const r = await sdna(['plan', '--root', root, '--performance'], { root });
    expect(cacheLine(r.stderr)).toBe('  parse cache: off');
  });
});

describe('the cache file', () => {
  it('finds every entry by its key, in any order, and no entry that is not there: keys that begin others, quotes, non-ASCII, and as many as a large tree', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const dir = path.join(tempProject(), 'cache');
    const keys = ['', 'a', 'ab', 'ab!', 'ab"c', 'ab\\c', 'ab c', 'ab\tc', 'abc', 'é', 'zé', 'z\u{1F600}', 'z\uFFFD', 'Z', '~'];
    for (let i = 0; i < 3000; i++) keys.push(`src/m${(i * 7919) % 3000}/f${i}.ts`);
    const first = ParseCache.open(dir, 'test');
    // Stored in an order of their own: the file is sorted when written.
    for (const [i, key] of keys.entries()) first.store('hashes', key, { i });
    first.save();
    const again = () => ParseCache.open(dir, 'test');
    const sorted = again();
    for (const key of [...keys].sort()) expect(sorted.lookup('hashes', key)).toEqual({ i: keys.indexOf(key) });
    const shuffled = again();
    for (let n = 0; n < keys.length; n++) {
      const j = (n * 2_654_435_761) % keys.length;
      expect(shuffled.lookup('hashes', keys[j])).toEqual({ i: j });
      // Keys that sort between and around the stored ones.
      expect(shuffled.lookup('hashes', `${keys[j]}\u0000`)).toBeUndefined();
      expect(shuffled.lookup('hashes', `${keys[j]}\u007f`)).toBeUndefined();
    }
    expect(again().lookup('hashes', '\u0000')).toBeUndefined();
    expect(again().lookup('hashes', '\u{10FFFF}')).toBeUndefined();
    // Written again with every entry kept, the file is the same.
    const text = fs.readFileSync(path.join(dir, 'parse-cache.json'), 'utf8');
    const keeper = again();
    for (const key of keys) keeper.lookup('hashes', key);
    keeper.store('hashes', 'new', 1);
    keeper.save();
    const rewritten = again();
    for (const key of [...keys, 'new']) expect(rewritten.lookup('hashes', key)).toBeDefined();
    expect(fs.readFileSync(path.join(dir, 'parse-cache.json'), 'utf8').length).toBe(text.length + '"new"\t1\n'.length);
    // Entries of a kind by content that a run did not look up are dropped; the rest are found as before.
    const half = again();
    const looked = keys.filter((_, i) => i % 2 === 0);
    for (const key of looked) half.lookup('hashes', key);
    half.save();
    const after = again();
    for (const key of keys) expect(after.lookup('hashes', key)).toEqual(looked.includes(key) ? { i: keys.indexOf(key) } : undefined);
  });

  it("a root's table finds each file's row in any order, and no file that is not there", async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const dir = path.join(tempProject(), 'cache');
    const files = ['a', 'a b', 'a/b', 'a0', 'ab', 'é', 'z\u{1F600}', 'z\uFFFD', 'tab\tin', 'new\nline'];
    for (let i = 0; i < 2000; i++) files.push(`test/m${(i * 7919) % 2000}/f${i}.test.ts`);
    const valueOf = (i: number) => (i % 10 === 3 ? [`claims of ${i}`] : 0);
    const isValue = (v: unknown): v is string[] | 0 => v === 0 || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    const first = ParseCache.open(dir, 'test');
    first.table('rows', '/root', isValue).keep(files.map((f, i) => [f, `stamp ${i}`, valueOf(i)]));
    first.save();
    const table = () => ParseCache.open(dir, 'test').table('rows', '/root', isValue);
    const sorted = table();
    for (const file of [...files].sort()) expect(sorted.get(file)).toEqual({ stamp: `stamp ${files.indexOf(file)}`, value: valueOf(files.indexOf(file)) });
    const shuffled = table();
    for (let n = 0; n < files.length; n++) {
      const j = (n * 2_654_435_761) % files.length;
      expect(shuffled.get(files[j])).toEqual({ stamp: `stamp ${j}`, value: valueOf(j) });
      // Files that sort between and around the stored ones.
      expect(shuffled.get(`${files[j]}\u0000`)).toBeUndefined();
      expect(shuffled.get(`${files[j]}\u007f`)).toBeUndefined();
      expect(shuffled.get(files[j].slice(0, -1))).toEqual(files.includes(files[j].slice(0, -1)) ? expect.anything() : undefined);
    }
    // Kept again as they are, the table is not written again.
    const stored = fs.readFileSync(path.join(dir, 'parse-cache.json'), 'utf8');
    const same = ParseCache.open(dir, 'test');
    same.table('rows', '/root', isValue).keep(files.map((f, i) => [f, `stamp ${i}`, valueOf(i)]));
    same.save();
    expect(fs.readFileSync(path.join(dir, 'parse-cache.json'), 'utf8')).toBe(stored);
  });

  it('written again, is the file a run storing every entry anew makes: lines found unchanged, kept for a listed file, new and replaced ones in order, and values of megabytes', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const dir = path.join(tempProject(), 'cache');
    const root = '/root';
    const key = (f: string) => `${root}${path.sep}${f}`;
    const files = Array.from({ length: 600 }, (_, i) => `src/f${String(i).padStart(3, '0')}.ts`);
    const listing = (names: string[]) => ({ set: new Set(names), oids: undefined, askedAt: undefined });
    // A value past a batch, with a pair of surrogates astride each megabyte its JSON (a quote first) is encoded by.
    const MB = 1 << 20;
    let large = '';
    for (let m = 1; m <= 3; m++) large += 'x'.repeat(m * MB - 2 - large.length) + '😀';
    const first = ParseCache.open(dir, 'test');
    first.markListed(root, listing(files));
    for (const [i, f] of files.entries()) {
      first.store('file:a', key(f), { i });
      first.store('file:b', key(f), [f, i]);
    }
    first.store('hashes', 'h', 1);
    first.save();

    const expected = new Map<string, Map<string, unknown>>([
      ['file:a', new Map()],
      ['file:b', new Map()],
    ]);
    const second = ParseCache.open(dir, 'test');
    // One file gone (its entries dropped), the rest listed (kept, looked up or not).
    second.markListed(root, listing([...files.slice(0, 599), 'src/a-first.ts', 'src/f100b.ts']));
    for (const [i, f] of files.slice(0, 599).entries()) {
      // Looked up in runs of lines, with gaps; every fifth replaced; the first line of `file:b` never looked up.
      if (i % 7 < 4) expect(second.lookup('file:a', key(f))).toEqual({ i });
      if (i % 11 >= 3 && i > 0) expect(second.lookup('file:b', key(f))).toEqual([f, i]);
      if (i % 5 === 0) second.store('file:a', key(f), { i, again: true });
      expected.get('file:a')!.set(key(f), i % 5 === 0 ? { i, again: true } : { i });
      expected.get('file:b')!.set(key(f), [f, i]);
    }
    // New lines before every line loaded, between two, and of megabytes.
    for (const [f, value] of [['src/a-first.ts', 'first'], ['src/f100b.ts', large]] as const) {
      second.store('file:a', key(f), value);
      expected.get('file:a')!.set(key(f), value);
    }
    second.save();

    const freshDir = path.join(tempProject(), 'cache');
    const fresh = ParseCache.open(freshDir, 'test');
    for (const [kind, entries] of expected) for (const [k, value] of entries) fresh.store(kind, k, value);
    fresh.save();
    // Each section the same bytes (the content kind no run looked up is copied as it was), and as long as the header says.
    const sections = (file: string) => {
      const bytes = fs.readFileSync(file);
      const { kinds, sections: texts, measured } = cacheSections(bytes);
      expect(measured).toBe(bytes.length);
      return new Map(kinds.map(([kind], i) => [kind, texts[i]]));
    };
    const got = sections(path.join(dir, 'parse-cache.json'));
    const want = sections(path.join(freshDir, 'parse-cache.json'));
    expect([...got.keys()].sort()).toEqual(['file:a', 'file:b', 'hashes']);
    expect(got.get('file:a') === want.get('file:a')).toBe(true);
    expect(got.get('file:b') === want.get('file:b')).toBe(true);
    const again = ParseCache.open(dir, 'test');
    expect(again.lookup('file:a', key('src/f100b.ts')) === large).toBe(true);
    expect(again.lookup('file:a', key('src/f599.ts'))).toBeUndefined();
    expect(again.lookup('hashes', 'h')).toBe(1);
  });

  it('holds what a run stores as its JSON, not the value: a value cut from a file\'s text does not keep the text alive until the save', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const { withV8Flag } = await import('../src/util/v8-flags.js');
    const gc = withV8Flag('--expose-gc', '--no-expose-gc', () => vm.runInNewContext('gc') as () => void);
    const dir = path.join(tempProject(), 'cache');
    const cache = ParseCache.open(dir, 'test');
    gc();
    const before = process.memoryUsage().heapUsed;
    const types: string[] = [];
    (() => {
      // A 64 MB text, and types cut from it as a parser cuts them (V8 keeps such a slice as a view of the text).
      const text = 'type T = string; '.repeat(4 << 20);
      for (let i = 0; i < 100; i++) {
        const type = text.slice(i * 17, i * 17 + 40);
        types.push(`${type}`.split('').join(''));
        cache.store('file:types', `/root/f${i}.ts`, { type });
      }
    })();
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 << 20);
    cache.save();
    const again = ParseCache.open(dir, 'test');
    for (let i = 0; i < 100; i++) expect(again.lookup('file:types', `/root/f${i}.ts`)).toEqual({ type: types[i] });
  });

  it('spills what it stores past a bound to a file of its own, and writes the same cache as one that held every entry: interleaved kinds, keys out of order, replaced entries, values of megabytes, entries looked up before the save, a second save', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const MB = 1 << 20;
    // Surrogate pairs astride the megabytes a large value is written by.
    let large = '';
    for (let m = 1; m <= 3; m++) large += 'y'.repeat(m * MB - 3 - large.length) + '😀';
    const entries: [string, string, unknown][] = [];
    for (let i = 0; i < 500; i++) {
      const n = (i * 7919) % 500;
      entries.push(['file:a', `/root/src/f${n}.ts`, { n, s: 'é'.repeat(n % 5) }]);
      entries.push(['file:b', `/root/src/f${n}.ts`, [n]]);
      if (i % 50 === 0) entries.push(['plan', `/root\n${n}`, { text: i === 250 ? large : 'small', n }]);
      // Stored again: the later value is the one kept.
      if (i % 9 === 0) entries.push(['file:a', `/root/src/f${(n + 3) % 500}.ts`, { again: n }]);
    }
    const { jsonPieces } = await import('../src/util/json-pieces.js');
    /** `inPieces`: the plans' entries stored a piece of JSON at a time, as a plan and its reports are. */
    const run = (spillAfter: number, inPieces = false) => {
      const dir = path.join(tempProject(), 'cache');
      const cache = ParseCache.open(dir, 'test', undefined, { spillAfter });
      const last = new Map<string, unknown>();
      for (const [kind, key, value] of entries) {
        if (inPieces && kind === 'plan') cache.storeJsonPieces(kind, key, () => jsonPieces(value, 64 << 10));
        else cache.store(kind, key, value);
        last.set(`${kind} ${key}`, value);
        // A value looked up in the run that stored it.
        if (key.endsWith('0.ts')) expect(cache.lookup(kind, key)).toEqual(value);
      }
      expect(cache.lookup('plan', '/root\n250')).toEqual({ text: large, n: 250 });
      cache.save();
      const once = fs.readFileSync(path.join(dir, 'parse-cache.json'));
      // A second save of the same cache (the Vitest plugin saves after each run) with one more entry.
      cache.store('file:b', '/root/src/zz.ts', 'late');
      cache.save();
      return { dir, once, twice: fs.readFileSync(path.join(dir, 'parse-cache.json')), last };
    };
    const spillFiles = () => {
      const fds = fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd') : [];
      const links = fds.map((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      });
      return links.filter((l) => l.includes('parse-cache.spill'));
    };
    const before = spillFiles().length;
    const held = run(Infinity);
    expect(spillFiles().length).toBe(before);
    const spilled = run(0);
    // Where the system shows open files (Linux), the spill file is open, and unlinked.
    if (fs.existsSync('/proc/self/fd')) expect(spillFiles().slice(before).every((l) => l.endsWith('(deleted)')) && spillFiles().length === before + 1).toBe(true);
    expect(spilled.once.equals(held.once)).toBe(true);
    expect(spilled.twice.equals(held.twice)).toBe(true);
    for (const bound of [0, 2 << 20, Infinity]) {
      const inPieces = run(bound, true);
      expect(inPieces.once.equals(held.once)).toBe(true);
      expect(inPieces.twice.equals(held.twice)).toBe(true);
    }
    // The spill file is gone from the folder as soon as it is made: the folder holds the cache alone.
    expect(fs.readdirSync(spilled.dir)).toEqual(['parse-cache.json']);
    const again = ParseCache.open(spilled.dir, 'test');
    for (const [id, value] of spilled.last) {
      const [kind, key] = id.split(' ');
      expect(again.lookup(kind, key)).toEqual(value);
    }
  });

  it('a spill file that cannot be made costs the save and nothing else: a value it lost is made again, and values are held from then on', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const root = tempProject();
    // The cache folder lies below a file: nothing can be made there.
    fs.writeFileSync(path.join(root, 'blocked'), '');
    const cache = ParseCache.open(path.join(root, 'blocked', 'cache'), 'test', undefined, { spillAfter: 0 });
    // Small values wait in memory to be written; the first lookup writes them, and fails.
    for (let i = 0; i < 20; i++) expect(cache.through('file:a', `/root/f${i}.ts`, () => ({ i }))).toEqual({ i });
    let made = 0;
    for (let i = 0; i < 20; i++) expect(cache.through('file:a', `/root/f${i}.ts`, () => (made++, { i }))).toEqual({ i });
    expect(made).toBe(20);
    // From then on values are held, as without a spill file.
    const big = 'z'.repeat(3 << 20);
    for (let i = 0; i < 3; i++) cache.store('file:b', `/root/f${i}.ts`, { i, big });
    for (let i = 0; i < 3; i++) expect(cache.lookup('file:b', `/root/f${i}.ts`)).toEqual({ i, big });
    // And a value stored a piece of JSON at a time, as a plan is.
    const { jsonPieces } = await import('../src/util/json-pieces.js');
    cache.storeJsonPieces('plan', '/root', () => jsonPieces({ big, n: 1 }, 1 << 16));
    expect(cache.lookup('plan', '/root')).toEqual({ big, n: 1 });
    expect(() => cache.save()).not.toThrow();
    expect(fs.readFileSync(path.join(root, 'blocked'), 'utf8')).toBe('');
  });

  it('a cache opened to be read only finds what is stored, keeps nothing a run derives, and is never written', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const dir = path.join(tempProject(), 'cache');
    const first = ParseCache.open(dir, 'test');
    first.store('hashes', 'a', 1);
    first.save();
    const file = path.join(dir, 'parse-cache.json');
    const before = fs.readFileSync(file, 'utf8');
    const reading = ParseCache.open(dir, 'test', undefined, { readOnly: true });
    expect(reading.keeps).toBe(false);
    expect(reading.lookup('hashes', 'a')).toBe(1);
    reading.store('hashes', 'b', 2);
    reading.table('rows', '/root', (v): v is 0 => v === 0).keep([['x', 's', 0]]);
    expect(reading.lookup('hashes', 'b')).toBeUndefined();
    reading.save();
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(ParseCache.open(dir, 'test').keeps).toBe(true);
  });

  it('holds a kind once a run stored it, so that a cold plan alone loads the spec parsers while git lists the files', async ({ expect }) => {
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const { parsesSpecs } = await import('../src/read-model.js');
    const root = project();
    const dir = path.join(root, 'node_modules/.cache/sdna');
    expect(parsesSpecs(undefined)).toBe(true);
    expect(parsesSpecs(ParseCache.open(undefined, 'test'))).toBe(true);
    expect(parsesSpecs(ParseCache.open(dir, 'test'))).toBe(true);
    const other = ParseCache.open(dir, 'test');
    other.store('hashes', 'a', 1);
    other.save();
    expect(ParseCache.open(dir, 'test').holds('hashes')).toBe(true);
    expect(parsesSpecs(ParseCache.open(dir, 'test'))).toBe(true);
    await sdna(['plan', '--root', root, '--cache-dir', dir], { root });
    expect(parsesSpecs(ParseCache.open(dir, JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version))).toBe(false);
    // Another sdna's cache is not read: its specs would be parsed again.
    expect(parsesSpecs(ParseCache.open(dir, 'another version'))).toBe(true);
  });
});
