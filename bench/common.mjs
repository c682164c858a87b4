// What both benchmarks share: flags, the corpus generator (kept outside the
// project), cached corpora under .bench/, and medians.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
