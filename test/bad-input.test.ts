// Each bad input gets a spec-error naming file and line with the right form;
// nothing crashes, the other specs are still planned, and sdna writes nothing.

import fs from 'node:fs';
import path from 'node:path';
import { describe, it, type ExpectStatic } from 'vitest';
import { sdna, snapshotTree, tempProject, write } from './helpers.js';

const GOOD_SPEC = `---
name: Greeting
targets:
  - ../src/app.ts
---
# Greeting

## Capabilities

- **Greet** [@test](../test/app.test.ts)
  Greets a person by name.
`;

/** A small healthy project: one spec, its code and its test. */
function project(): string {
  const root = tempProject();
  write(root, 'specs/good.spec.md', GOOD_SPEC);
  write(root, 'src/app.ts', 'export const greet = (n: string) => `hello ${n}`;\n');
  write(root, 'test/app.test.ts', "import { it } from 'vitest';\nit('greets', () => {});\n");
  return root;
}

interface JsonFinding {
  kind: string;
  spec?: string;
  file?: string;
  line?: number;
  message: string;
}

/** Plans `root` and returns its spec errors, after the checks every bad input shares. */
async function specErrors(expect: ExpectStatic, root: string): Promise<JsonFinding[]> {
  const before = snapshotTree(root);
  const r = await sdna(['plan', '--root', root, '--json'], { root });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const plan = JSON.parse(r.stdout) as { capabilities: { id: string; status: string }[]; findings: JsonFinding[] };
  // The healthy spec is still read and planned.
  expect(plan.capabilities).toContainEqual(expect.objectContaining({ id: 'good/greet', status: 'linked' }));
  expect(snapshotTree(root)).toBe(before);
  return plan.findings
    .filter((f) => f.kind === 'spec-error')
    .map(({ kind, spec, file, line, message }) => ({ kind, spec, file, line, message }));
}

