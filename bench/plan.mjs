#!/usr/bin/env node
// `npm run bench:plan`: times `sdna plan --json` on generated corpora, cold
// (--no-cache), warm (cache primed, nothing changed) and first with the cache
// on (an empty cache folder: the plan also keeps what it derived), on the corpus as the
// generator writes it (API blocks included) and on its variant without API
// blocks, beside floors measured in the same run, and knip on the same tree:
//   read+hash floor:  list every file (readdir), read and sha256 each;
//   stat floor:       list every file (readdir) and stat each (what a warm run must do at least);
//   TypeScript floor: the read+hash floor, plus loading TypeScript and parsing (no JSDoc, no
//                     parent pointers, as sdna does) exactly the files an API block's spec
//                     targets and the blocks themselves (what the API check must do at least);
//   knip:             a comparable whole-repository analyser, no cache; beside its time, how
//                     fast the cold plan must be for the knip budget, over the read+hash
//                     floor, and Node's own start (`node -e 0`), which both pay.
// Beside the API budget's ratio (the whole plan over the TypeScript floor) it prints
// what the API blocks add to a plan (the plan of the variant without them is timed
// alternately) over what TypeScript adds to the floor.
// It also checks each plan against the defects the generator injected (EXPECTED.json).
//
//   node bench/plan.mjs [--runs N] [--sizes 2000,20000,100000] [--no-knip] [--generator PATH]
//
// The warm plan is timed twice: on the corpus as written (a plain folder: every
// file is stat'ed) and on a copy committed to git (a repository as teams have
// it: git vouches for the files it indexed, so sdna stats none of them), each
// against the stat floor on the same tree. Cold means no parse cache: every run,
// cold ones too, finds the compiled code of the command line (and of TypeScript)
// kept where Node keeps compiled code, as every run after the first on a machine
// does. The TypeScript floor loads TypeScript without it, as a program that does
// not keep compiled code would.
//
// The generator is the benchmark corpus writer kept outside the project
// (default: ../shared/bench/make-corpus.mjs from the repository root, or
// $SDNA_CORPUS_GENERATOR). Corpora are cached in .bench/ (git-ignored); knip is
// installed once into .bench/knip at the version below.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { builtCli, committedCopy, corpus, corpusVariant, flag, median, peakRss, repo, time } from './common.mjs';

const runs = Number(flag('--runs', '7'));
const sizes = flag('--sizes', '2000,20000').split(',').map(Number);
const withKnip = !process.argv.includes('--no-knip');
const cli = builtCli();
const KNIP = '6.44.2';

/** Budgets (issue: speed close to the floor), as ratios of medians from one run. */
const BUDGETS = { cold: 2.0, warm: 1.5, api: 1.3, rssMb100k: 400, knip: 10 };


const WALK = `
import fs from 'node:fs'; import path from 'node:path';
const walk = (d, out) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  const p = path.join(d, e.name);
  if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') walk(p, out); }
  else if (e.isFile()) out.push(p); } return out; };
`;
const READ_FLOOR = `${WALK}
import crypto from 'node:crypto';
const h = crypto.createHash('sha256'); const files = walk(process.argv[1], []);
for (const p of files) h.update(crypto.createHash('sha256').update(fs.readFileSync(p)).digest());
process.stdout.write(files.length + ' ' + h.digest('hex') + '\\n');
`;
const STAT_FLOOR = `${WALK}
let bytes = 0; const files = walk(process.argv[1], []);
for (const p of files) { const s = fs.statSync(p); bytes += s.size + (s.mtimeMs > 0 ? 0 : 1); }
process.stdout.write(files.length + ' ' + bytes + '\\n');
`;
const TS_FLOOR = `${READ_FLOOR}
import { createRequire } from 'node:module';
const ts = createRequire(process.argv[3])('typescript');
// Parsed as cheaply as TypeScript can (no JSDoc, no parent pointers), as sdna parses them.
const parse = (file, text) => ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false);
let decls = 0;
const { files: targets, blocks } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const f of targets) decls += parse(f, fs.readFileSync(path.join(process.argv[1], f), 'utf8')).statements.length;
// The blocks are in the spec files read above; what their parse costs is the floor's too.
for (const [file, code] of blocks) decls += parse(file + '.api.ts', code).statements.length;
process.stdout.write(decls + '\\n');
`;

/** The languages of the blocks the API check compares (TS_LANGS in src/checks/api-drift/index.ts, which the package does not export). */
const API_LANGS = new Set(['', 'ts', 'typescript', 'tsx', 'mts', 'cts', 'd.ts', 'js', 'javascript', 'jsx']);

