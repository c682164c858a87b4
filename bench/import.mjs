#!/usr/bin/env node
// `npm run bench:import`: times `sdna import --json` against a cold `sdna plan
// --json` (no parse cache) on the 20,000-file corpus as the generator writes it
// (API blocks included), the two alternated in the same pass. Budget: the
// import's median at most 3x the cold plan's.
//
//   node bench/import.mjs [--runs N] [--sizes 20000] [--generator PATH]

import { builtCli, corpus, flag, median, time } from './common.mjs';

const runs = Number(flag('--runs', '7'));
const sizes = flag('--sizes', '20000').split(',').map(Number);
const cli = builtCli();
const RATIO = 3;


let failed = false;
for (const files of sizes) {
  const dir = corpus(files);
  const plan = [];
  const imp = [];
  let proposals;
  for (let i = 0; i < runs; i++) {
    const p = time([cli, 'plan', '--json', '--no-cache', '--root', dir]);
    if (p.r.status !== 0 && p.r.status !== 1) throw new Error(`sdna plan failed: ${p.r.stderr}`);
    plan.push(p.ms);
    const m = time([cli, 'import', '--json', '--root', dir]);
    if (m.r.status !== 0) throw new Error(`sdna import failed: ${m.r.stderr}`);
    imp.push(m.ms);
    proposals ??= JSON.parse(m.r.stdout);
  }
  const ratio = median(imp) / median(plan);
  const ok = ratio <= RATIO;
  failed ||= !ok;
  console.log(
    `${files} files: import median ${median(imp).toFixed(0)} ms, cold plan median ${median(plan).toFixed(0)} ms (${runs} runs each, alternated): ` +
      `ratio ${ratio.toFixed(2)} (budget ${RATIO}) ${ok ? 'ok' : 'OVER'}; ${proposals.links.length} links and ${proposals.targets.length} targets proposed`,
  );
}
process.exitCode = failed ? 1 : 0;
