// Generated files: headers in any comment syntax, self-checking stamps (sdna's
// sha256, Tessl's code), recorded hashes, `sdna accept`, and a state file that
// cannot be trusted.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGeneratedHeader, sha256 } from '../src/checks/generated/stamp.js';
import { formatState } from '../src/artifacts/state.js';
import { REPO, sdna, snapshotTree, tempProject, write } from './helpers.js';

const BODY = 'export const answer = 42;\n';

describe('readGeneratedHeader', () => {
  it('finds the marker in any comment syntax within the leading comments', () => {
    for (const first of [
      '// GENERATED FROM SPEC - DO NOT EDIT',
      '# GENERATED FROM SPEC - DO NOT EDIT',
      '-- GENERATED FROM SPEC - DO NOT EDIT',
      '/* GENERATED FROM SPEC - DO NOT EDIT */',
      '<!-- GENERATED FROM SPEC - DO NOT EDIT -->',
    ]) {
      expect(readGeneratedHeader(`${first}\n${BODY}`), first).toEqual({ line: 1 });
    }
    expect(readGeneratedHeader(`#!/usr/bin/env node\n/**\n * GENERATED FROM SPEC - DO NOT EDIT\n */\n${BODY}`)).toEqual({ line: 3 });
  });

  it('ignores the marker once code has started, and files without it', () => {
    expect(readGeneratedHeader(`${BODY}// GENERATED FROM SPEC - DO NOT EDIT\n`)).toBeUndefined();
    expect(readGeneratedHeader(`const s = 'GENERATED FROM SPEC - DO NOT EDIT';\n`)).toBeUndefined();
    expect(readGeneratedHeader(BODY)).toBeUndefined();
  });

  it("checks sdna's sha256 stamp against everything after the stamp lines", () => {
    const stamped = (body: string) => `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/a.spec.md\n// sha256: ${sha256(BODY)}\n${body}`;
    expect(readGeneratedHeader(stamped(BODY))).toEqual({ line: 1, source: 'specs/a.spec.md', stamp: 'sdna', intact: true });
    expect(readGeneratedHeader(stamped(BODY + '// edit\n'))).toMatchObject({ stamp: 'sdna', intact: false });
  });

  it("checks Tessl's (code:…) stamp: MD5 of the trimmed content after three header lines", () => {
    const code = crypto.createHash('md5').update(BODY.trim()).digest('hex').slice(0, 8);
    const tessl = (body: string) =>
      `// GENERATED FROM SPEC - DO NOT EDIT\n// @generated with Tessl v0.28.0 from ../specs/orders.spec.md\n// (spec:d181ac47) (code:${code})\n${body}`;
    expect(readGeneratedHeader(tessl(BODY))).toEqual({ line: 1, source: '../specs/orders.spec.md', stamp: 'tessl', intact: true });
    expect(readGeneratedHeader(tessl(`\n${BODY}\n`))).toMatchObject({ intact: true }); // surrounding whitespace is trimmed
    expect(readGeneratedHeader(tessl(BODY.replace('42', '43')))).toMatchObject({ stamp: 'tessl', intact: false });
  });

  it('reads CRLF files the same way', () => {
    expect(readGeneratedHeader(`// GENERATED FROM SPEC - DO NOT EDIT\r\n// source: specs/a.spec.md\r\n${BODY}`)).toEqual({
      line: 1,
      source: 'specs/a.spec.md',
    });
  });
});

