// Globs are compiled once (picomatch) and matched only against the files below
// their static base, found by binary search in the sorted file list: a 20,000-file
// tree with 2,000 specs never pays specs x files regex tests.

import picomatch from 'picomatch';
import { filesUnder } from './files.js';
import { SdnaError } from './errors.js';
import { DEFAULT_GLOBS } from './default-globs.js';

export interface CompiledGlob {
  pattern: string;
  /** Static folder prefix ('' for the root). */
  base: string;
  /** True when the pattern has no magic: it names one file (or a folder). */
  literal: boolean;
  test: (file: string) => boolean;
}

const OPTIONS = { dot: true, strictBrackets: true } as const;

/** Characters that can make a path a glob; a path without them names itself. */
const MAGIC = /[*?[\]{}()!@+\\]/;

/** `dir/*.ext`, `dir/**\/*.ext` or `**\/*.ext`: the shapes most targets and config globs take. */
const SIMPLE = /^(?:([^*]+)\/)?(\*\*\/)?\*([^/]*)$/;

/** One brace list of plain names, the rest plain too: `dir/{a,b}.ts` (no `..` ranges, no nesting, no other magic). */
const BRACED = /^([^*?[\]{}()!@+\\]*)\{((?:[^*?[\]{}()!@+\\.]|\.(?!\.))*)\}([^*?[\]{}()!@+\\]*)$/;

/** Each pattern compiled so far: the target check, the change's scope and the scoped plan ask for the same globs. */
const compiled = new Map<string, CompiledGlob>();

/** Compiles `pattern` (once per process) or throws with picomatch's reason. */
export function compileGlob(written: string): CompiledGlob {
  let glob = compiled.get(written);
  if (glob === undefined) compiled.set(written, (glob = compile(written)));
  return glob;
}

/** `./src/*.ts` and `generated/` mean what they say: paths here have neither. */
const normalised = (written: string) => (written.startsWith('./') || written.endsWith('/') ? written.replace(/^(?:\.\/)+/, '').replace(/(.)\/+$/, '$1') : written);

function compile(written: string): CompiledGlob {
  const pattern = normalised(written);
  // Most targets are plain paths or `dir/*.ext` / `dir/**/*.ext`: no regex to
  // build for them (picomatch compiles in ~50 µs, a lot times 2,000 specs).
  if (!MAGIC.test(pattern)) return { pattern, base: '', literal: true, test: (file) => file === pattern };
  const braced = BRACED.exec(pattern);
  if (braced && braced[2].includes(',')) {
    // `src/cart/{total,tax}.ts`: a few files named outright, no regex (a tenth of the 2,000 specs' targets take this shape).
    const [, before, list, after] = braced;
    const names = new Set(list.split(',').map((name) => before + name + after));
    const slash = before.lastIndexOf('/');
    return { pattern, base: slash === -1 ? '' : before.slice(0, slash), literal: false, test: (file) => file === pattern || names.has(file) };
  }
  const simple = SIMPLE.exec(pattern);
  if (simple && !MAGIC.test(simple[1] ?? '') && !MAGIC.test(simple[3])) {
    const [, dir = '', deep, suffix] = simple;
    const prefix = dir === '' ? '' : dir + '/';
    // As picomatch with `dot: true`: `*` may be empty and matches dotfiles.
    const min = prefix.length + Math.max(1, suffix.length);
    const test = deep
      ? (file: string) => file.length >= min && file.startsWith(prefix) && file.endsWith(suffix)
      : (file: string) =>
          file.length >= min && file.startsWith(prefix) && file.endsWith(suffix) && file.indexOf('/', prefix.length) === -1;
    return { pattern, base: dir, literal: false, test };
  }
  // strictBrackets: an unclosed `[`, `{` or `(` is an error, not a literal the author never meant.
  // The bare regex: picomatch's matcher wrapper costs more than the test itself,
  // and paths here are already normalised root-relative posix paths.
  const known = DEFAULT_GLOBS[pattern];
  const re = known ? new RegExp(known[0], known[1]) : picomatch.makeRe(pattern, OPTIONS);
  const scan = known ? { isGlob: true, base: known[2] } : picomatch.scan(pattern);
  // `file === pattern`: a file may be named like the glob itself (`src/{a,b}.ts`).
  // A literal file name at the end (`**/specs/*/spec.md`) rules out most paths without the regex.
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  const named = !MAGIC.test(last) && last !== '' ? (file: string) => file === last || file.endsWith('/' + last) : () => true;
  return { pattern, base: scan.isGlob ? scan.base : '', literal: !scan.isGlob, test: (file) => file === pattern || (named(file) && re.test(file)) };
}

