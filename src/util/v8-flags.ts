// V8 refuses a code cache made under flags other than its own (it compares a
// hash of them), and a flag set while sdna runs changes that hash: a plan sets
// one once it has listed the tree (how the heap grows in a large tree, when V8
// optimises in a smaller one), and the command line's compiled code and TypeScript's,
// kept as such a plan exited, were refused by every next run, which compiled
// them again (about 0.2 s of a 100,000-file plan). The flags sdna sets go
// through here. A code cache is made under the flags it was read under, and
// its name says which flags sdna had set then (`flagsTag`): a large tree's
// plan reads TypeScript's own cache without taking its flag back, since a full
// collection that fell in that moment sized the heap without it (the next came
// at 630 MB, where they come every 30 %).

interface Flag {
  on: string;
  off: string;
}

const SHARED: unique symbol = Symbol.for('sdna.v8-flags');

/** Node's v8 module, loaded only once a flag is set: loading it costs every run 1.7 ms. */
const v8 = () => process.getBuiltinModule('node:v8');

/**
 * Each flag set, with what takes it back (V8's hash is then as it was): one
 * list in the process. The command line's launcher and the bundle it loads each
 * bundle this module, and the launcher makes the bundle's code cache as the
 * process exits, under the flags it read it under, whichever of the two set
 * the flags since (with a list of its own, a large tree's plan left a cache V8
 * refused in the next run).
 */
const set: Flag[] = ((globalThis as { [SHARED]?: Flag[] })[SHARED] ??= []);

/**
 * V8 (Node 20's) optimising a function only after four times the work it
 * waits for by default: in a plan of a tree below the large ones most
 * functions run a fraction of a second, and the optimising they were given
 * cost more than it saved. Set once the listing shows such a tree, before
 * the checks run. Node 22 and later tier up otherwise (Maglev first): on
 * Node 24, Maglev's and TurboFan's invocation counts four times their
 * defaults took 0.99x the time of a cold 2,000-file plan. Node 20 only.
 */
export const OPTIMISE_LATER: Flag | undefined = process.versions.v8.startsWith('11.') ? { on: '--interrupt-budget=270336', off: '--interrupt-budget=67584' } : undefined;

export function setV8Flag(on: string, off: string): void {
  v8().setFlagsFromString(on);
  set.push({ on, off });
}

/** `fn` run with a flag set, taken back after it. */
export function withV8Flag<T>(on: string, off: string, fn: () => T): T {
  v8().setFlagsFromString(on);
  try {
    return fn();
  } finally {
    v8().setFlagsFromString(off);
  }
}

/** How many flags sdna has set: a state of V8's flags `withFlagsAsAt` returns to (flags are only added). */
export function flagsSet(): number {
  return set.length;
}

/** A name for the flags sdna has set, for what V8 makes under them (a code cache); undefined while none is. */
export function flagsTag(): string | undefined {
  return set.length === 0 ? undefined : set.map(({ on }) => tagOf(on)).join('_');
}

/** A flag as a name's part: `--interrupt-budget=270336` is `interrupt-budget-270336`. */
export const tagOf = (flag: string): string => flag.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');

/** `fn` run with V8's flags as they were when sdna had set `count` of them (see `flagsSet`). */
export function withFlagsAsAt<T>(count: number, fn: () => T): T {
  const later = set.slice(count);
  if (later.length === 0) return fn();
  for (const { off } of [...later].reverse()) v8().setFlagsFromString(off);
  try {
    return fn();
  } finally {
    for (const { on } of later) v8().setFlagsFromString(on);
  }
}
