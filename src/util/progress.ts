// Progress of long work, as a side channel: the core reports how far it got
// and only the CLI decides whether and where to show it (one rewritten line
// on a terminal, nothing in CI or when output is a pipe).

type Sink = (what: string, done: number, total: number) => void;

let sink: Sink | undefined;

/** Where progress goes from now on (undefined: nowhere). */
export function showProgress(to: Sink | undefined): void {
  sink = to;
}

export function progress(what: string, done: number, total: number): void {
  sink?.(what, done, total);
}

/** One stderr line rewritten in place, at most every 100 ms, blanked when done: only on a terminal, never in CI. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Sink | undefined {
  if (!stream.isTTY || process.env.CI) return undefined;
  let last = 0;
  let width = 0;
  // Blanks, not an escape code, clear the line: a terminal with NO_COLOR set gets plain text.
  const put = (text: string) => {
    stream.write(`\r${text.padEnd(width)}${text.length < width ? `\r${text}` : ''}`);
    width = text.length;
  };
  return (what, done, total) => {
    if (done >= total) {
      if (width > 0) put('');
      return;
    }
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    put(`sdna: ${what}: ${done}/${total}`);
  };
}