describe.concurrent('bad input', () => {
  it('broken YAML frontmatter', async ({ expect }) => {
    const root = project();
    write(root, 'specs/bad.spec.md', '---\nname: Bad\ntargets: [../src/app.ts\n---\n# Bad\n\n## Capabilities\n\n- **X**\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'bad',
        file: 'specs/bad.spec.md',
        line: 3,
        message:
          'frontmatter is not valid YAML: unexpected end of the stream within a flow collection; write frontmatter as `---` / `name: <Title>` / `targets:` / `  - ../src/<file>.ts` / `---`',
      },
    ]);
  });

  it('character references in a Markdown link definition: the decoder, loaded on demand, reads them and the spec is planned as without them', async ({ expect }) => {
    const root = project();
    const spec = '---\nname: Refs\ntargets:\n  - ../src/app.ts\n---\n# Refs\n\n## Capabilities\n\n- **Read** [@test](../test/app.test.ts)\n';
    write(root, 'specs/refs.spec.md', spec);
    const plain = await sdna(['plan', '--root', root, '--json', '--no-cache'], { root });
    write(root, 'specs/refs.spec.md', `${spec}\n[ref]: <./x> "t&amp;t &#116; &copy;"\n`);
    const withRefs = await sdna(['plan', '--root', root, '--json', '--no-cache'], { root });
    expect(withRefs.stderr).toBe('');
    expect(withRefs.stdout).toBe(plain.stdout);
  });

  it('frontmatter that is never closed', async ({ expect }) => {
    const root = project();
    write(root, 'specs/open.spec.md', '---\nname: Open\ntargets:\n  - ../src/app.ts\n# Open\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'open',
        file: 'specs/open.spec.md',
        line: 1,
        message:
          'frontmatter opened with `---` on line 1 is never closed; close it with a line `---` after the last key (name:, description:, targets:)',
      },
    ]);
  });

  it('frontmatter targets of the wrong form', async ({ expect }) => {
    const root = project();
    write(root, 'specs/form.spec.md', '---\nname: Form\ntargets:\n  glob: ../src/app.ts\n---\n# Form\n\n## Capabilities\n\n- **Works**\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'form',
        file: 'specs/form.spec.md',
        line: 3,
        message:
          'frontmatter `targets` has the wrong form; write it as a list of globs relative to the spec file: `targets:` / `  - ../src/links/*.ts`',
      },
    ]);
  });

  it('a heading typo: ## Capabilites', async ({ expect }) => {
    const root = project();
    write(root, 'specs/typo.spec.md', GOOD_SPEC.replace('## Capabilities', '## Capabilites'));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'typo',
        file: 'specs/typo.spec.md',
        line: 8,
        message:
          'spec has no capabilities: `## Capabilites` is not a known section (did you mean `## Capabilities`?); add `## Capabilities` with bullets `- **<Name>** [@test](../test/<file>.test.ts)` or `### <Name>` headings',
      },
    ]);
  });

  it('a heading typo: ## Tagret', async ({ expect }) => {
    const root = project();
    write(root, 'specs/t.spec.md', '# T\n\n## Tagret\n\n[@generate](../src/app.ts)\n\n## Capabilities\n\n### Greet\n\n- Greets [@test](../test/app.test.ts)\n');
    // `[@generate]` links are targets wherever they stand, so only the typo is reported.
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 't',
        file: 'specs/t.spec.md',
        line: 3,
        message:
          '`## Tagret` is not a known section; did you mean `## Target`? Known sections: ## Capabilities, ## Target, ## API, ## Dependencies',
      },
    ]);
  });

  it('a spec without name', async ({ expect }) => {
    const root = project();
    write(root, 'specs/anon.spec.md', '---\ntargets:\n  - ../src/app.ts\n---\n## Capabilities\n\n- **Wave** [@test](../test/app.test.ts)\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'anon',
        file: 'specs/anon.spec.md',
        line: 1,
        message: 'spec has no name; add `name: <Title>` to the frontmatter or a `# <Title>` heading',
      },
    ]);
  });

  it('a spec without targets', async ({ expect }) => {
    const root = project();
    write(root, 'specs/loose.spec.md', '# Loose\n\n## Capabilities\n\n- **Float** [@test](../test/app.test.ts)\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'loose',
        file: 'specs/loose.spec.md',
        line: 1,
        message:
          'spec has no targets, so it governs no code; add `targets:` / `  - ../src/<file>.ts` to the frontmatter, or a `## Target` section with `[@generate](../src/<file>.ts)`',
      },
    ]);
  });

  it('a link to ../../../etc/passwd is never read', async ({ expect }) => {
    const root = project();
    write(root, 'specs/peek.spec.md', GOOD_SPEC.replace('../test/app.test.ts', '../../../etc/passwd'));
    const errors = await specErrors(expect, root);
    expect(errors).toEqual([
      {
        kind: 'spec-error',
        spec: 'peek',
        file: 'specs/peek.spec.md',
        line: 10,
        message:
          'test link `../../../etc/passwd` resolves outside the project root and was not read; link a test file inside the project, relative to the spec file: `[@test](../test/<file>.test.ts)`',
      },
    ]);
  });

  it('a target outside the root', async ({ expect }) => {
    const root = project();
    write(root, 'specs/far.spec.md', GOOD_SPEC.replace('  - ../src/app.ts', '  - ../src/app.ts\n  - ../../elsewhere/*.ts'));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'far',
        file: 'specs/far.spec.md',
        line: 5,
        message:
          'target `../../elsewhere/*.ts` resolves outside the project root and was not read; name files inside the project, relative to the spec file: `../src/<area>/*.ts`',
      },
    ]);
  });

  it('a glob like [', async ({ expect }) => {
    const root = project();
    write(root, 'specs/glob.spec.md', GOOD_SPEC.replace('../src/app.ts', '../src/['));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'glob',
        file: 'specs/glob.spec.md',
        line: 4,
        message:
          'target `../src/[` is not a valid glob: Missing closing: "]" - use "\\\\]" to match literal characters; write a glob such as `../src/<area>/*.ts`; escape a literal bracket as `\\[`',
      },
    ]);
  });

  it('a binary file named .spec.md', async ({ expect }) => {
    const root = project();
    write(root, 'specs/logo.spec.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'logo',
        file: 'specs/logo.spec.md',
        line: 1,
        message:
          'spec is not a text file (it contains NUL bytes); a spec is UTF-8 Markdown; rename binary files so they do not end in `.spec.md`',
      },
    ]);
  });

  it('a 5 MB spec', async ({ expect }) => {
    const root = project();
    write(root, 'specs/huge.spec.md', GOOD_SPEC + 'Filler text for a very long spec.\n'.repeat(160_000));
    expect(fs.statSync(path.join(root, 'specs/huge.spec.md')).size).toBeGreaterThan(5_000_000);
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'huge',
        file: 'specs/huge.spec.md',
        line: 1,
        message:
          'cannot read the spec: it is 5.2 MB, over the 1 MB limit for a spec file; split it into one spec per area (`specs/<area>.spec.md`)',
      },
    ]);
  });

  it('a symlink loop in the tree', async ({ expect }) => {
    const root = project();
    fs.symlinkSync('..', path.join(root, 'src/loop')); // a folder that contains itself
    fs.symlinkSync('self.spec.md', path.join(root, 'specs/self.spec.md')); // a file that points at itself
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'self',
        file: 'specs/self.spec.md',
        line: 1,
        message: 'cannot read the spec: it is a symlink loop; make it a readable Markdown file, or remove it',
      },
    ]);
  });

  it('an unreadable spec (a dangling symlink)', async ({ expect }) => {
    const root = project();
    fs.symlinkSync('gone.md', path.join(root, 'specs/gone.spec.md'));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'gone',
        file: 'specs/gone.spec.md',
        line: 1,
        message:
          'cannot read the spec: it is a symlink to nothing; make it a readable Markdown file, or remove it',
      },
    ]);
  });

  // Root reads every file whatever its mode, so this case needs an ordinary user.
  it.runIf(process.getuid?.() !== 0)('an unreadable spec (no permission)', async ({ expect }) => {
    const root = project();
    write(root, 'specs/locked.spec.md', GOOD_SPEC);
    fs.chmodSync(path.join(root, 'specs/locked.spec.md'), 0o000);
    expect(await specErrors(expect, root)).toContainEqual({
      kind: 'spec-error',
      spec: 'locked',
      file: 'specs/locked.spec.md',
      line: 1,
      message: 'cannot read the spec: permission denied (EACCES); make it a readable Markdown file, or remove it',
    });
  });

  it('two specs with one id', async ({ expect }) => {
    const root = project();
    write(root, 'specs/a/good.spec.md', GOOD_SPEC.replace('../src', '../../src').replace('../test', '../../test').replace('Greet**', 'Wave**'));
    const errors = await specErrors(expect, root);
    expect(errors).toEqual([
      {
        kind: 'spec-error',
        spec: 'good',
        file: 'specs/a/good.spec.md',
        line: 1,
        message:
          'spec id `good` is also the id of specs/good.spec.md; give each spec a distinct `id:` in its frontmatter (`id: <unique-name>`)',
      },
      {
        kind: 'spec-error',
        spec: 'good',
        file: 'specs/good.spec.md',
        line: 1,
        message:
          'spec id `good` is also the id of specs/a/good.spec.md; give each spec a distinct `id:` in its frontmatter (`id: <unique-name>`)',
      },
    ]);
  });

  it('a capability declared twice', async ({ expect }) => {
    const root = project();
    write(root, 'specs/twice.spec.md', GOOD_SPEC.replace('Greeting', 'Twice') + '- **greet!** [@test](../test/app.test.ts)\n');
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'twice',
        file: 'specs/twice.spec.md',
        line: 12,
        message:
          'capability id `twice/greet` is declared twice: specs/twice.spec.md:10 and specs/twice.spec.md:12; give each capability a distinct name',
      },
    ]);
  });

  it('a test link that names no file', async ({ expect }) => {
    const root = project();
    write(root, 'specs/nofile.spec.md', GOOD_SPEC.replace('(../test/app.test.ts)', '(#greets)'));
    expect(await specErrors(expect, root)).toContainEqual({
      kind: 'spec-error',
      spec: 'nofile',
      file: 'specs/nofile.spec.md',
      line: 10,
      message:
        'test link `[@test](#greets)` names no file; write `[@test](../test/<file>.test.ts)` or `[@test](<../test/<file>.test.ts#test name>)`',
    });
  });

  it('an invalid frontmatter id', async ({ expect }) => {
    const root = project();
    write(root, 'specs/ided.spec.md', GOOD_SPEC.replace('name: Greeting', 'name: Ided\nid: has spaces'));
    expect(await specErrors(expect, root)).toEqual([
      {
        kind: 'spec-error',
        spec: 'ided',
        file: 'specs/ided.spec.md',
        line: 3,
        message: 'spec id `has spaces` is not a valid id; use letters, digits, `.`, `_` and `-`, e.g. `id: payments`',
      },
    ]);
  });
});

