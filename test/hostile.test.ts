// Hostile and broken inputs, one row each: the layout, the command, and what
// sdna must answer (exit code, its one stderr line or a finding). For every row,
// nothing outside the temporary root is read or written: canary files outside
// hold content that would show in the output if sdna read them, and the
// outside folder must be byte-for-byte unchanged afterwards.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cacheSections, FIXTURES, sdna, snapshotTree, write } from './helpers.js';

interface Place {
  root: string;
  outside: string;
}

interface Row {
  name: string;
  /** Changes to a copy of fixtures/clean (`root`), with `outside` beside it. */
  layout?: (p: Place) => void;
  /** Default: `plan --root <root> --json`. */
  args?: (p: Place) => string[];
  cwd?: (p: Place) => string;
  exit: number;
  /** The whole stderr, with `<root>` and `<outside>` for the folders. */
  stderr?: string | RegExp;
  /** A finding the JSON plan must hold. */
  finding?: { kind: string; file: string; message: RegExp };
  /** More checks on the result. */
  then?: (p: Place, stdout: string) => void;
}

const CANARY = 'CANARY';
/** `at` becomes a symlink to `target` (whatever was there is removed). */
const link = (target: string, at: string) => {
  fs.rmSync(at, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at);
};
const fifo = (at: string) => {
  fs.rmSync(at, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(at), { recursive: true });
  execFileSync('mkfifo', [at]);
};
/** A file of `size` bytes that takes no disk (sparse): only its size is ever looked at. */
const sparse = (at: string, size: number) => {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.writeFileSync(at, '');
  fs.truncateSync(at, size);
};
const MB = 1024 * 1024;
const planArgs = (p: Place, ...more: string[]) => ['plan', '--root', p.root, '--json', ...more];

const GENERATED = '// GENERATED FROM SPEC - DO NOT EDIT\nexport const x = 1;\n';

