// The built CLI on each fixture project: exact terminal and JSON output, exit codes.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { CLI, FIXTURES, sdna, snapshotTree, tempProject, write } from './helpers.js';

const cases: [fixture: string, exit: number][] = [
  ['clean', 0],
  ['demo', 1],
  ['untested-capability', 1],
  ['unspecified-code', 1],
  ['stale-target', 1],
  ['broken-test-link', 1],
  ['spec-error', 1],
  ['rules', 0],
  ['generated', 1],
  ['api-drift', 1],
  ['speckit', 1],
  ['kiro', 1],
  ['openspec', 1],
  ['openspec-rules', 1],
];

describe.concurrent('sdna plan on fixtures', () => {
  for (const [fixture, exit] of cases) {
    it(`${fixture}: terminal plan`, async ({ expect }) => {
      const root = path.join(FIXTURES, fixture);
      const before = snapshotTree(root);
      const r = await sdna(['plan', '--root', `fixtures/${fixture}`], { root });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(exit);
      await expect(r.stdout).toMatchFileSnapshot(`__snapshots__/plan/${fixture}.txt`);
      expect(snapshotTree(root)).toBe(before); // sdna plan writes nothing
    });

    it(`${fixture}: JSON plan`, async ({ expect }) => {
      const root = path.join(FIXTURES, fixture);
      const r = await sdna(['plan', '--root', root, '--json'], { root });
      expect(r.code).toBe(exit);
      const plan = JSON.parse(r.stdout);
      expect(plan.version).toBe(1);
      expect(plan.root).toBe('<root>');
      await expect(r.stdout).toMatchFileSnapshot(`__snapshots__/plan/${fixture}.json`);
    });
  }
});

