// V8 refuses a code cache made under flags other than its own (it compares a
// hash of them), and a flag set while sdna runs changes that hash: a large
// tree's plan sets one, and the command line's compiled code and TypeScript's,
// kept as such a plan exited, were refused by every next run, which compiled
// them again (about 0.2 s of a 100,000-file plan). The flags sdna sets go
// through here, and are taken back while a code cache is read or made.

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

/** `fn` run with V8's flags as the process started with them. */
export function withStartFlags<T>(fn: () => T): T {
  if (set.length === 0) return fn();
  for (const { off } of [...set].reverse()) v8().setFlagsFromString(off);
  try {
    return fn();
  } finally {
    for (const { on } of set) v8().setFlagsFromString(on);
  }
}
