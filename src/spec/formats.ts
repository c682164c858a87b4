// Which reader a spec file gets, from where it lives: zero config for the usual
// layouts. Tessl specs end in `.spec.md`; a Spec Kit feature is
// `specs/NNN-<feature>/spec.md` (or a `YYYYMMDD-HHMMSS-` prefix).

import type { Format } from '../model.js';
import { readSpecKit, speckitIdOf } from './speckit.js';
import { readTessl, tesslIdOf, type ReadResult } from './tessl.js';

const SPECKIT = /(?:^|\/)specs\/(?:\d{3,}|\d{8}-\d{6})-[^/]+\/spec\.md$/;

/** The format of a spec file, or undefined for a file no reader takes (e.g. OpenSpec's, not read yet). */
export function formatOf(file: string): Format | undefined {
  if (/(?:^|\/)openspec\//.test(file)) return undefined;
  if (SPECKIT.test(file)) return 'speckit';
  if (/\.spec\.md$/i.test(file)) return 'tessl';
  return undefined;
}

/** The id a spec gets when it cannot be read (for grouping its errors). */
export function fallbackIdOf(file: string): string {
  return formatOf(file) === 'speckit' ? speckitIdOf(file) : tesslIdOf(file);
}

export function readSpecText(file: string, text: string): ReadResult {
  return formatOf(file) === 'speckit' ? readSpecKit(file, text) : readTessl(file, text);
}