const ROWS: Row[] = [
  // Symlinks that lead out of the root.
  {
    name: 'a spec that is a symlink to a file outside',
    layout: (p) => link(path.join(p.outside, 'canary.spec.md'), path.join(p.root, 'specs/evil.spec.md')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'specs/evil.spec.md', message: /leads outside the project root/ },
  },
  {
    name: 'a test file that is a symlink to a file outside',
    layout: (p) => link(path.join(p.outside, 'canary.test.ts'), path.join(p.root, 'test/evil.test.ts')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'test/evil.test.ts', message: /as a test file.*leads outside/ },
  },
  {
    name: 'a source file in scope that is a symlink to a file outside',
    layout: (p) => link(path.join(p.outside, 'canary.ts'), path.join(p.root, 'src/evil.ts')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'src/evil.ts', message: /as a source file/ },
  },
  {
    name: 'a spec folder that is a symlink to a folder outside (not followed, as git does)',
    layout: (p) => link(path.join(p.outside, 'specs'), path.join(p.root, 'specs/more')),
    exit: 0,
  },
  {
    name: 'a relative symlink that climbs out of the root',
    layout: (p) => link(`../../${path.basename(p.outside)}/canary.spec.md`, path.join(p.root, 'specs/up.spec.md')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'specs/up.spec.md', message: /leads outside/ },
  },
  {
    name: 'a spec that links a test outside the root',
    layout: (p) => write(p.root, 'specs/out.spec.md', `# Out\n\n## Target\n\n[@describe](../src/links/create.ts)\n\n## Capabilities\n\n- Escapes [@test](../../${path.basename(p.outside)}/canary.test.ts)\n`),
    exit: 1,
    then: (_p, stdout) => {
      if (!/outside the project root|outside the root/.test(stdout)) throw new Error(`no finding says the link leaves the root:\n${stdout}`);
    },
  },
  {
    name: 'a spec that links a test which is a symlink to a file outside',
    layout: (p) => {
      link(path.join(p.outside, 'canary.test.ts'), path.join(p.root, 'test/ext.test.ts'));
      write(p.root, 'specs/ext.spec.md', '# Ext\n\n## Target\n\n[@describe](../src/links/create.ts)\n\n## Capabilities\n\n- Reads a linked file [@test](../test/ext.test.ts#reads)\n');
    },
    exit: 1,
    finding: { kind: 'unread-file', file: 'test/ext.test.ts', message: /leads outside/ },
  },
  {
    name: 'package.json that is a symlink to one outside',
    layout: (p) => {
      fs.rmSync(path.join(p.root, 'package.json'));
      link(path.join(p.outside, 'package.json'), path.join(p.root, 'package.json'));
    },
    args: (p) => ['plan', '--root', p.root],
    exit: 0,
    then: (p, stdout) => {
      if (!stdout.startsWith(`Analyzing spec drift for ${path.basename(p.root)}...`)) throw new Error(`the project is not named by its folder:\n${stdout}`);
    },
  },
  {
    name: 'sdna.config.json that is a symlink to one outside',
    layout: (p) => link(path.join(p.outside, 'sdna.config.json'), path.join(p.root, 'sdna.config.json')),
    exit: 2,
    stderr: 'sdna: cannot read sdna.config.json: it leads outside the project root (through a symlink); sdna reads nothing outside it\n',
  },
  {
    name: '.sdna/state.json that is a symlink to one outside',
    layout: (p) => link(path.join(p.outside, 'state.json'), path.join(p.root, '.sdna/state.json')),
    exit: 2,
    stderr: 'sdna: cannot read .sdna/state.json: it leads outside the project root (through a symlink); sdna reads nothing outside it\n',
  },
  {
    name: 'a .sdna folder that is a symlink to a folder outside (plan)',
    layout: (p) => link(path.join(p.outside, 'dot-sdna'), path.join(p.root, '.sdna')),
    exit: 2,
    stderr: 'sdna: cannot read .sdna/links.json: it leads outside the project root (through a symlink); sdna reads nothing outside it\n',
  },
  {
    name: '.sdna/baseline.json that is a symlink to one outside',
    layout: (p) => link(path.join(p.outside, 'baseline.json'), path.join(p.root, '.sdna/baseline.json')),
    exit: 2,
    stderr: /^sdna: cannot read \.sdna\/baseline\.json: it leads outside the project root/,
  },
  {
    name: '.sdna/links.json that is a symlink to one outside',
    layout: (p) => link(path.join(p.outside, 'links.json'), path.join(p.root, '.sdna/links.json')),
    exit: 2,
    stderr: /^sdna: cannot read \.sdna\/links\.json: it leads outside the project root/,
  },
  {
    name: 'sdna accept with .sdna a symlink to an empty folder outside: nothing is written there',
    layout: (p) => {
      write(p.root, 'src/gen.ts', GENERATED);
      link(path.join(p.outside, 'empty'), path.join(p.root, '.sdna'));
    },
    args: (p) => ['accept', 'src/gen.ts', '--root', p.root],
    exit: 2,
    stderr: /^sdna: cannot (read|write) \.sdna\/state\.json: .*outside the project root/,
  },
  {
    name: 'sdna baseline with .sdna a symlink to an empty folder outside',
    layout: (p) => link(path.join(p.outside, 'empty'), path.join(p.root, '.sdna')),
    args: (p) => ['baseline', '--root', p.root],
    exit: 2,
    stderr: /^sdna: cannot (read|write) \.sdna\/baseline\.json: .*outside the project root/,
  },
  {
    name: 'sdna import --write with .sdna a symlink to an empty folder outside',
    layout: (p) => link(path.join(p.outside, 'empty'), path.join(p.root, '.sdna')),
    args: (p) => ['import', '--write', '--root', p.root],
    exit: 2,
    stderr: /^sdna: cannot (read|write) \.sdna\/(links|baseline)\.json: .*outside the project root/,
  },
  {
    name: 'a cache folder that is a symlink to a folder outside: neither read nor written',
    layout: (p) => {
      fs.mkdirSync(path.join(p.root, 'node_modules'));
      link(path.join(p.outside, 'empty'), path.join(p.root, 'node_modules/.cache'));
    },
    exit: 0,
  },
  {
    name: 'node_modules that is a symlink to a folder outside: the cache stays out of it',
    layout: (p) => link(path.join(p.outside, 'empty'), path.join(p.root, 'node_modules')),
    exit: 0,
  },
  {
    name: 'sdna init with sdna.config.json a symlink to a file outside: the link is replaced, the file untouched',
    layout: (p) => link(path.join(p.outside, 'sdna.config.json'), path.join(p.root, 'sdna.config.json')),
    args: (p) => ['init', '--force', '--root', p.root],
    exit: 0,
    then: (p) => {
      if (fs.lstatSync(path.join(p.root, 'sdna.config.json')).isSymbolicLink()) throw new Error('the symlink was written through');
    },
  },
  {
    name: 'export --out onto a symlink to a file outside: the link is replaced, the file untouched',
    layout: (p) => link(path.join(p.outside, 'canary.json'), path.join(p.root, 'model.json')),
    args: (p) => ['export', '--root', p.root, '--out', path.join(p.root, 'model.json')],
    exit: 0,
    stderr: /^sdna: exported 2 specs/,
    then: (p) => {
      if (fs.lstatSync(path.join(p.root, 'model.json')).isSymbolicLink()) throw new Error('the symlink was written through');
    },
  },
  {
    name: 'sdna accept of a file outside the root',
    args: (p) => ['accept', path.join(p.outside, 'canary.ts'), '--root', p.root],
    exit: 2,
    stderr: `sdna: <outside>/canary.ts is outside the project root <root>\n`,
  },
  {
    name: 'sdna accept of a symlink to a file outside',
    layout: (p) => link(path.join(p.outside, 'canary.ts'), path.join(p.root, 'src/gen.ts')),
    args: (p) => ['accept', 'src/gen.ts', '--root', p.root],
    cwd: (p) => p.root,
    exit: 2,
    stderr: 'sdna: cannot read src/gen.ts: it leads outside the project root (through a symlink); sdna reads nothing outside it\n',
  },
  // Files that are not regular files.
  {
    name: 'a spec that is a FIFO',
    layout: (p) => fifo(path.join(p.root, 'specs/pipe.spec.md')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'specs/pipe.spec.md', message: /named pipe \(FIFO\), not a regular file/ },
  },
  {
    name: 'a test file that is a FIFO',
    layout: (p) => fifo(path.join(p.root, 'test/pipe.test.ts')),
    exit: 0,
    finding: { kind: 'unread-file', file: 'test/pipe.test.ts', message: /FIFO/ },
  },
  {
    name: 'a spec that is a symlink to a FIFO inside the root',
    layout: (p) => {
      fifo(path.join(p.root, 'pipe'));
      link('../pipe', path.join(p.root, 'specs/pipe.spec.md'));
    },
    exit: 0,
    finding: { kind: 'unread-file', file: 'specs/pipe.spec.md', message: /not a regular file/ },
  },
  {
    name: '.git/info/exclude that is a FIFO',
    layout: (p) => fifo(path.join(p.root, '.git/info/exclude')),
    exit: 0,
  },
  {
    name: 'package.json that is a FIFO',
    layout: (p) => {
      fs.rmSync(path.join(p.root, 'package.json'));
      fifo(path.join(p.root, 'package.json'));
    },
    exit: 0,
  },
  {
    name: 'sdna.config.json that is a FIFO',
    layout: (p) => fifo(path.join(p.root, 'sdna.config.json')),
    exit: 2,
    stderr: 'sdna: cannot read sdna.config.json: it is a named pipe (FIFO), not a regular file\n',
  },
  {
    name: '.sdna/state.json that is a FIFO',
    layout: (p) => fifo(path.join(p.root, '.sdna/state.json')),
    exit: 2,
    stderr: 'sdna: cannot read .sdna/state.json: it is a named pipe (FIFO), not a regular file\n',
  },
  {
    name: '.sdna/baseline.json that is a folder',
    layout: (p) => fs.mkdirSync(path.join(p.root, '.sdna/baseline.json'), { recursive: true }),
    exit: 2,
    stderr: 'sdna: cannot read .sdna/baseline.json: it is a folder, not a regular file\n',
  },
  {
    name: '--config that is a FIFO',
    layout: (p) => fifo(path.join(p.root, 'pipe.json')),
    args: (p) => planArgs(p, '--config', path.join(p.root, 'pipe.json')),
    exit: 2,
    stderr: 'sdna: cannot read pipe.json: it is a named pipe (FIFO), not a regular file\n',
  },
  {
    name: '--from that is a FIFO',
    layout: (p) => fifo(path.join(p.root, 'model.json')),
    args: (p) => planArgs(p, '--from', path.join(p.root, 'model.json')),
    exit: 2,
    stderr: /^sdna: cannot read .*model\.json: it is a named pipe \(FIFO\), not a regular file \(pass the file `sdna export --out` wrote\)\n$/,
  },
  {
    name: '--from that is a device',
    args: (p) => planArgs(p, '--from', '/dev/zero'),
    exit: 2,
    stderr: /^sdna: cannot read .*zero: it is a device, not a regular file/,
  },
  {
    name: '--from that is a folder',
    args: (p) => planArgs(p, '--from', p.outside),
    exit: 2,
    stderr: /^sdna: cannot read .*: it is a folder, not a regular file/,
  },
  // Sizes.
  {
    name: 'a 9 MB test file (over the cap for a test file)',
    layout: (p) => sparse(path.join(p.root, 'test/huge.test.ts'), 9 * MB),
    exit: 0,
    finding: { kind: 'unread-file', file: 'test/huge.test.ts', message: /9 MB, over the 8 MB limit for a test file/ },
  },
  {
    name: 'a 2 MB spec (over the cap for a spec)',
    layout: (p) => sparse(path.join(p.root, 'specs/huge.spec.md'), 2 * MB),
    exit: 1,
    finding: { kind: 'spec-error', file: 'specs/huge.spec.md', message: /2 MB, over the 1 MB limit for a spec file/ },
  },
  {
    name: 'a 70 MB baseline',
    layout: (p) => sparse(path.join(p.root, '.sdna/baseline.json'), 70 * MB),
    exit: 2,
    stderr: 'sdna: cannot read .sdna/baseline.json: it is 70 MB, over the 64 MB limit for a record file\n',
  },
  {
    name: 'a 2 MB config',
    layout: (p) => sparse(path.join(p.root, 'sdna.config.json'), 2 * MB),
    exit: 2,
    stderr: 'sdna: cannot read sdna.config.json: it is 2 MB, over the 1 MB limit for a config file\n',
  },
  {
    name: 'a 600 MB parse cache: ignored',
    layout: (p) => sparse(path.join(p.root, 'node_modules/.cache/sdna/parse-cache.json'), 600 * MB),
    exit: 0,
  },
  // Roots and paths that cannot be.
  {
    name: '--root that does not exist',
    args: (p) => planArgs({ ...p, root: path.join(p.root, 'nope') }),
    exit: 2,
    stderr: `sdna: the project root <root>/nope does not exist: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: '--root that is a file',
    args: (p) => planArgs({ ...p, root: path.join(p.root, 'package.json') }),
    exit: 2,
    stderr: `sdna: the project root <root>/package.json is a file, not a folder: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: '--root under a file (ENOTDIR)',
    args: (p) => planArgs({ ...p, root: path.join(p.root, 'package.json/x') }),
    exit: 2,
    stderr: `sdna: the project root <root>/package.json/x is under a file, not a folder: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: 'an empty --root',
    args: () => ['plan', '--root', '', '--json'],
    exit: 2,
    stderr: 'sdna: --root needs a value (got an empty one)\n',
  },
  {
    name: '--root given twice',
    args: (p) => ['export', '--root', p.root, '--root', p.outside],
    exit: 2,
    stderr: 'sdna: --root is given 2 times: give it once\n',
  },
  {
    name: 'export with --root / ',
    args: () => ['export', '--root', '/'],
    exit: 2,
    stderr: `sdna: refusing to use the file system root / as the project: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: 'a config whose "root" climbs to the file system root',
    layout: (p) => write(p.root, 'sdna.config.json', JSON.stringify({ root: '../'.repeat(40) })),
    exit: 2,
    stderr: `sdna: refusing to use the file system root / as the project: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: 'init in a root that does not exist',
    args: (p) => ['init', '--root', path.join(p.root, 'nope')],
    exit: 2,
    stderr: `sdna: the project root <root>/nope does not exist: pass --root <your project's folder> (or fix "root" in the config)\n`,
  },
  {
    name: 'export --out under a folder that does not exist: no folder is created',
    args: (p) => ['export', '--root', p.root, '--out', path.join(p.outside, 'empty/nope/dir/x.json')],
    exit: 2,
    stderr: 'sdna: cannot write <outside>/empty/nope/dir/x.json: the folder <outside>/empty/nope/dir does not exist (sdna creates no folder you did not name; create it first)\n',
  },
  {
    name: 'sdna accept of a file that does not exist',
    args: (p) => ['accept', 'src/missing.ts', '--root', p.root],
    cwd: (p) => p.root,
    exit: 2,
    stderr: 'sdna: cannot read src/missing.ts: it does not exist\n',
  },
  {
    name: 'sdna accept of a file named ..top.ts (inside the root)',
    layout: (p) => write(p.root, '..top.ts', GENERATED),
    args: (p) => ['accept', '..top.ts', '--root', p.root],
    cwd: (p) => p.root,
    exit: 0,
    then: (p) => {
      if (!fs.readFileSync(path.join(p.root, '.sdna/state.json'), 'utf8').includes('"..top.ts"')) throw new Error('..top.ts was not recorded');
    },
  },
  // Content built to be slow.
  {
    name: 'a 50,000-character fragment against a test named with 20,000 %s',
    layout: (p) => {
      write(p.root, 'test/slow.test.ts', `it.each([[1]])('${'%s '.repeat(20000)}', () => {});\n`);
      write(p.root, 'specs/slow.spec.md', `# Slow\n\n## Target\n\n[@describe](../src/links/create.ts)\n\n## Capabilities\n\n- Matches [@test](<../test/slow.test.ts#${'a'.repeat(50000)}>)\n`);
    },
    exit: 0,
  },
  {
    name: 'a 50,000-character fragment against a test named with 20,000 %d',
    layout: (p) => {
      write(p.root, 'test/slow.test.ts', `it.each([[1]])('${'%d-'.repeat(20000)}', () => {});\n`);
      write(p.root, 'specs/slow.spec.md', `# Slow\n\n## Target\n\n[@describe](../src/links/create.ts)\n\n## Capabilities\n\n- Matches [@test](<../test/slow.test.ts#${'1-'.repeat(25000)}>)\n`);
    },
    exit: 0,
  },
];

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** The outside world: canaries whose content would show in any output that read them, and an empty folder. */
function outsideWorld(outside: string): void {
  write(outside, 'canary.spec.md', `# ${CANARY} spec\n\n## Target\n\n[@describe](./canary.ts)\n\n## Capabilities\n\n- ${CANARY} promise\n`);
  write(outside, 'specs/canary.spec.md', `# ${CANARY} spec\n\n## Capabilities\n\n- ${CANARY} promise\n`);
  write(outside, 'canary.test.ts', `it('${CANARY} test', { meta: { capabilities: ['${CANARY}/x'] } }, () => {});\n`);
  write(outside, 'canary.ts', `// GENERATED FROM SPEC - DO NOT EDIT\nexport const ${CANARY} = 1;\n`);
  write(outside, 'canary.json', `{ "${CANARY}": true }\n`);
  write(outside, 'package.json', JSON.stringify({ name: CANARY, sdna: { specs: [`${CANARY}/**`] } }));
  write(outside, 'sdna.config.json', JSON.stringify({ rules: { [CANARY]: 'off' } }));
  write(outside, 'state.json', JSON.stringify({ version: 1, generated: { [`${CANARY}.ts`]: 'x' } }));
  write(outside, 'baseline.json', JSON.stringify({ version: 1, findings: [{ kind: CANARY }] }));
  write(outside, 'links.json', `{ "version": 1, "links": [\n{ "${CANARY}": 1 }\n] }\n`);
  write(outside, 'dot-sdna/state.json', JSON.stringify({ version: 1, generated: { [`${CANARY}.ts`]: 'x' } }));
  fs.mkdirSync(path.join(outside, 'empty'));
}

