#!/usr/bin/env node
// `npm run bench:api`: the cost of `api-drift`. Times `sdna plan --json` on a
// corpus where every Tessl spec has an `## API` block, cold (`--no-cache`) and
// warm (a primed parse cache), beside the warm plan of the same corpus without
// any block, and beside the floor: loading TypeScript and parsing every source
// file with it, the least any TypeScript-based check can do. All in one pass,
// alternating, so that every figure sees the same machine. Then checks that the
// plan reports exactly the injected API drift and hand-edited generated files.
//
//   node bench/api.mjs [--runs N] [--sizes 2000,20000] [--generator PATH]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtCli, corpusVariant, flag, median, peakRss, repo, time } from './common.mjs';

const runs = Number(flag('--runs', '5'));
const sizes = flag('--sizes', '2000,20000').split(',').map(Number);
const cli = builtCli();

const BUDGETS = {
  2000: { coldMs: 2000, warmRatio: 1.2 },
  20000: { coldMs: 15000, warmMs: 2500, rssMb: 600 },
};

// TypeScript loaded as sdna loads it, then every source file parsed and its top-level exports counted.
const FLOOR = `
const { createRequire } = require('node:module'); const fs = require('node:fs'); const path = require('node:path');
const ts = createRequire(${JSON.stringify(path.join(repo, 'package.json'))})('typescript');
let files = 0, exports = 0;
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  const p = path.join(d, e.name);
  if (e.isDirectory()) walk(p);
  else if (p.endsWith('.ts')) {
    const sf = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false);
    files++;
    for (const s of sf.statements) if (s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) exports++;
  } } };
walk(path.join(process.argv[1], 'src'));
process.stdout.write(files + ' files, ' + exports + ' exports\\n');
`;

function plan(argv) {
  const { r } = time(argv);
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr);
    throw new Error(`sdna plan exited ${r.status}`);
  }
  return JSON.parse(r.stdout);
}

function checkDefects(dir, result) {
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'EXPECTED.json'), 'utf8'));
  const specFile = new Map(result.specs.map((s) => [s.id, s.file]));
  const problems = [];
  const report = {};
  const drift = result.findings.filter((f) => f.kind === 'api-drift');
  const got = new Set(drift.map((f) => `${specFile.get(f.spec)} ${f.symbol ?? f.file}`));
  const want = new Set(expected.defects['api-drift'].items.map((i) => `${i.spec} ${i.symbol}`));
  const miss = [...want].filter((x) => !got.has(x));
  const extra = [...got].filter((x) => !want.has(x));
  const counts = {};
  for (const f of drift) counts[f.change ?? 'unparsed'] = (counts[f.change ?? 'unparsed'] ?? 0) + 1;
  const changes = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
  report['api-drift'] = `${got.size} reported / ${want.size} injected (${changes})`;
  if (miss.length || extra.length) problems.push(`api-drift: missing ${miss.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'}`);
  const edited = new Set(result.findings.filter((f) => f.kind === 'generated-edited').map((f) => f.file));
  const wantEdited = new Set(expected.defects['generated-edited'].items.map((i) => i.file));
  const missEdited = [...wantEdited].filter((x) => !edited.has(x));
  const extraEdited = [...edited].filter((x) => !wantEdited.has(x));
  report['generated-edited'] = `${edited.size} reported / ${wantEdited.size} injected`;
  if (missEdited.length || extraEdited.length) problems.push(`generated-edited: missing ${missEdited.length}, extra ${extraEdited.length}`);
  const errors = result.findings.filter((f) => f.kind === 'spec-error');
  if (errors.length) problems.push(`${errors.length} unexpected spec-error findings, first: ${errors[0].message}`);
  report.specs = `${result.specs.length} specs, each Tessl one with an \`## API\` block`;
  return { report, problems };
}

let failed = false;
for (const files of sizes) {
  const every = await corpusVariant(files, 'api-everywhere');
  const none = await corpusVariant(files, 'no-api');
  const cacheEvery = path.join(os.tmpdir(), `sdna-bench-api-${process.pid}-${files}`);
  const cacheNone = path.join(os.tmpdir(), `sdna-bench-noapi-${process.pid}-${files}`);
  const coldArgs = [cli, 'plan', '--root', every, '--json', '--no-cache'];
  const warmArgs = [cli, 'plan', '--root', every, '--json', '--cache-dir', cacheEvery];
  const warmNoneArgs = [cli, 'plan', '--root', none, '--json', '--cache-dir', cacheNone];
  const floorArgs = ['-e', FLOOR, every];

  const result = plan(coldArgs); // also the warm-up
  plan(warmArgs); // primes the caches
  plan(warmNoneArgs);
  time(floorArgs);
  const t = { cold: [], warm: [], warmNone: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    t.cold.push(time(coldArgs).ms);
    t.floor.push(time(floorArgs).ms);
    t.warm.push(time(warmArgs).ms);
    t.warmNone.push(time(warmNoneArgs).ms);
  }
  const peak = Math.max(...peakRss(coldArgs));
  fs.rmSync(cacheEvery, { recursive: true, force: true });
  fs.rmSync(cacheNone, { recursive: true, force: true });

  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const budget = BUDGETS[files] ?? {};
  const verdicts = [];
  const check = (ok, text) => {
    verdicts.push(ok ? `${text} ok` : `OVER ${text}`);
    if (!ok) failed = true;
  };
  if (budget.coldMs) check(m.cold <= budget.coldMs, `cold ≤ ${budget.coldMs} ms`);
  if (budget.warmRatio) check(m.warm <= budget.warmRatio * m.warmNone, `warm ≤ ${budget.warmRatio}x warm without API blocks`);
  if (budget.warmMs) check(m.warm <= budget.warmMs, `warm ≤ ${budget.warmMs} ms`);
  if (budget.rssMb) check(peak <= budget.rssMb, `RSS ≤ ${budget.rssMb} MB`);
  const { report, problems } = checkDefects(every, result);
  if (problems.length) failed = true;

  const runsOf = (k) => t[k].map((x) => x.toFixed(0)).join(', ');
  console.log(`\n${files} source files (${every})`);
  console.log(`  cold (--no-cache)          median ${m.cold.toFixed(0)} ms  (runs: ${runsOf('cold')})`);
  console.log(`  warm cache                 median ${m.warm.toFixed(0)} ms  (runs: ${runsOf('warm')})`);
  console.log(`  warm, no API blocks        median ${m.warmNone.toFixed(0)} ms  (runs: ${runsOf('warmNone')})`);
  console.log(`  floor (load TS, parse all) median ${m.floor.toFixed(0)} ms  (runs: ${runsOf('floor')})`);
  console.log(`  ratios                     cold ${(m.cold / m.floor).toFixed(2)}x floor; warm ${(m.warm / m.warmNone).toFixed(2)}x warm without API blocks; peak RSS ${peak.toFixed(0)} MB`);
  console.log(`  budget                     ${verdicts.join(', ')}`);
  for (const [k, v] of Object.entries(report)) console.log(`  ${k.padEnd(26)} ${v}`);
  for (const p of problems) console.log(`  DEFECT CHECK FAILED: ${p}`);
}
console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${runs} timed runs each after one warm-up`);
process.exit(failed ? 1 : 0);
