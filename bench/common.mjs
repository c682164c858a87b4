// What both benchmarks share: flags, the corpus generator (kept outside the
// project), cached corpora under .bench/, and medians.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// A corpus is a project of its own, kept in this repository's git-ignored .bench/. Without a
// ceiling there, every plan of a corpus outside git would ask git, which finds this repository,
// lists nothing of the ignored folder, and leaves the plan to walk: about 4 % of a cold
// 2,000-file plan that the floors, which never ask git, do not pay. A committed copy has its
// own `.git`, which git (and sdna) still find below the ceiling.
process.env.GIT_CEILING_DIRECTORIES = [path.join(repo, '.bench'), process.env.GIT_CEILING_DIRECTORIES].filter(Boolean).join(path.delimiter);

const args = process.argv.slice(2);
export function flag(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}

/** Exits with a clear message when something the benchmark needs is missing. */
export function need(file, what) {
  if (!fs.existsSync(file)) {
    console.error(`bench: ${what}`);
    process.exit(2);
  }
}

/** The built command line; exits with what to do when it is not built. */
export function builtCli() {
  const cli = path.join(repo, 'dist', 'cli.cjs');
  need(cli, 'dist/cli.cjs is missing; run `npm run build` first');
  return cli;
}

const generator = path.resolve(repo, flag('--generator', process.env.SDNA_CORPUS_GENERATOR ?? '../shared/bench/make-corpus.mjs'));

/** The corpus with `files` source files (and a tenth as many specs), generated once into .bench/. */
export function corpus(files) {
  need(generator, `corpus generator not found at ${generator}; pass --generator PATH`);
  const specs = files / 10;
  const dir = path.join(repo, '.bench', `corpus-${files}-${specs}-seed1`);
  if (!fs.existsSync(path.join(dir, 'EXPECTED.json'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`generating ${files}-file corpus...`);
    const r = spawnSync(process.execPath, [generator, dir, '--files', String(files), '--specs', String(specs)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('corpus generation failed');
  }
  return dir;
}

const API_SECTION = /\n## API\n[\s\S]*?(?=\n## |$)/;

/** Every Tessl spec in a corpus (`*.spec.md`), relative to its root. */
function tesslSpecs(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.spec.md') && !f.includes('node_modules'));
}

/**
 * A copy of a corpus with its `## API` blocks changed, made once into .bench/:
 * `no-api` drops every block (a plan that never loads TypeScript), `api-everywhere`
 * gives every Tessl spec without one a block that declares exactly what its
 * targets export (as `tsc --declaration` prints it), so that the injected drift
 * stays the only drift.
 */
export async function corpusVariant(files, variant) {
  const base = corpus(files);
  const dir = `${base}-${variant}`;
  if (fs.existsSync(path.join(dir, 'EXPECTED.json'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`writing the ${variant} variant of the ${files}-file corpus...`);
  fs.cpSync(base, `${dir}.tmp`, { recursive: true });
  const work = `${dir}.tmp`;
  if (variant === 'no-api') {
    for (const spec of tesslSpecs(work)) {
      const file = path.join(work, spec);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(API_SECTION, ''));
    }
  } else if (variant === 'api-everywhere') {
    const { createRequire } = await import('node:module');
    const ts = createRequire(import.meta.url)('typescript');
    const { resolveConfig, createPlan } = await import(path.join(repo, 'dist', 'index.js'));
    const plan = await createPlan(resolveConfig({ root: work }));
    for (const spec of plan.specs) {
      const file = path.join(work, spec.file);
      const text = fs.readFileSync(file, 'utf8');
      if (spec.api.length > 0) continue;
      const decls = (plan.targetFiles.get(spec.id) ?? []).map((f) => {
        const out = ts.transpileDeclaration(fs.readFileSync(path.join(work, f), 'utf8'), { fileName: f, compilerOptions: { removeComments: true } });
        return out.outputText.split('\n').filter((l) => !/^(import |export \{\};?$)/.test(l)).join('\n').trim();
      });
      fs.writeFileSync(file, `${text.replace(/\n*$/, '\n')}\n## API\n\n\`\`\`typescript\n${decls.filter(Boolean).join('\n\n')}\n\`\`\`\n`);
    }
  } else {
    throw new Error(`unknown corpus variant ${variant}`);
  }
  fs.renameSync(work, dir);
  return dir;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One spawned Node process, timed from outside: `{ ms, r }`. */
export function time(argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, r };
}

/** The peak RSS (MB) of each of `runs` runs of `argv`, read by a hook inside the process; `before` runs before each (untimed). */
export function peakRss(argv, runs = 3, before = () => {}) {
  const hook = path.join(os.tmpdir(), `sdna-bench-rss-${process.pid}.mjs`);
  fs.writeFileSync(hook, "import fs from 'node:fs';\nprocess.on('exit', () => fs.writeFileSync(process.env.SDNA_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const file = path.join(os.tmpdir(), `sdna-bench-rss-${process.pid}-${i}`);
    before();
    time(['--import', hook, ...argv], { SDNA_RSS_FILE: file });
    rss.push(Number(fs.readFileSync(file, 'utf8')) / 1024);
    fs.rmSync(file);
  }
  fs.rmSync(hook, { force: true });
  return rss;
}

/**
 * A copy of a corpus committed to git (made once, beside it): a repository as
 * teams have it, where git vouches for the files sdna would otherwise stat.
 */
export function committedCopy(dir, suffix = 'committed') {
  const copy = `${dir}-${suffix}`;
  if (fs.existsSync(path.join(copy, '.git'))) return copy;
  console.log(`committing ${path.basename(dir)} to git (once)...`);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(dir, copy, { recursive: true });
  const git = (...args) => spawnSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...args], { cwd: copy, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'corpus');
  return copy;
}
