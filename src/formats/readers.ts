// Which reader a spec file gets, from where it lives: zero config for the usual
// layouts. Tessl specs end in `.spec.md`; a Spec Kit feature is
// `specs/NNN-<feature>/spec.md` (or a `YYYYMMDD-HHMMSS-` prefix); a Kiro feature
// is `.kiro/specs/<feature>/requirements.md`; an OpenSpec capability is
// `openspec/specs/<capability>/spec.md`.

import path from 'node:path';
import type { Format } from '../model/model.js';
import { kiroIdOf, openspecIdOf, speckitIdOf, tesslIdOf } from './ids.js';
import type { ReadResult } from './tessl.js';

/** `companion(name)` reads a file beside the spec (Kiro's tasks.md), or undefined. */
export type Companion = (name: string) => string | undefined;

/** A format's parser: in `./parsers.ts`, loaded only when some spec is not in the cache. */
export type Parse = (file: string, text: string, companion: Companion) => ReadResult;

export interface Reader {
  /** The id a spec gets when it cannot be read (for grouping its errors). */
  idOf: (file: string) => string;
  /** Files beside the spec that the reader also reads: a change to them is a change to the spec. */
  companions: readonly string[];
  /** The default `specs` glob that finds the format's specs anywhere in a project. */
  glob: string;
  /** What one spec of the format is called, and many: `Kiro feature`, `Kiro features`. */
  names: readonly [one: string, many: string];
  /** Whether a spec can link its own tests (Tessl's `[@test]`); the others rely on claims and `sdna import`. */
  linkSyntax: boolean;
}

/** The one table of spec formats: schemas, the default `specs` globs, `sdna init` and its messages derive from it. */
export const READERS: Record<Format, Reader> = {
  tessl: { idOf: tesslIdOf, companions: [], glob: '**/*.spec.md', names: ['Tessl spec', 'Tessl specs'], linkSyntax: true },
  // Spec Kit features: `specs/NNN-<feature>/spec.md`.
  speckit: { idOf: speckitIdOf, companions: ['tasks.md'], glob: '**/specs/*/spec.md', names: ['Spec Kit feature', 'Spec Kit features'], linkSyntax: false },
  kiro: { idOf: kiroIdOf, companions: ['tasks.md', 'design.md'], glob: '**/.kiro/specs/*/requirements.md', names: ['Kiro feature', 'Kiro features'], linkSyntax: false },
  // OpenSpec capabilities may nest.
  openspec: { idOf: openspecIdOf, companions: [], glob: '**/openspec/specs/**/spec.md', names: ['OpenSpec capability', 'OpenSpec capabilities'], linkSyntax: false },
};

/** Every format sdna reads, in the table's order. */
export const FORMATS = Object.keys(READERS) as [Format, ...Format[]];

const OPENSPEC = /(?:^|\/)openspec\/specs\/.+\/spec\.md$/;
const KIRO = /(?:^|\/)\.kiro\/specs\/[^/]+\/requirements\.md$/;
const SPECKIT = /(?:^|\/)specs\/(?:\d{3,}|\d{8}-\d{6})-[^/]+\/spec\.md$/;

/** The format of a spec file, or undefined for a file no reader takes. */
export function formatOf(file: string): Format | undefined {
  if (OPENSPEC.test(file)) return 'openspec';
  // Pending changes (`openspec/changes/…`) are proposals, not current truth.
  if (/(?:^|\/)openspec\//.test(file)) return undefined;
  if (KIRO.test(file)) return 'kiro';
  if (SPECKIT.test(file)) return 'speckit';
  if (/\.spec\.md$/i.test(file)) return 'tessl';
  return undefined;
}

/** The reader for a spec file, or undefined for a file no reader takes. */
export function readerOf(file: string): Reader | undefined {
  const format = formatOf(file);
  return format && READERS[format];
}

export function companionsOf(file: string): readonly string[] {
  return readerOf(file)?.companions ?? [];
}

/** The files a spec's reader reads beside it (Kiro's `tasks.md`), root-relative like the spec. */
export function companionPaths(file: string): string[] {
  const dir = path.posix.dirname(file);
  return companionsOf(file).map((name) => (dir === '.' ? name : `${dir}/${name}`));
}
