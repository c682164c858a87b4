// V8 refuses a code cache made under flags other than its own (it compares a
// hash of them), and a flag set while sdna runs changes that hash: a large
// tree's plan sets one, and the command line's compiled code and TypeScript's,
// kept as such a plan exited, were refused by every next run, which compiled
// them again (about 0.2 s of a 100,000-file plan). The flags sdna sets go
// through here. A code cache is made under the flags it was read under, and
// its name says which flags sdna had set then (`flagsTag`): a large tree's
// plan reads TypeScript's own cache without taking its flag back, since a full
// collection that fell in that moment sized the heap without it (the next came
// at 630 MB, where they come every 30 %).

/** Node's v8 module, loaded only once a flag is set: loading it costs every run 1.7 ms. */
const v8 = () => process.getBuiltinModule('node:v8');

/** Each flag set, with what takes it back (V8's hash is then as it was). */
const set: { on: string; off: string }[] = [];

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
  return set.length === 0 ? undefined : set.map(({ on }) => on.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')).join('_');
}

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