describe.concurrent('bad places to read or write', () => {
  it('`--root /` is refused rather than walking the whole file system', async ({ expect }) => {
    const r = await sdna(['plan', '--root', '/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: refusing to use the file system root / as the project: pass --root <your project\'s folder> (or fix "root" in the config)\n');
  });

  it('export --out under a folder that does not exist: no folder is created', async ({ expect }) => {
    const root = project();
    const out = path.join(root, 'nope', 'dir', 'x.json');
    const r = await sdna(['export', '--root', root, '--out', out], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: cannot write <root>/nope/dir/x.json: the folder <root>/nope/dir does not exist (sdna creates no folder you did not name; create it first)\n');
    expect(fs.existsSync(path.join(root, 'nope'))).toBe(false);
  });

  it('export --out that is a folder, or under a file: one line each', async ({ expect }) => {
    const root = project();
    const folder = await sdna(['export', '--root', root, '--out', path.join(root, 'src')], { root });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe('sdna: cannot write <root>/src: it is a folder (EISDIR)\n');
    const underFile = await sdna(['export', '--root', root, '--out', path.join(root, 'src/app.ts/x.json')], { root });
    expect(underFile.code).toBe(2);
    expect(underFile.stderr).toBe('sdna: cannot write <root>/src/app.ts/x.json: a part of the path is a file, not a folder (ENOTDIR)\n');
  });

  it('a .sdna that is a file: sdna baseline and sdna accept stop with one line', async ({ expect }) => {
    const root = project();
    write(root, '.sdna', 'not a folder\n');
    const baseline = await sdna(['baseline', '--root', root], { root });
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toBe('sdna: cannot read .sdna/baseline.json: a part of its path is a file, not a folder (ENOTDIR)\n');
    write(root, 'src/gen.ts', '// GENERATED FROM SPEC - DO NOT EDIT\nexport const x = 1;\n');
    const accept = await sdna(['accept', 'src/gen.ts'], { cwd: root, root });
    expect(accept.code).toBe(2);
    expect(accept.stderr).toBe('sdna: cannot write .sdna/state.json: a part of the path is a file, not a folder (EEXIST)\n');
  });
});
