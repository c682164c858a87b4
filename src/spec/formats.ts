// Which reader a spec file gets, from where it lives: zero config for the usual
// layouts. Tessl specs end in `.spec.md`; a Spec Kit feature is
// `specs/NNN-<feature>/spec.md` (or a `YYYYMMDD-HHMMSS-` prefix); a Kiro feature
// is `.kiro/specs/<feature>/requirements.md`; an OpenSpec capability is
// `openspec/specs/<capability>/spec.md`.

import type { Format } from '../model.js';
import { kiroIdOf, readKiro } from './kiro.js';
import { openspecIdOf, readOpenSpec } from './openspec.js';
import { readSpecKit, speckitIdOf } from './speckit.js';
import { readTessl, tesslIdOf, type ReadResult } from './tessl.js';

const OPENSPEC = /(?:^|\/)openspec\/specs\/.+\/spec\.md$/;
const KIRO = /(?:^|\/)\.kiro\/specs\/[^/]+\/requirements\.md$/;
const SPECKIT = /(?:^|\/)specs\/(?:\d{3,}|\d{8}-\d{6})-[^/]+\/spec\.md$/;

/** The format of a spec file, or undefined for a file no reader takes (e.g. OpenSpec's, not read yet). */
export function formatOf(file: string): Format | undefined {
  if (OPENSPEC.test(file)) return 'openspec';
  // Pending changes (`openspec/changes/…`) are proposals, not current truth.
  if (/(?:^|\/)openspec\//.test(file)) return undefined;
  if (KIRO.test(file)) return 'kiro';
  if (SPECKIT.test(file)) return 'speckit';
  if (/\.spec\.md$/i.test(file)) return 'tessl';
  return undefined;
}

/** The id a spec gets when it cannot be read (for grouping its errors). */
export function fallbackIdOf(file: string): string {
  const format = formatOf(file);
  if (format === 'speckit') return speckitIdOf(file);
  if (format === 'kiro') return kiroIdOf(file);
  if (format === 'openspec') return openspecIdOf(file);
  return tesslIdOf(file);
}

/** `companion(name)` reads a file beside the spec (Kiro's tasks.md), or undefined. */
export function readSpecText(file: string, text: string, companion?: (name: string) => string | undefined): ReadResult {
  const format = formatOf(file);
  if (format === 'speckit') return readSpecKit(file, text, companion);
  if (format === 'kiro') return readKiro(file, text, companion);
  if (format === 'openspec') return readOpenSpec(file, text);
  return readTessl(file, text);
}

/** Files beside the spec that its reader reads (tasks.md): a change to them is a change to the spec. */
export function companionsOf(file: string): string[] {
  const format = formatOf(file);
  if (format === 'kiro') return ['tasks.md', 'design.md'];
  return format === 'speckit' ? ['tasks.md'] : [];
}
