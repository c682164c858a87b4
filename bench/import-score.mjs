// Scores `sdna import` against hand-labelled links: for each labelled
// capability, the test files that verify it (read from their bodies). Fetches
// nothing: give it a checkout of the labelled repository at the labelled commit.
//
//   node bench/import-score.mjs bench/import-labels/openspec.json <checkout>
//
// Link precision and recall at test-file level, at each confidence: a
// capability's proposed files are its own links and its parent's and parts'
// (a test of a requirement proves its criteria; a test of a scenario is about
// its requirement), as the plan counts them.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtCli } from './common.mjs';

const cli = builtCli();
const [labelsFile, checkout, ...rest] = process.argv.slice(2);
if (!labelsFile || !checkout) {
  console.error('usage: node bench/import-score.mjs <labels.json> <checkout> [--at 0.7]');
  process.exit(2);
}
const at = rest[0] === '--at' ? Number(rest[1]) : undefined;
const labels = JSON.parse(fs.readFileSync(labelsFile, 'utf8'));
const head = spawnSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
if (head && head !== labels.commit) console.error(`warning: ${checkout} is at ${head}, the labels at ${labels.commit}`);

// A labels file may say how the repository is configured (`tests`: the files its Vitest runs), as its user would.
const config = labels.config ? path.join(os.tmpdir(), `sdna-score-${process.pid}.json`) : undefined;
if (config) fs.writeFileSync(config, JSON.stringify(labels.config));
const run = (args) => {
  const r = spawnSync(process.execPath, [cli, ...args, '--root', checkout, ...(config ? ['--config', config] : [])], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`sdna ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const proposals = run(['import', '--json', '--min-confidence', '0']);
const model = run(['export']);
if (config) fs.rmSync(config);
const family = new Map();
for (const spec of model.specs) {
  for (const c of spec.capabilities) {
    if (!family.has(c.id)) family.set(c.id, new Set([c.id]));
    if (c.parent) {
      family.get(c.id).add(c.parent);
      if (!family.has(c.parent)) family.set(c.parent, new Set([c.parent]));
      family.get(c.parent).add(c.id);
    }
  }
}

const labelled = Object.entries(labels.capabilities);
const missing = labelled.filter(([id]) => !family.has(id)).map(([id]) => id);
if (missing.length) console.error(`warning: ${missing.length} labelled capabilities are not in the model: ${missing.slice(0, 5).join(', ')}`);

function score(min) {
  const filesOf = new Map();
  for (const l of proposals.links) {
    if (l.confidence < min) continue;
    if (!filesOf.has(l.capability)) filesOf.set(l.capability, new Set());
    filesOf.get(l.capability).add(l.file);
  }
  let tp = 0, fp = 0, fn = 0;
  for (const [id, { tests }] of labelled) {
    const proposed = new Set();
    for (const member of family.get(id) ?? [id]) for (const f of filesOf.get(member) ?? []) proposed.add(f);
    const truth = new Set(tests);
    for (const f of proposed) (truth.has(f) ? tp++ : fp++);
    for (const f of truth) if (!proposed.has(f)) fn++;
  }
  return { min, tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

const thresholds = at !== undefined ? [at] : [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
console.log(`${labels.repo} @ ${labels.commit.slice(0, 12)} (${labels.format}): ${labelled.length} capabilities labelled, ${labelled.filter(([, v]) => v.tests.length > 0).length} with tests, ${labelled.reduce((n, [, v]) => n + v.tests.length, 0)} links`);
console.log('min-confidence  precision  recall   tp   fp   fn');
for (const s of thresholds.map(score)) {
  console.log(`${s.min.toFixed(2).padStart(14)}  ${s.precision.toFixed(2).padStart(9)}  ${s.recall.toFixed(2).padStart(6)}  ${String(s.tp).padStart(3)}  ${String(s.fp).padStart(3)}  ${String(s.fn).padStart(3)}`);
}
