// A plan of a large tree is bound by memory as much as by time: at 100,000
// files about 150 MB stay live to the end, and the report (30 MB of JSON, and
// the objects it is made from) comes on top. Only the command line decides
// this for its process; the checks stay free of it.

import vm from 'node:vm';
import { pieces } from '../util/text.js';
import { OPTIMISE_LATER, setV8Flag, withV8Flag } from '../util/v8-flags.js';

/** Files from which a tree counts as large. */
const LARGE_TREE = 50_000;

const large = (files: number | undefined) => files !== undefined && files >= LARGE_TREE;

/**
 * V8's flags for the tree's size (how many files it holds), once known. Most of what a
 * plan of a large tree allocates dies young (a file's text and syntax, once
 * read), yet V8 lets the heap grow to several times what is live before a
 * full collection: 1 GB at 100,000 files where 250 MB are live. Growing by
 * 30 % at a time keeps the peak near what is live, for 5 % more time. A
 * smaller tree's peak is small anyway; its plan has V8 optimise later
 * instead (OPTIMISE_LATER): a cold plan of 2,000 files took 0.86x the time
 * with it, of 20,000 files 0.91x; set from the start, it made a
 * 100,000-file plan 1.02x to 1.05x slower.
 */
export function flagsForTree(files: Promise<number> | undefined): void {
  void files?.then((n) => {
    // 0 is V8's own: its heuristics.
    if (large(n)) setV8Flag('--heap-growing-percent=30', '--heap-growing-percent=0');
    else if (OPTIMISE_LATER) setV8Flag(OPTIMISE_LATER.on, OPTIMISE_LATER.off);
  }, () => undefined);
}

/**
 * Before the reports are made, on a large tree: one full collection clears
 * what the checks left, so that the report (30 MB of JSON at 100,000 files,
 * and the objects it is made from) is made on top of what is live rather than
 * of that and the checks' garbage. The collection takes about 0.1 s there.
 */
export async function makeRoomForReports(files: Promise<number> | undefined): Promise<void> {
  if (!large(await files)) return;
  // V8 gives a program its collector only with --expose-gc, which a context made after the flag is set sees;
  // the flag is taken back at once, as a code cache made under it would be refused (see util/v8-flags.ts).
  const gc = withV8Flag('--expose-gc', '--no-expose-gc', () => vm.runInNewContext('gc') as () => void);
  gc();
}

/**
 * Writes text to stdout a megabyte at a time: written whole, a 30 MB JSON plan
 * was copied into one 30 MB buffer.
 */
export function print(text: string, write: (piece: string) => unknown = (piece) => process.stdout.write(piece)): void {
  for (const piece of pieces(text)) write(piece);
}
