#!/usr/bin/env node
// `npm run bench` (second half): the 2,000-file corpus's own Vitest suite
// (1,036 test files) with and without the sdna plugin, and again with coverage
// on, median of 5 each, runs interleaved so both see the same machine state.
//
//   node bench/plugin.mjs [--runs N] [--generator PATH]
//
// Budget: the plugin adds at most 5% of the run's wall time or 150 ms, whichever
// is larger; with coverage on, at most 15% over coverage alone.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpus, flag, median, need, repo } from './common.mjs';

const runs = Number(flag('--runs', '5'));
need(path.join(repo, 'dist', 'vitest.js'), 'dist/vitest.js is missing; run `npm run build` first');
const dir = corpus(2000);

// The corpus resolves vitest and its coverage provider to this repository's, and
// sdna to a copy of the current build: rebuilding during a long bench changes nothing.
const pkg = path.join(repo, '.bench', 'sdna-build');
fs.rmSync(pkg, { recursive: true, force: true });
fs.mkdirSync(pkg, { recursive: true });
fs.cpSync(path.join(repo, 'dist'), path.join(pkg, 'dist'), { recursive: true });
fs.copyFileSync(path.join(repo, 'package.json'), path.join(pkg, 'package.json'));
fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pkg, 'node_modules'));
const modules = path.join(dir, 'node_modules');
fs.mkdirSync(path.join(modules, '@vitest'), { recursive: true });
const link = (target, name) => {
  const at = path.join(modules, name);
  fs.rmSync(at, { force: true });
  fs.symlinkSync(target, at);
};
link(path.join(repo, 'node_modules/vitest'), 'vitest');
link(path.join(repo, 'node_modules/@vitest/coverage-v8'), '@vitest/coverage-v8');
link(pkg, 'sdna');
const configs = {
  plain: "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n",
  sdna: "import { defineConfig } from 'vitest/config';\nimport { sdna } from 'sdna/vitest';\n\nexport default defineConfig({ plugins: [sdna()], test: { include: ['test/**/*.test.ts'] } });\n",
};
for (const [name, text] of Object.entries(configs)) fs.writeFileSync(path.join(dir, `vitest.bench-${name}.config.ts`), text);

const vitest = path.join(modules, 'vitest', 'vitest.mjs');
const coverage = ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json', `--coverage.reportsDirectory=${path.join(os.tmpdir(), `sdna-bench-coverage-${process.pid}`)}`];
const variants = {
  'vitest': ['run', '--config', 'vitest.bench-plain.config.ts'],
  'vitest + sdna': ['run', '--config', 'vitest.bench-sdna.config.ts'],
  'vitest --coverage': ['run', '--config', 'vitest.bench-plain.config.ts', ...coverage],
  'vitest --coverage + sdna': ['run', '--config', 'vitest.bench-sdna.config.ts', ...coverage],
};

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [vitest, ...argv], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
}
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const check = (name, r) => {
  if (!/Test Files\s+1036 passed/.test(r.stdout)) {
    console.error(`bench: "${name}" did not run the corpus suite:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    process.exit(1);
  }
  if (name.includes('sdna') && !r.stdout.includes('Plan: ')) {
    console.error(`bench: "${name}" printed no sdna plan`);
    process.exit(1);
  }
};
// One discarded run warms the disk cache and Vite's dependency cache; every
// other run is timed, and checked to have run the whole suite.
console.log('warm-up run...');
check('vitest', time(variants.vitest).r);
for (let i = 0; i < runs; i++) {
  for (const [name, argv] of Object.entries(variants)) {
    const { ms, r } = time(argv);
    check(name, r);
    times[name].push(ms);
    console.log(`  round ${i + 1}/${runs}  ${name.padEnd(26)} ${(ms / 1000).toFixed(2)} s`);
  }
}
console.log('\n');
for (const [name, xs] of Object.entries(times)) {
  console.log(`  ${name.padEnd(26)} median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
}
const plain = median(times['vitest']);
const withSdna = median(times['vitest + sdna']);
const cov = median(times['vitest --coverage']);
const covSdna = median(times['vitest --coverage + sdna']);
const overhead = withSdna - plain;
const allowed = Math.max(0.05 * plain, 150);
const covOverhead = (covSdna - cov) / cov;
console.log(`\n  plugin overhead            ${overhead.toFixed(0)} ms = ${((overhead / plain) * 100).toFixed(1)}% (budget: ≤ ${allowed.toFixed(0)} ms) ${overhead <= allowed ? 'ok' : 'OVER'}`);
console.log(`  with coverage              ${(covOverhead * 100).toFixed(1)}% over coverage alone (budget: ≤ 15%) ${covOverhead <= 0.15 ? 'ok' : 'OVER'}`);
console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${runs} timed runs each after one warm-up`);
process.exit(overhead <= allowed && covOverhead <= 0.15 ? 0 : 1);