describe.concurrent('sdna accept and the state file', () => {
  /** A project whose spec targets two unstamped generated files and one stamped. */
  function project(): string {
    const root = tempProject();
    write(root, 'specs/gen.spec.md', '---\nname: Gen\ntargets:\n  - ../src/*.ts\n---\n# Gen\n\n## Capabilities\n\n- **Answer** [@test](../test/a.test.ts)\n');
    write(root, 'test/a.test.ts', "import { it } from 'vitest';\nit('answers', () => {});\n");
    write(root, 'src/a.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    write(root, 'src/b.ts', `# GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`.replace('#', '//'));
    write(root, 'src/c.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/gen.spec.md\n// sha256: ${sha256(BODY)}\n${BODY}`);
    write(root, 'src/hand.ts', BODY);
    return root;
  }

  const kinds = async (root: string) => {
    const r = await sdna(['plan', '--root', root, '--json'], { root });
    return (JSON.parse(r.stdout).findings as { kind: string; file: string }[]).map((f) => `${f.kind} ${f.file}`);
  };

  it('records unstamped generated files; the plan then checks them', async ({ expect }) => {
    const root = project();
    expect(await kinds(root)).toEqual(['generated-unrecorded src/a.ts', 'generated-unrecorded src/b.ts']);
    const accept = await sdna(['accept', '--root', root]);
    expect(accept).toEqual({
      code: 0,
      stdout: 'sdna: recorded 2 generated files in .sdna/state.json\n  + src/a.ts\n  + src/b.ts\n  (1 carries its own stamp: src/c.ts)\n',
      stderr: '',
    });
    expect(fs.readFileSync(path.join(root, '.sdna/state.json'), 'utf8')).toBe(
      formatState({ version: 1, generated: { 'src/a.ts': sha256(`// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`), 'src/b.ts': sha256(`// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`) } }),
    );
    expect(await kinds(root)).toEqual([]);

    fs.appendFileSync(path.join(root, 'src/a.ts'), '// hand edit\n');
    expect(await kinds(root)).toEqual(['generated-edited src/a.ts']);
    // Accepting one named file keeps the others' records.
    expect((await sdna(['accept', 'src/a.ts'], { cwd: root })).code).toBe(0);
    expect(await kinds(root)).toEqual([]);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(root, '.sdna/state.json'), 'utf8')).generated)).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('refuses to accept a file that is not marked, and writes nothing', async ({ expect }) => {
    const root = project();
    const before = snapshotTree(root);
    const r = await sdna(['accept', 'src/hand.ts', 'src/a.ts'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'sdna: not marked as generated: src/hand.ts (a generated file starts with a `GENERATED FROM SPEC - DO NOT EDIT` comment); nothing was recorded\n',
    );
    expect(snapshotTree(root)).toBe(before);
  });

  const broken: [string, string, string][] = [
    [
      'corrupt (empty) JSON',
      '',
      'sdna: .sdna/state.json is not valid JSON (Unexpected end of JSON input); fix it, or delete it and run `sdna accept` to record the generated files again\n',
    ],
    [
      'a newer version',
      '{ "version": 2, "generated": {} }',
      'sdna: .sdna/state.json was written by a newer sdna (state version 2); upgrade sdna to read it\n',
    ],
    [
      'the wrong form',
      '{ "version": 1, "generated": { "src/a.ts": 42 } }',
      'sdna: .sdna/state.json does not have the expected form ({ "version": 1, "generated": { "<file>": "<sha256>" } }); fix it, or delete it and run `sdna accept` to record the generated files again\n',
    ],
  ];
  for (const [name, content, message] of broken) {
    it(`a state file with ${name}: exit 2, never overwritten`, async ({ expect }) => {
      const root = project();
      write(root, '.sdna/state.json', content);
      for (const args of [['plan', '--root', root], ['accept', '--root', root]]) {
        const r = await sdna(args, { root });
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(message);
      }
      expect(fs.readFileSync(path.join(root, '.sdna/state.json'), 'utf8')).toBe(content);
    });
  }
});

describe('generated-file stamps in the parse cache', () => {
  it("are kept as one table: a plan after another file changed opens no target whose stamp is the same, and reads again the one that changed", async () => {
    const { generatedCheck } = await import('../src/checks/generated/index.js');
    const { ParseCache } = await import('../src/artifacts/cache.js');
    const { GuardedReader } = await import('../src/util/guarded.js');
    const root = tempProject();
    const files = ['src/a.ts', 'src/b.ts', 'src/hand.ts', 'src/c.ts'];
    write(root, 'src/a.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    write(root, 'src/b.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/gen.spec.md\n// sha256: ${sha256(BODY)}\n${BODY}`);
    write(root, 'src/hand.ts', BODY);
    write(root, 'src/c.ts', BODY);
    // Stamps of files written a moment ago are not trusted: these are made older.
    const age = (file: string) => fs.utimesSync(path.join(root, file), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    files.forEach(age);
    const spec = { id: 'gen', file: 'specs/gen.spec.md' } as never;
    const targets = new Map([['gen', files]]);
    const dir = path.join(root, 'cache');
    /** One plan's check with a fresh cache object and reader: the findings, and the targets it glanced at. */
    const run = () => {
      const cache = ParseCache.open(dir, 'test');
      const reader = new GuardedReader(root);
      const glanced: string[] = [];
      const head = reader.head.bind(reader);
      reader.head = (file, size) => (glanced.push(file), head(file, size));
      const findings = generatedCheck(reader, [spec], targets, cache).run().map((f) => `${f.kind} ${f.file}`);
      cache.save();
      return { findings, glanced: glanced.sort() };
    };
    const first = run();
    expect(first).toEqual({ findings: ['generated-unrecorded src/a.ts'], glanced: [...files].sort() });
    const { kinds } = JSON.parse(fs.readFileSync(path.join(dir, 'parse-cache.json'), 'utf8').split('\n')[0]) as { kinds: [string, number, number][] };
    expect(kinds.filter(([kind]) => kind.includes('generated'))).toEqual([['generated-1', expect.any(Number), 1]]);
    expect(run()).toEqual({ findings: first.findings, glanced: [] });
    // A hand edit of the stamped file, and a file that became generated.
    fs.appendFileSync(path.join(root, 'src/b.ts'), '// hand edit\n');
    write(root, 'src/hand.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    age('src/b.ts');
    age('src/hand.ts');
    expect(run()).toEqual({ findings: ['generated-unrecorded src/a.ts', 'generated-edited src/b.ts', 'generated-unrecorded src/hand.ts'], glanced: ['src/b.ts', 'src/hand.ts'] });
    expect(run().glanced).toEqual([]);
  });
});

describe('generated files an API block targets', () => {
  it('are judged the same whether the API check read them first or not', async () => {
    const root = tempProject();
    const api = '## API\n\n```ts\nexport const answer: number;\nexport function hand(): string;\n```\n';
    write(root, 'specs/gen.spec.md', `---\nname: Gen\ntargets:\n  - ../src/*.ts\n---\n# Gen\n\n## Capabilities\n\n- **Answer** [@test](../test/a.test.ts)\n\n${api}`);
    write(root, 'test/a.test.ts', "import { it } from 'vitest';\nit('answers', () => {});\n");
    write(root, 'src/a.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    write(root, 'src/c.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/gen.spec.md\n// sha256: ${sha256(BODY)}\n${BODY}// hand edit\n`);
    // The marker past the first lines, after code: not a generated file.
    write(root, 'src/late.ts', `${BODY}// GENERATED FROM SPEC - DO NOT EDIT\n`);
    write(root, 'src/hand.ts', 'export function hand(): number {\n  return 1;\n}\n');
    const findings = async (rules: string) => {
      write(root, 'sdna.config.json', rules);
      const r = await sdna(['plan', '--root', root, '--json', '--no-cache']);
      return (JSON.parse(r.stdout).findings as { kind: string; file: string }[]).map((f) => `${f.kind} ${f.file}`);
    };
    const withApi = await findings('{}');
    expect(withApi).toEqual(['api-drift specs/gen.spec.md', 'generated-unrecorded src/a.ts', 'generated-edited src/c.ts']);
    expect((await findings('{ "rules": { "api-drift": "off" } }')).filter((f) => f.startsWith('generated-'))).toEqual(withApi.filter((f) => f.startsWith('generated-')));
  });
});

describe('sdna accept run concurrently', () => {
  it('six at once, each naming its own file, keep all six entries (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const root = tempProject();
      write(root, 'package.json', '{ "name": "gen" }\n');
      const files = Array.from({ length: 6 }, (_, i) => `src/gen${i}.ts`);
      for (const f of files) write(root, f, `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
      const runs = await Promise.all(files.map((f) => sdna(['accept', f], { cwd: root })));
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
      const state = JSON.parse(fs.readFileSync(path.join(root, '.sdna/state.json'), 'utf8')) as { generated: Record<string, string> };
      expect(Object.keys(state.generated).sort()).toEqual(files);
      expect(fs.existsSync(path.join(root, '.sdna/state.json.lock'))).toBe(false);
    }
  }, 180_000);
});

describe('glances at a large plan\'s targets on a helper thread', () => {
  /** A project whose spec targets `count` plain files and the marked ones below. */
  const largeProject = (count: number) => {
    const root = tempProject();
    write(root, 'specs/gen.spec.md', '---\nname: Gen\ntargets:\n  - ../src/**/*.ts\n---\n# Gen\n\n## Capabilities\n\n- **Answer** [@test](../test/a.test.ts)\n');
    write(root, 'test/a.test.ts', "import { it } from 'vitest';\nit('answers', () => {});\n");
    for (let i = 0; i < count; i++) write(root, `src/d${i % 50}/f${i}.ts`, `export const f${i} = ${i};\n`);
    write(root, 'src/gen/unrecorded.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    write(root, 'src/gen/intact.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/gen.spec.md\n// sha256: ${sha256(BODY)}\n${BODY}`);
    write(root, 'src/gen/edited.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n// source: specs/gen.spec.md\n// sha256: ${sha256(BODY)}\n${BODY}// hand edit\n`);
    // Past the first 2 KB, as past the first lines: not a generated file.
    write(root, 'src/gen/late.ts', `${'// a long comment\n'.repeat(200)}// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    return root;
  };
  const expected = ['generated-edited src/gen/edited.ts', 'generated-unrecorded src/gen/unrecorded.ts'];

  it('find what the main thread finds glancing itself', async () => {
    const { GLANCE_THREAD_AFTER } = await import('../src/checks/generated/glances.js');
    const root = largeProject(GLANCE_THREAD_AFTER);
    const generated = (findings: { kind: string; file?: string }[]) => findings.filter((f) => f.kind.startsWith('generated-')).map((f) => `${f.kind} ${f.file}`).sort();
    // The thread's answer is seen on its way: the files it found marked, not a fallback that glanced here.
    write(root, 'probe.cjs', "const wt = require('node:worker_threads'); const Base = wt.Worker; wt.Worker = class extends Base { constructor(...a) { super(...a); this.once('message', (m) => process.stderr.write(`thread answered: ${JSON.stringify(m)}\\n`)); } };\n");
    const r = await sdna(['plan', '--root', root, '--json', '--no-cache', '--performance'], { env: { NODE_OPTIONS: `--require ${path.join(root, 'probe.cjs')}` } });
    expect(r.stderr).toContain('thread answered: ["src/gen/edited.ts","src/gen/intact.ts","src/gen/unrecorded.ts"]\n');
    expect(r.stderr).toContain('wait for glances');
    const viaThread = JSON.parse(r.stdout) as { findings: { kind: string; file: string }[] };
    expect(generated(viaThread.findings)).toEqual(expected);
    // From the sources no built thread sits beside the module: the check glances itself, and finds the same.
    const { createPlan, resolveConfig } = await import('../src/index.js');
    const here = await createPlan(resolveConfig({}, undefined, root));
    expect(generated(here.findings)).toEqual(expected);
    expect(here.findings.length).toBe(viaThread.findings.length);
  }, 60_000);

  it("a smaller plan starts no thread, nor loads Node's worker_threads module", async () => {
    const root = largeProject(10);
    const probe = path.join(root, 'probe.cjs');
    write(root, 'probe.cjs', "process.on('exit', () => process.stderr.write(`worker_threads loaded: ${process.moduleLoadList.includes('NativeModule worker_threads')}\\n`));\n");
    const r = await sdna(['plan', '--root', root, '--json', '--no-cache', '--performance'], { env: { NODE_OPTIONS: `--require ${probe}` } });
    expect((JSON.parse(r.stdout) as { findings: { kind: string; file: string }[] }).findings.filter((f) => f.kind.startsWith('generated-')).map((f) => `${f.kind} ${f.file}`)).toEqual(expected);
    expect(r.stderr).not.toContain('wait for glances');
    expect(r.stderr).toContain('worker_threads loaded: false\n');
  });

  it('the thread names only regular files within the root whose first bytes hold the marker', async () => {
    const { Worker } = await import('node:worker_threads');
    const root = largeProject(3);
    const outside = tempProject();
    write(outside, 'secret.ts', `// GENERATED FROM SPEC - DO NOT EDIT\n${BODY}`);
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/gen/link.ts'));
    fs.symlinkSync(outside, path.join(root, 'src/out'));
    fs.mkdirSync(path.join(root, 'src/folder.ts'));
    execFileSync('mkfifo', [path.join(root, 'src/pipe.ts')]);
    const files = ['src/d0/f0.ts', 'src/gen/unrecorded.ts', 'src/gen/intact.ts', 'src/gen/edited.ts', 'src/gen/late.ts', 'src/gen/link.ts', 'src/out/secret.ts', '../' + path.basename(outside) + '/secret.ts', 'src/folder.ts', 'src/pipe.ts', 'src/gone.ts'];
    const worker = new Worker(path.join(REPO, 'dist', 'glance-worker.js'), { workerData: { root, folders: [], files } });
    const marked = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(marked).toEqual(['src/gen/unrecorded.ts', 'src/gen/intact.ts', 'src/gen/edited.ts']);
  });
});
