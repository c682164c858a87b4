// What a spec's format says about it without parsing it: its id from its path,
// and the hash that names a capability's words. Light on purpose: a warm plan
// takes every spec from the cache and never loads the parsers (markdown-it,
// js-yaml), only this.

import crypto from 'node:crypto';
import path from 'node:path';

export function tesslIdOf(file: string): string {
  return path.posix.basename(file).replace(/\.spec\.md$/i, '');
}

export function speckitIdOf(file: string): string {
  return path.posix.basename(path.posix.dirname(file));
}

export function kiroIdOf(file: string): string {
  return path.posix.basename(path.posix.dirname(file));
}

export function openspecIdOf(file: string): string {
  const m = /(?:^|\/)openspec\/specs\/(.+)\/spec\.md$/.exec(file);
  return m ? m[1] : file.replace(/\/?spec\.md$/, '');
}

/** A capability's words as a short hash: the same words, however wrapped, give the same hash. */
export function textHash(text: string): string {
  return crypto.hash('sha1', text.replace(/\s+/g, ' ').trim(), 'hex').slice(0, 12);
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Tracks fenced code: `skip(line)` is true for a fence line and every line inside one. */
export class Fences {
  private open: string | undefined;

  skip(line: string): boolean {
    const f = FENCE.exec(line);
    if (this.open !== undefined) {
      if (f && f[1][0] === this.open[0] && f[1].length >= this.open.length) this.open = undefined;
      return true;
    }
    if (f) this.open = f[1];
    return f !== null;
  }
}