/** The only characters picomatch can refuse a pattern over (unclosed or unopened), besides its length. */
const BRACKETS = /[[\](){}]/;

/** A list of names in braces (`src/{a,b}.ts`): compiled without picomatch, so it always compiles. */
const namesInBraces = (pattern: string) => BRACED.exec(pattern)?.[2].includes(',') === true;

/**
 * What every file `written` matches begins with, seen without compiling it:
 * the pattern itself when it has no magic (it names that file, or the files
 * below it), else its text up to the last `/` before the first magic
 * character. Undefined for a pattern that might not compile (brackets,
 * braces other than a list of names, parentheses, or more than picomatch's
 * 65,536 characters): only compiling it tells. A change of ten files is matched against five thousand
 * targets with this, and compiles the few that can match.
 */
export function staticStart(written: string): string | undefined {
  const pattern = normalised(written);
  if ((BRACKETS.test(pattern) && !namesInBraces(pattern)) || pattern.length > 65_536) return undefined;
  const magic = pattern.search(MAGIC);
  return magic === -1 ? pattern : pattern.slice(0, pattern.lastIndexOf('/', magic) + 1);
}

/**
 * Files a glob names. A literal path names that file, or every file below it
 * when it is a folder (`../src/links` governs the whole folder).
 */
export function matchGlob(glob: CompiledGlob, sorted: string[], set: Set<string>): string[] {
  if (glob.literal) return set.has(glob.pattern) ? [glob.pattern] : filesUnder(sorted, glob.pattern);
  return filesUnder(sorted, glob.base).filter((f) => glob.test(f));
}

export interface GlobSet {
  /** The patterns that add files (without the `!` ones). */
  globs: CompiledGlob[];
  /** True for a file some pattern adds and no `!` pattern takes back out. */
  test: (file: string) => boolean;
  /** True for a file a `!` pattern takes out. */
  negated: (file: string) => boolean;
}

/**
 * Compiles a list of config globs into one predicate over root-relative paths.
 * A pattern that starts with `!` takes files back out of what the others match,
 * wherever it stands in the list.
 */
export function globSet(patterns: readonly string[]): GlobSet {
  const compile = (list: readonly string[]) => list.map(compileGlob);
  const globs = compile(patterns.filter((p) => !p.startsWith('!')));
  const negative = compile(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)));
  const matches = (list: CompiledGlob[], file: string) =>
    list.some((g) => (g.literal ? file === g.pattern || file.startsWith(g.pattern + '/') : g.test(file)));
  const negated = negative.length === 0 ? () => false : (file: string) => matches(negative, file);
  // What every file some pattern matches ends with (`.md` for the spec formats' globs): one test rules out most of a tree.
  // (`g.pattern` is compiled's: already without `./` and a trailing `/`.)
  const end = commonEnd(globs.map((g) => (g.literal ? '' : literalEnd(g.pattern))));
  const test = (file: string) => matches(globs, file) && !negated(file);
  return { globs, negated, test: end === '' ? test : (file) => file.endsWith(end) && test(file) };
}

/**
 * A pattern's text after its last magic character, less a first `/`
 * (`**\/spec.md` matches `spec.md` itself): every file it matches ends with
 * it ('' when the pattern ends in magic).
 */
function literalEnd(pattern: string): string {
  let last = pattern.length - 1;
  while (last >= 0 && !MAGIC.test(pattern[last])) last--;
  return pattern.slice(last + 1).replace(/^\//, '');
}

/** The longest end the strings share ('' for none, or for no strings). */
function commonEnd(ends: string[]): string {
  if (ends.length === 0) return '';
  let common = ends[0];
  for (const end of ends) while (!end.endsWith(common)) common = common.slice(1);
  return common;
}

/** The files of `sorted` matched by any of `globs`, each looked for only below its base. */
export function selectFiles(globs: CompiledGlob[], sorted: string[], set: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const g of globs) for (const f of matchGlob(g, sorted, set)) out.add(f);
  return out;
}

/** Compiles globs the config gives (`specs`, `include`, …); SdnaError names the key. */
export function configGlobs(key: string, patterns: string[]): GlobSet {
  try {
    return globSet(patterns);
  } catch (error) {
    throw new SdnaError(`invalid glob in config \`${key}\`: ${(error as Error).message}`);
  }
}