/**
 * What the API check must parse, from sdna's own model: the targets of the specs that have
 * an API block, and the blocks themselves (TypeScript or JavaScript, as the check takes them).
 */
async function apiTargets(dir) {
  const { createPlan, resolveConfig } = await import(path.join(repo, 'dist', 'index.js'));
  const plan = await createPlan(resolveConfig({}, undefined, dir));
  const files = new Set();
  const blocks = [];
  for (const spec of plan.specs) {
    if (spec.api.length === 0) continue;
    for (const f of plan.targetFiles.get(spec.id) ?? []) if (/\.[cm]?tsx?$/.test(f)) files.add(f);
    for (const b of spec.api) if (API_LANGS.has(b.lang.toLowerCase())) blocks.push([spec.file, b.code]);
  }
  return { files: [...files].sort(), blocks };
}

/** knip, installed once into .bench/knip; undefined when it cannot be (offline). */
function knipBin() {
  const prefix = path.join(repo, '.bench', 'knip');
  const bin = path.join(prefix, 'node_modules', 'knip', 'bin', 'knip.js');
  if (!fs.existsSync(bin)) {
    console.log(`installing knip ${KNIP} into .bench/knip (once)...`);
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `knip@${KNIP}`], { stdio: 'inherit' });
    if (r.status !== 0) return undefined;
  }
  return bin;
}