describe.concurrent('sdna plan options', () => {
  const root = path.join(FIXTURES, 'demo');

  it('--quiet prints only error findings and the closing line', async ({ expect }) => {
    const r = await sdna(['plan', '--root', root, '--quiet'], { root });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('- payments\n')).toBe(true);
    expect(r.stdout).not.toContain('Analyzing');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 2 drift, 1 unspecified, 2 potentially stale.');
  });

  it('--reporter json equals --json', async ({ expect }) => {
    const a = await sdna(['plan', '--root', root, '--json']);
    const b = await sdna(['plan', '--root', root, '--reporter', 'json']);
    expect(b.stdout).toBe(a.stdout);
  });

  it('--reporter name:file takes an absolute file (the first colon splits, not a Windows drive\'s)', async ({ expect }) => {
    const out = path.join(tempProject(), 'plan.json');
    const r = await sdna(['plan', '--root', root, '--reporter', `json:${out}`]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(fs.readFileSync(out, 'utf8')).toBe((await sdna(['plan', '--root', root, '--json'])).stdout);
  });

  it('--reporter is repeatable: one prints, the others write their :file atomically', async ({ expect }) => {
    const dir = tempProject('demo');
    const r = await sdna(['plan', '--reporter', 'terminal', '--reporter', 'json:reports/plan.json', '--reporter', 'json:plan-copy.json'], { cwd: dir });
    const json = await sdna(['plan', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe((await sdna(['plan'], { cwd: dir })).stdout);
    expect(fs.readFileSync(path.join(dir, 'reports/plan.json'), 'utf8')).toBe(json.stdout);
    expect(fs.readFileSync(path.join(dir, 'plan-copy.json'), 'utf8')).toBe(json.stdout);
    expect(fs.readdirSync(path.join(dir, 'reports'))).toEqual(['plan.json']);
  });

  it('loads a reporter module by path', async ({ expect }) => {
    const r = await sdna(['plan', '--root', root, '--reporter', 'test/reporters/count.mjs']);
    expect(r.stdout).toBe('5 findings, 4 capabilities\n');
    expect(r.code).toBe(1);
  });

  it("an SdnaError a reporter throws through the package's entry is one line, not a crash", async ({ expect }) => {
    const r = await sdna(['plan', '--root', root, '--reporter', 'test/reporters/refuses.mjs']);
    expect(r.stderr).toBe('sdna: refuses a plan with 5 findings\n');
    expect(r.code).toBe(2);
  });

  it('colours only when asked by a TTY and never with NO_COLOR', async ({ expect }) => {
    const r = await sdna(['plan', '--root', root]);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--performance reports phase times on stderr', async ({ expect }) => {
    const r = await sdna(['plan', '--root', root, '--performance']);
    expect(r.stderr).toMatch(/^sdna performance \(process up \d+ ms\):\n  start-up +\d+\.\d ms\n  load config +\d+\.\d ms\n/);
    expect(r.stderr).toMatch(/\n  list files +\d+\.\d ms\n/);
  });
});

describe.concurrent('sdna plan edge cases', () => {
  it('says where it looked when there is no spec at all', async ({ expect }) => {
    const root = tempProject();
    write(root, 'src/a.ts', 'export const a = 1;\n');
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '\nNo specs found. Without a config sdna reads Tessl `*.spec.md`, Spec Kit `specs/001-<feature>/spec.md`,\n' +
        'Kiro `.kiro/specs/<feature>/requirements.md` and OpenSpec `openspec/specs/**/spec.md`; like git, it does not\n' +
        'follow a folder that is a symlink. Set `specs` in sdna.config to say where yours are.\n\nPlan: 0 drift, 1 unspecified, 0 potentially stale.\n',
    );
  });

  it('a reader that closes the pipe early is not an error', async ({ expect }) => {
    const root = tempProject();
    for (let i = 0; i < 3000; i++) write(root, `src/m${i}.ts`, 'export {};\n');
    const child = spawn(process.execPath, [CLI, 'plan', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});

describe.concurrent('sdna plan cannot run: exit 2 with one line on stderr', () => {
  it('root does not exist', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`sdna: the project root ${path.join(FIXTURES, 'nope')} does not exist: pass --root <your project's folder> (or fix "root" in the config)\n`);
  });

  it('root is a file', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sdna: the project root .*package\.json is a file, not a folder: pass --root/);
  });

  it('unknown reporter', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'fancy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: unknown reporter "fancy" (expected one of: terminal, json, sarif, junit, github-actions, html, markdown, or a path to a module)\n');
  });

  it('two reporters printing to stdout', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'json', '--reporter', 'terminal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: --reporter json and terminal would both print to stdout: give all but one a file (--reporter terminal:<file>)\n');
  });

  it('a reporter with a colon but no file', async ({ expect }) => {
    const r = await sdna(['plan', '--root', 'fixtures/demo', '--reporter', 'json:']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: reporter "json:" names no file: write json:<file>, or json to print the plan\n');
  });

  it('--json with another reporter', async ({ expect }) => {
    const r = await sdna(['plan', '--json', '--reporter', 'terminal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: --json and --reporter terminal disagree: pick one\n');
  });

  it('--json with --quiet says which wins', async ({ expect }) => {
    const r = await sdna(['plan', '--json', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: --json and --quiet disagree: the JSON plan always lists every finding; drop --quiet (it shortens the terminal plan only)\n');
  });

  it('unknown option', async ({ expect }) => {
    const r = await sdna(['plan', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: Unknown option `--jsn` (did you mean --json?); run sdna plan --help\n');
  });

  it('unknown command', async ({ expect }) => {
    const r = await sdna(['apply']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: unknown command "apply" (run sdna --help)\n');
  });

  it('a misspelt command: did you mean', async ({ expect }) => {
    const r = await sdna(['plna']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: unknown command "plna" (did you mean `sdna plan`? run sdna --help)\n');
  });
});

describe.concurrent('help and version', () => {
  it('sdna --help', async ({ expect }) => {
    const r = await sdna(['--help']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/help.txt');
  });

  it('sdna plan --help lists options, exit codes and finding kinds', async ({ expect }) => {
    const r = await sdna(['plan', '--help']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/plan-help.txt');
  });

  it('sdna import --help lists options, the evidence, where records go and its exit codes', async ({ expect }) => {
    const r = await sdna(['import', '--help']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/import-help.txt');
  });

  it('commands without a gate list no exit code 1', async ({ expect }) => {
    for (const command of ['report', 'diff', 'accept', 'baseline', 'explain', 'export', 'init']) {
      const r = await sdna([command, '--help']);
      expect(r.stdout).toContain('Exit codes:\n  0  done\n  2  sdna could not run');
      expect(r.stdout).not.toMatch(/^ {2}1 {2}/m);
    }
  });

  it('sdna with no command prints help', async ({ expect }) => {
    expect((await sdna([])).stdout).toBe((await sdna(['--help'])).stdout);
  });

  it('sdna --version', async ({ expect }) => {
    const r = await sdna(['--version']);
    expect(r.stdout).toMatch(/^sdna\/\d+\.\d+\.\d+ /);
    expect(r.code).toBe(0);
  });
});
