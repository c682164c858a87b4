// Capability claims tests make with `{ meta: { capabilities: [...] } }`, found
// without running the tests. (A worker thread for this scan was measured: on
// two cores it slowed spec parsing as much as it saved, so it runs inline.)

import fs from 'node:fs';
import path from 'node:path';
import { extractTests } from './test-names.js';

export interface Claim {
  id: string;
  file: string;
  line: number;
  /** Full name of the claiming test (`describe > it`). */
  test: string;
}

/** Reads each test file; only those that mention `capabilities` are tokenised. */
export function scanClaims(root: string, files: readonly string[]): Claim[] {
  const claims: Claim[] = [];
  for (const file of files) {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path.join(root, file));
    } catch {
      continue; // an unreadable test file claims nothing
    }
    if (buf.indexOf('capabilities') === -1) continue;
    for (const t of extractTests(buf.toString('utf8')).tests) {
      for (const c of t.capabilities) claims.push({ id: c.id, file, line: c.line, test: t.fullName });
    }
  }
  return claims;
}
