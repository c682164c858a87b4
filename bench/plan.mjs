#!/usr/bin/env node
// `npm run bench`: times `sdna plan --json` on generated corpora beside the floor
// (a plain Node script that lists, reads and hashes every file of the same tree),
// both measured in the same pass, and checks the plan against the defects the
// generator injected (EXPECTED.json).
//
//   node bench/plan.mjs [--runs N] [--sizes 2000,20000] [--generator PATH]
//
// The generator is the benchmark corpus writer kept outside the project
// (default: ../shared/bench/make-corpus.mjs from the repository root, or
// $SDNA_CORPUS_GENERATOR). Corpora are cached in .bench/ (git-ignored).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { corpusVariant, flag, median, need, peakRss, repo, time } from './common.mjs';

const runs = Number(flag('--runs', '7'));
const sizes = flag('--sizes', '2000,20000').split(',').map(Number);
const cli = path.join(repo, 'dist', 'cli.js');

const BUDGETS = {
  2000: { ms: 300, ratio: 3 },
  20000: { ms: 1500, ratio: 3, rssMb: 250, exportRatio: 1.5 },
};

need(cli, 'dist/cli.js is missing; run `npm run build` first');

const FLOOR = `
import fs from 'node:fs'; import path from 'node:path'; import crypto from 'node:crypto';
const root = process.argv[1]; let n = 0; const h = crypto.createHash('sha256');
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  const p = path.join(d, e.name);
  if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') walk(p); }
  else if (e.isFile()) { h.update(crypto.createHash('sha256').update(fs.readFileSync(p)).digest()); n++; } } };
walk(root); process.stdout.write(n + ' ' + h.digest('hex') + '\\n');
`;

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
const rows = [];
for (const files of sizes) {
  // Without `## API` blocks: this is the plan that never loads TypeScript (bench/api.mjs times the rest).
  const dir = await corpusVariant(files, 'no-api');
  // Cold: no parse cache. Warm: a cache primed by the first run (issue budgets name both).
  const planArgs = [cli, 'plan', '--root', dir, '--json', '--no-cache'];
  const cacheDir = path.join(os.tmpdir(), `sdna-bench-cache-${process.pid}-${files}`);
  const warmArgs = [cli, 'plan', '--root', dir, '--json', '--cache-dir', cacheDir];
  const floorArgs = ['--input-type=module', '-e', FLOOR, dir];
  // One warm-up of each, then alternate so both see the same machine state.
  const first = time(planArgs);
  time(floorArgs);
  if (first.r.status !== 0 && first.r.status !== 1) {
    console.error(first.r.stderr);
    throw new Error(`sdna plan exited ${first.r.status}`);
  }
  const plan = JSON.parse(first.r.stdout);
  const sdna = [];
  const floor = [];
  const bare = [];
  const warm = [];
  const exp = [];
  const exportOut = path.join(os.tmpdir(), `sdna-bench-export-${process.pid}.json`);
  const exportArgs = [cli, 'export', '--root', dir, '--out', exportOut];
  time(warmArgs); // primes the cache
  time(exportArgs);
  for (let i = 0; i < runs; i++) {
    sdna.push(time(planArgs).ms);
    floor.push(time(floorArgs).ms);
    bare.push(time(['-e', '0']).ms);
    warm.push(time(warmArgs).ms);
    exp.push(time(exportArgs).ms);
  }
  fs.rmSync(exportOut, { force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const m = median(sdna);
  const f = median(floor);
  const peak = peakRss(planArgs);
  const budget = BUDGETS[files];
  const verdicts = [];
  if (budget) {
    verdicts.push(m <= budget.ms ? `≤ ${budget.ms} ms ok` : `OVER ${budget.ms} ms`);
    verdicts.push(m / f <= budget.ratio ? `≤ ${budget.ratio}x floor ok` : `OVER ${budget.ratio}x floor`);
    if (budget.rssMb) verdicts.push(peak <= budget.rssMb ? `RSS ≤ ${budget.rssMb} MB ok` : `RSS OVER ${budget.rssMb} MB`);
    if (budget.exportRatio) verdicts.push(median(exp) <= budget.exportRatio * m ? `export ≤ ${budget.exportRatio}x plan ok` : `OVER ${budget.exportRatio}x plan for export`);
    if (verdicts.some((v) => v.startsWith('OVER') || v.startsWith('RSS OVER'))) failed = true;
  }
  const { report, problems } = checkDefects(dir, plan);
  if (problems.length) failed = true;
  rows.push({ files, m, f, peak, sdna, floor, verdicts, report, problems });
  console.log(`\n${files} source files (${dir})`);
  console.log(`  sdna plan --json  median ${m.toFixed(0)} ms  (cold, --no-cache; runs: ${sdna.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ... warm cache    median ${median(warm).toFixed(0)} ms  (runs: ${warm.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  sdna export       median ${median(exp).toFixed(0)} ms  (${(median(exp) / m).toFixed(2)}x the cold plan; runs: ${exp.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  floor             median ${f.toFixed(0)} ms  (runs: ${floor.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  node -e 0         median ${median(bare).toFixed(0)} ms  (Node start-up alone, for scale)`);
  console.log(`  ratio             ${(m / f).toFixed(2)}x floor; peak RSS ${peak.toFixed(0)} MB`);
  console.log(`  budget            ${verdicts.join(', ')}`);
  for (const [k, v] of Object.entries(report)) console.log(`  ${k.padEnd(20)} ${v}`);
  for (const p of problems) console.log(`  DEFECT CHECK FAILED: ${p}`);
}
console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${runs} timed runs each after one warm-up`);
process.exit(failed ? 1 : 0);