function place(): Place {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-hostile-'));
  temps.push(dir);
  const root = path.join(dir, 'project');
  const outside = path.join(dir, 'outside');
  fs.cpSync(path.join(FIXTURES, 'clean'), root, { recursive: true });
  outsideWorld(outside);
  return { root, outside };
}

function tempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.tmp')) out.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

describe.concurrent('hostile input: the CLI answers each row and reads and writes nothing outside the root', () => {
  it('has at least 40 rows', ({ expect }) => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  for (const row of ROWS) {
    it(row.name, async ({ expect }) => {
      const p = place();
      row.layout?.(p);
      const before = snapshotTree(p.outside);
      const r = await sdna(row.args?.(p) ?? planArgs(p), { cwd: row.cwd?.(p), root: p.root });
      const output = (r.stdout + r.stderr).split(p.outside).join('<outside>');
      expect(output).not.toContain(CANARY);
      expect(snapshotTree(p.outside)).toBe(before);
      expect(fs.readdirSync(path.join(p.outside, 'empty'))).toEqual([]);
      expect(tempFiles(p.root)).toEqual([]);
      expect({ code: r.code, stderr: typeof row.stderr === 'string' ? r.stderr.split(p.outside).join('<outside>') : undefined }).toEqual({
        code: row.exit,
        stderr: typeof row.stderr === 'string' ? row.stderr : undefined,
      });
      if (row.stderr instanceof RegExp) expect(r.stderr).toMatch(row.stderr);
      if (row.stderr === undefined) expect(r.stderr).toBe('');
      if (row.finding) {
        const plan = JSON.parse(r.stdout) as { findings: { kind: string; file?: string; message: string }[] };
        const found = plan.findings.find((f) => f.kind === row.finding!.kind && f.file === row.finding!.file);
        expect(found, `${row.finding.kind} at ${row.finding.file} in\n${r.stdout}`).toBeDefined();
        expect(found!.message).toMatch(row.finding.message);
      }
      row.then?.(p, r.stdout);
    });
  }
});

describe('temp files', () => {
  it('a temp file left by a process killed outright is removed by the next write beside it', async ({ expect }) => {
    const p = place();
    write(p.root, 'src/gen.ts', GENERATED);
    // No process has this pid (Linux pids stay below 2^22).
    write(p.root, '.sdna/state.json.99999999.tmp', '{"half": ');
    const r = await sdna(['accept', 'src/gen.ts', '--root', p.root], { cwd: p.root });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(p.root, '.sdna')).sort()).toEqual(['state.json']);
  });

  it('SIGINT or SIGTERM at any moment of a run that writes leaves no temp file and no half-written file', async ({ expect }) => {
    const p = place();
    fs.mkdirSync(path.join(p.root, 'node_modules'));
    // Enough files that the run takes a while: the signal lands in every phase, writes included.
    for (let i = 0; i < 400; i++) write(p.root, `src/m${i}.ts`, `export const v${i} = ${i};\n`);
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./helpers.js');
    for (const [i, signal] of (['SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM'] as const).entries()) {
      const child = spawn(process.execPath, [CLI, 'baseline', '--root', p.root], { stdio: 'ignore' });
      // Listened for from the start: a run that ends before the signal comes must not be missed.
      const closed = new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
      await new Promise((resolve) => setTimeout(resolve, 80 + i * 90));
      child.kill(signal);
      const [code, got] = (await closed) as [number | null, string | null];
      // Killed by the signal (it acts as usual), or finished before it came.
      expect(got === signal || code === 0).toBe(true);
      expect(tempFiles(p.root)).toEqual([]);
      // Each file is whole or absent: the baseline is JSON; the cache a JSON header and the sections it
      // measures, to the byte, each a line per entry (a JSON key, a tab, a JSON value).
      const baseline = path.join(p.root, '.sdna/baseline.json');
      if (fs.existsSync(baseline)) expect(() => JSON.parse(fs.readFileSync(baseline, 'utf8'))).not.toThrow();
      const cache = path.join(p.root, 'node_modules/.cache/sdna/parse-cache.json');
      if (fs.existsSync(cache)) {
        const bytes = fs.readFileSync(cache);
        const { sections, measured } = cacheSections(bytes);
        expect(measured).toBe(bytes.length);
        for (const line of sections.flatMap((s) => s.split('\n')).filter((l) => l !== '')) {
          const tab = line.indexOf('\t');
          expect(() => [JSON.parse(line.slice(0, tab)), JSON.parse(line.slice(tab + 1))]).not.toThrow();
        }
      }
    }
  });
});