/** knip's setup for a corpus, as LIMITS.md measured it: entry the tests, project src and test, the Vitest plugin off. */
function knipConfig(dir) {
  const file = path.join(os.tmpdir(), `sdna-bench-knip-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ entry: ['test/**/*.test.ts'], project: ['src/**/*.ts', 'test/**/*.ts'], vitest: false }));
  return file;
}

function checkDefects(dir, plan) {
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'EXPECTED.json'), 'utf8'));
  const byKind = (k) => plan.findings.filter((f) => f.kind === k);
  const problems = [];
  const report = {};

  // stale-target: exactly the injected globs, no other. A finding is at the line
  // of the spec that writes its target; the glob is read there, not from the message.
  const specLines = new Map();
  const lineOf = (file, line) => {
    if (!specLines.has(file)) specLines.set(file, fs.readFileSync(path.join(dir, file), 'utf8').split('\n'));
    return specLines.get(file)[line - 1] ?? '';
  };
  const wantItems = expected.defects['stale-target'].items;
  const stale = new Set(
    byKind('stale-target').map((f) => {
      const item = wantItems.find((i) => i.spec === f.file && lineOf(f.file, f.line).includes(i.glob));
      return item ? `${item.spec} ${item.glob}` : `${f.file}:${f.line}`;
    }),
  );
  const wantStale = new Set(wantItems.map((i) => `${i.spec} ${i.glob}`));
  const missStale = [...wantStale].filter((x) => !stale.has(x));
  const extraStale = [...stale].filter((x) => !wantStale.has(x));
  report['stale-target'] = `${stale.size} reported / ${wantStale.size} injected`;
  if (missStale.length || extraStale.length) problems.push(`stale-target: missing ${missStale.length}, extra ${extraStale.length}`);

  // broken-test-link: exactly the injected links (by capability), no other.
  const broken = new Set(byKind('broken-test-link').map((f) => f.capability ?? `${f.file}:${f.line}`));
  const wantBroken = new Set(expected.defects['broken-test-link'].items.map((i) => i.capability));
  const missBroken = [...wantBroken].filter((x) => !broken.has(x));
  const extraBroken = [...broken].filter((x) => !wantBroken.has(x));
  report['broken-test-link'] = `${broken.size} reported / ${wantBroken.size} injected`;
  if (missBroken.length || extraBroken.length) problems.push(`broken-test-link: missing ${missBroken.length}, extra ${extraBroken.length}`);

  // unspecified-code: every injected file; the rest must be files that only
  // Kiro, Spec Kit or OpenSpec specs target (those formats are not read yet).
  const unspecified = new Set(byKind('unspecified-code').map((f) => f.file));
  const wantUnspec = expected.defects['unspecified-code'].items.map((i) => i.file);
  const missUnspec = wantUnspec.filter((f) => !unspecified.has(f));
  const otherFormatTargets = otherFormatMatchers(dir);
  const extra = [...unspecified].filter((f) => !wantUnspec.includes(f));
  const explained = extra.filter((f) => otherFormatTargets(f));
  report['unspecified-code'] = `${unspecified.size} reported: ${wantUnspec.length - missUnspec.length}/${wantUnspec.length} injected + ${explained.length} targeted only by Kiro/Spec Kit/OpenSpec specs`;
  if (missUnspec.length) problems.push(`unspecified-code: ${missUnspec.length} injected files not reported`);
  if (explained.length !== extra.length) problems.push(`unspecified-code: ${extra.length - explained.length} unexpected files`);

  // generated-edited: exactly the injected hand edits (sha256 stamps), none of the untouched files.
  const edited = new Set(byKind('generated-edited').map((f) => f.file));
  const wantEdited = new Set(expected.defects['generated-edited'].items.map((i) => i.file));
  const missEdited = [...wantEdited].filter((x) => !edited.has(x));
  const extraEdited = [...edited].filter((x) => !wantEdited.has(x));
  report['generated-edited'] = `${edited.size} reported / ${wantEdited.size} injected`;
  if (missEdited.length || extraEdited.length) problems.push(`generated-edited: missing ${missEdited.length}, extra ${extraEdited.length}`);

  const untested = byKind('untested-capability').length;
  report['untested-capability'] = `${untested} reported (${expected.totals.capabilitiesWithoutLinkOrClaim} capabilities in all formats have no link or claim)`;
  const formats = {};
  for (const sp of plan.specs) formats[sp.format] = (formats[sp.format] ?? 0) + 1;
  report.capabilities = `${plan.capabilities.length} read from ${plan.specs.length} specs (${Object.entries(formats).map(([k, n]) => `${n} ${k}`).join(', ')}; EXPECTED: ${JSON.stringify(expected.totals.specs)})`;
  const byFormat = {};
  for (const sp of plan.specs) byFormat[sp.format] = (byFormat[sp.format] ?? 0) + 1;
  for (const f of ['tessl', 'kiro', 'speckit', 'openspec']) {
    if ((byFormat[f] ?? 0) !== expected.totals.specs[f]) problems.push(`${f}: ${byFormat[f] ?? 0} specs read, ${expected.totals.specs[f]} in the corpus`);
  }
  const errors = byKind('spec-error');
  if (errors.length) problems.push(`${errors.length} unexpected spec-error findings, first: ${errors[0].message}`);
  return { report, problems };
}

function otherFormatMatchers(dir) {
  const matchers = [];
  const visit = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name === 'requirements.md' || e.name === 'spec.md') {
        const text = fs.readFileSync(p, 'utf8');
        const fm = /^---\n([\s\S]*?)\n---/.exec(text);
        if (!fm) continue;
        const rel = path.relative(dir, path.dirname(p));
        for (const m of fm[1].matchAll(/^\s*-\s+(.+)$/gm)) {
          matchers.push(picomatch(path.posix.normalize(path.posix.join(rel, m[1].trim())), { dot: true }));
        }
      }
    }
  };
  for (const sub of ['.kiro', 'specs', 'openspec']) if (fs.existsSync(path.join(dir, sub))) visit(path.join(dir, sub));
  return (file) => matchers.some((m) => m(file));
}

let failed = false;
const verdict = (ok, text) => {
  if (!ok) failed = true;
  return `${ok ? 'ok' : 'OVER'} (${text})`;
};
const knip = withKnip ? knipBin() : undefined;
const ms = (xs) => `${median(xs).toFixed(0)} ms`;

for (const files of sizes) {
  for (const variant of ['as written', 'no API blocks']) {
    const dir = variant === 'as written' ? corpus(files) : await corpusVariant(files, 'no-api');
    const cacheDir = path.join(os.tmpdir(), `sdna-bench-cache-${process.pid}-${files}`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const coldArgs = [cli, 'plan', '--root', dir, '--json', '--no-cache'];
    const warmArgs = [cli, 'plan', '--root', dir, '--json', '--cache-dir', cacheDir];
    const gitDir = committedCopy(dir);
    const gitCacheDir = `${cacheDir}-git`;
    const warmGitArgs = [cli, 'plan', '--root', gitDir, '--json', '--cache-dir', gitCacheDir];
    // A first plan with the parse cache on, as a CI job that restores no cache runs it: it also keeps what it derived.
    const firstDir = `${cacheDir}-first`;
    const firstArgs = [cli, 'plan', '--root', dir, '--json', '--cache-dir', firstDir];
    const emptied = () => fs.rmSync(firstDir, { recursive: true, force: true });
    const statGitArgs = ['--input-type=module', '-e', STAT_FLOOR, gitDir];
    const readArgs = ['--input-type=module', '-e', READ_FLOOR, dir];
    const statArgs = ['--input-type=module', '-e', STAT_FLOOR, dir];
    const hasApi = variant === 'as written';
    // The same plan of the variant without API blocks, alternated with this one's: what the API check adds to a plan.
    const noApiArgs = hasApi && [cli, 'plan', '--root', await corpusVariant(files, 'no-api'), '--json', '--no-cache'];
    const targetsFile = path.join(os.tmpdir(), `sdna-bench-api-${process.pid}.json`);
    if (hasApi) fs.writeFileSync(targetsFile, JSON.stringify(await apiTargets(dir)));
    const tsArgs = ['--input-type=module', '-e', TS_FLOOR, dir, targetsFile, path.join(repo, 'package.json')];
    // knip is compared with the plan it is a peer of: the one without API blocks (no TypeScript on either side).
    const knipArgs = knip && !hasApi && [knip, '--directory', dir, '--config', knipConfig(dir), '--no-progress', '--no-exit-code', '--reporter', 'json'];

    const first = time(coldArgs);
    if (first.r.status !== 0 && first.r.status !== 1) throw new Error(`sdna plan exited ${first.r.status}: ${first.r.stderr}`);
    const plan = JSON.parse(first.r.stdout);
    time(warmArgs); // primes the cache
    if (time(warmArgs).r.stdout !== first.r.stdout) problemsOf(files, variant).push('the warm plan differs from the cold plan');
    time(warmGitArgs);
    if (time(warmGitArgs).r.stdout.split(gitDir).join(dir) !== first.r.stdout) problemsOf(files, variant).push('the warm plan in git differs from the cold plan');
    emptied();
    if (time(firstArgs).r.stdout !== first.r.stdout) problemsOf(files, variant).push('the first plan with the cache on differs from the cold plan');
    const t = { cold: [], warm: [], read: [], stat: [], ts: [], knip: [], warmGit: [], statGit: [], noApi: [], first: [], node: [] };
    for (let i = 0; i < runs; i++) {
      t.cold.push(time(coldArgs).ms);
      emptied();
      t.first.push(time(firstArgs).ms);
      t.read.push(time(readArgs).ms);
      // Node's own start and exit, which every floor and plan pays: what no program can take off a small tree's time.
      t.node.push(time(['-e', '0']).ms);
      t.warm.push(time(warmArgs).ms);
      t.stat.push(time(statArgs).ms);
      t.warmGit.push(time(warmGitArgs).ms);
      t.statGit.push(time(statGitArgs).ms);
      if (hasApi) t.ts.push(time(tsArgs).ms);
      if (noApiArgs) t.noApi.push(time(noApiArgs).ms);
    }
    // knip takes seconds to minutes: three runs, alternated with the floor's.
    if (knipArgs) for (let i = 0; i < 3; i++) t.knip.push(time(knipArgs).ms);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(gitCacheDir, { recursive: true, force: true });
    // Three runs at every size: the peak moves with when V8 collects (at 100k, 460 to 510 MB for one build), and the budget is held to the highest.
    const peaks = peakRss(coldArgs, 3);
    const peak = Math.max(...peaks);
    const firstPeaks = peakRss(firstArgs, 3, emptied);
    const firstPeak = Math.max(...firstPeaks);
    emptied();
    // Pair by pair (run i of one against run i of the other, alternated), then the median: a drift in the machine's speed cancels out.
    const ratio = (a, b) => (t[a].length === t[b].length ? median(t[a].map((x, i) => x / t[b][i])) : median(t[a]) / median(t[b]));
    // The lowest and highest of the pair-by-pair ratios: a budget between them is met by some runs and not others.
    const range = (xs) => `run by run ${Math.min(...xs).toFixed(2)}x to ${Math.max(...xs).toFixed(2)}x`;
    const spread = (a, b) => range(t[a].map((x, i) => x / t[b][i]));
    console.log(`\n${files} source files, ${variant} (${dir})`);
    console.log(`  cold  sdna plan --json --no-cache   ${ms(t.cold)}  ${ratio('cold', 'read').toFixed(2)}x the read+hash floor (${ms(t.read)}; ${spread('cold', 'read')})`);
    console.log(`  warm  sdna plan --json, cache primed ${ms(t.warm)}  ${ratio('warm', 'stat').toFixed(2)}x the stat floor (${ms(t.stat)}; ${spread('warm', 'stat')})`);
    console.log(`  warm, committed to git               ${ms(t.warmGit)}  ${ratio('warmGit', 'statGit').toFixed(2)}x the stat floor (${ms(t.statGit)}; ${spread('warmGit', 'statGit')})`);
    if (hasApi) {
      console.log(`  API   cold plan over the TypeScript floor (${ms(t.ts)}): ${ratio('cold', 'ts').toFixed(2)}x (${spread('cold', 'ts')})`);
      // Pair by pair: what the API blocks add to the plan (this plan less the one without them)
      // over what TypeScript adds to the floor (the TypeScript floor less the read+hash floor).
      const adds = t.cold.map((x, i) => (x - t.noApi[i]) / (t.ts[i] - t.read[i]));
      console.log(`        what the API blocks add to the plan over what TypeScript adds to the floor: ${median(adds).toFixed(2)}x (${range(adds)}; the plan without them: ${ms(t.noApi)})`);
    }
    if (t.knip.length) {
      // What the knip budget asks of the cold plan, against the floor of this run: a bound set by knip's speed on this Node.
      const within = median(t.knip) / BUDGETS.knip;
      console.log(`  knip  ${ms(t.knip)}  ${ratio('knip', 'cold').toFixed(1)}x the cold plan; ${BUDGETS.knip}x needs the cold plan within ${within.toFixed(0)} ms, ${(within / median(t.read)).toFixed(2)}x the read+hash floor (\`node -e 0\` alone: ${ms(t.node)})`);
    }
    console.log(`  first plan, cache on (none yet)     ${ms(t.first)}  ${ratio('first', 'cold').toFixed(2)}x the cold plan (${spread('first', 'cold')})`);
    console.log(`  peak RSS (cold) ${peak.toFixed(0)} MB, the highest of ${peaks.map((p) => p.toFixed(0)).join(', ')}; first plan with the cache on ${firstPeak.toFixed(0)} MB, the highest of ${firstPeaks.map((p) => p.toFixed(0)).join(', ')}`);
    const verdicts = [];
    if (!hasApi) verdicts.push(`cold ${verdict(ratio('cold', 'read') <= BUDGETS.cold, `<= ${BUDGETS.cold}x read+hash`)}`);
    verdicts.push(`warm ${verdict(ratio('warm', 'stat') <= BUDGETS.warm, `<= ${BUDGETS.warm}x stat`)}`);
    verdicts.push(`warm in git ${verdict(ratio('warmGit', 'statGit') <= BUDGETS.warm, `<= ${BUDGETS.warm}x stat`)}`);
    if (hasApi) verdicts.push(`API ${verdict(ratio('cold', 'ts') <= BUDGETS.api, `<= ${BUDGETS.api}x TypeScript floor`)}`);
    if (hasApi && files >= 100000) verdicts.push(`RSS ${verdict(peak <= BUDGETS.rssMb100k, `<= ${BUDGETS.rssMb100k} MB`)}`);
    if (hasApi && files >= 100000) verdicts.push(`RSS of a first plan with the cache on ${verdict(firstPeak <= BUDGETS.rssMb100k, `<= ${BUDGETS.rssMb100k} MB`)}`);
    if (t.knip.length) verdicts.push(`knip ${verdict(ratio('knip', 'cold') >= BUDGETS.knip, `>= ${BUDGETS.knip}x slower`)}`);
    console.log(`  budgets ${verdicts.join(', ')}`);
    console.log(`  runs (ms): cold ${t.cold.map(Math.round).join(', ')}; warm ${t.warm.map(Math.round).join(', ')}; warm in git ${t.warmGit.map(Math.round).join(', ')}; first with the cache on ${t.first.map(Math.round).join(', ')}`);
    if (!hasApi) {
      const { report, problems } = checkDefects(dir, plan);
      for (const [k, v] of Object.entries(report)) console.log(`  ${k.padEnd(20)} ${v}`);
      problemsOf(files, variant).push(...problems);
    } else {
      // A drift is reported at the spec's line, naming the symbol.
      const drift = new Set(plan.findings.filter((f) => f.kind === 'api-drift' && f.symbol !== undefined).map((f) => `${f.file} ${f.symbol}`));
      const want = new Set(JSON.parse(fs.readFileSync(path.join(dir, 'EXPECTED.json'), 'utf8')).defects['api-drift'].items.map((i) => `${i.spec} ${i.symbol}`));
      const missing = [...want].filter((x) => !drift.has(x));
      const extra = [...drift].filter((x) => !want.has(x));
      console.log(`  api-drift            ${drift.size} reported / ${want.size} injected`);
      if (missing.length || extra.length) problemsOf(files, variant).push(`api-drift: missing ${missing.length}, extra ${extra.length}`);
    }
    for (const p of problemsOf(files, variant)) {
      failed = true;
      console.log(`  CHECK FAILED: ${p}`);
    }
  }
}
console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${runs} timed runs each (knip 3), alternated, after one warm-up`);
process.exit(failed ? 1 : 0);

function problemsOf(files, variant) {
  const key = `${files} ${variant}`;
  return (problemsOf.all ??= new Map()).get(key) ?? problemsOf.all.set(key, []).get(key);
}
