#!/usr/bin/env node
// `npm run bench:scope`: `sdna plan --since <ref>` in a pre-commit hook's
// situation: the 20,000-file corpus as the generator writes it, committed to
// git, and a branch that changes 10 files (5 sources, 3 tests, 2 specs). The
// parse cache is the one a plan on main left (as in a repository used daily),
// so the 10 files changed since sdna last saw them; it is put back before
// every run. It alternates three commands, each a fresh process timed from outside:
//   scoped: sdna plan --since main,
//   floor:  what any tool must do for the same answer without a cache of its own:
//           ask git what changed (untracked files too), list the files, read every
//           spec (a spec elsewhere may target a changed file) and the changed files,
//   whole:  sdna plan without scoping, for comparison.
// Budget: scoped <= 1.5 x floor (medians, same run).
//
//   node bench/scope.mjs [--runs 7] [--files 20000]

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { builtCli, committedCopy, corpus, flag, median, repo } from './common.mjs';

const runs = Number(flag('--runs', '7'));
const files = Number(flag('--files', '20000'));
const cli = builtCli();

// Its own committed copy: the branch below is checked out in it.
const dir = committedCopy(corpus(files), 'git');
const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
if (git('branch', '--list', 'change').trim() === '') {
  git('checkout', '-q', '-b', 'change');
  const listed = git('ls-files').split('\n').filter(Boolean);
  const pick = (test, n) => listed.filter(test).filter((_, i) => i % 97 === 0).slice(0, n);
  const changed = [...pick((f) => f.startsWith('src/') && f.endsWith('.ts'), 5), ...pick((f) => f.endsWith('.test.ts'), 3), ...pick((f) => f.endsWith('.spec.md'), 2)];
  for (const f of changed) fs.appendFileSync(path.join(dir, f), '\n// changed on the branch\n');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qam', 'change 10 files');
}
const floorScript = path.join(repo, '.bench', 'scope-floor.mjs');
fs.writeFileSync(
  floorScript,
  `import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
const dir = process.argv[2];
const run = (...a) => execFileSync('git', a, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 }).split('\\n').filter(Boolean);
const base = run('merge-base', 'main', 'HEAD')[0];
const changed = [...run('diff', '--name-only', base), ...run('ls-files', '--others', '--exclude-standard')];
const listed = run('ls-files');
const specs = listed.filter((f) => f.endsWith('.spec.md') || f.endsWith('/spec.md') || f.endsWith('/requirements.md'));
let h = crypto.createHash('sha1');
for (const f of [...specs, ...changed]) h.update(fs.readFileSync(dir + '/' + f));
console.log(changed.length, specs.length, h.digest('hex').slice(0, 8));
`,
);

const time = (args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
};
// The corpus has no node_modules (the default cache's home): the cache is named.
const cacheDir = path.join(repo, '.bench', 'scope-cache');
const scopedArgs = [cli, 'plan', '--since', 'main', '--json', '--root', dir, '--cache-dir', cacheDir];
const wholeArgs = [cli, 'plan', '--json', '--root', dir, '--cache-dir', cacheDir];
// The cache a plan on main leaves, kept aside; then the branch, whose 10 files sdna has not seen.
fs.rmSync(cacheDir, { recursive: true, force: true });
git('checkout', '-q', 'main');
time(wholeArgs);
const snapshot = fs.readFileSync(path.join(cacheDir, 'parse-cache.json'));
git('checkout', '-q', 'change');
const fromMain = (args) => {
  // Put back, and flushed to disk before the timer starts: the writeback of the harness's own copy is no part of a plan.
  const fd = fs.openSync(path.join(cacheDir, 'parse-cache.json'), 'w');
  fs.writeFileSync(fd, snapshot);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return time(args);
};
const scope = JSON.parse(fromMain(scopedArgs).stdout).scope;
time([floorScript, dir]);
const scoped = [];
const floor = [];
const whole = [];
for (let i = 0; i < runs; i++) {
  scoped.push(fromMain(scopedArgs).ms);
  floor.push(time([floorScript, dir]).ms);
  whole.push(fromMain(wholeArgs).ms);
}
// Pair by pair (alternated runs), then the median.
const ratio = median(scoped.map((x, i) => x / floor[i]));
console.log(`${files}-file corpus in git, a branch changing 10 files (${scope.specs} of ${scope.of} specs touched), ${runs} runs each, alternated:`);
console.log(`  sdna plan --since main  median ${median(scoped).toFixed(0)} ms`);
console.log(`  floor (git + read every spec and the changed files)  median ${median(floor).toFixed(0)} ms`);
console.log(`  sdna plan (whole project, same cache)  median ${median(whole).toFixed(0)} ms`);
console.log(`  scoped / floor = ${ratio.toFixed(2)} (budget 1.5) ${ratio <= 1.5 ? 'ok' : 'OVER'}`);
if (ratio > 1.5) process.exitCode = 1;
