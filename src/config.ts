// sdna's configuration: one schema for the config file, package.json's "sdna"
// key and (later) the Vitest plugin's options. Validated strictly: a typo in a
// key is an error naming the key, never silently ignored.

import { FORMATS, READERS } from './formats/readers.js';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { KIND_NAMES, LEVELS, type Kind, type Level } from './model/kinds.js';
import { SdnaError } from './util/errors.js';
import { GuardedReader, readInRoot, readNamedFile } from './util/guarded.js';
import { closest } from './util/text.js';
import { checkRoot } from './util/root.js';
import { configGlobs } from './util/globs.js';
import type { Override } from './model/levels.js';
import { importModule } from './util/import-module.js';

const globs = z.array(z.string().check(z.minLength(1)));
const nonEmpty = z.string().check(z.minLength(1));
/** A spec glob, or `{ path, targets }`: specs whose format carries no targets get them here. */
const specEntry = z.union([nonEmpty, z.strictObject({ path: nonEmpty, targets: z.array(nonEmpty) })]);

const rulesSchema = z.partialRecord(z.enum(KIND_NAMES as [Kind, ...Kind[]]), z.enum(LEVELS));

export const configSchema = z.strictObject({
  $schema: z.optional(z.string()),
  root: z.optional(z.string()),
  specs: z.optional(z.array(specEntry)),
  include: z.optional(globs),
  exclude: z.optional(globs),
  tests: z.optional(globs),
  rules: z.optional(rulesSchema),
  overrides: z.optional(z.array(z.strictObject({ capabilities: z.array(nonEmpty).check(z.minLength(1)), rules: rulesSchema }))),
});

/** The config as users write it (sdna.config.*, package.json "sdna", or plugin options). */
export interface UserConfig {
  $schema?: string;
  /** The project root, relative to the config file. */
  root?: string;
  /**
   * Globs of spec files; `{ path, targets }` also gives the specs `path` matches
   * these targets (root-relative globs), for formats that name none.
   */
  specs?: (string | { path: string; targets: string[] })[];
  /** Globs of source files in scope for `unspecified-code`. */
  include?: string[];
  /** Globs taken out of the scope (replaces the default). */
  exclude?: string[];
  /** Globs of test files searched for `meta.capabilities` and tag claims. */
  tests?: string[];
  /** The level of each finding kind. */
  rules?: Partial<Record<Kind, Level>>;
  /**
   * Levels for some capabilities only: globs over capability and spec ids, and
   * the rules for the findings about them. Later entries win.
   */
  overrides?: Override[];
}

// Written out so that the published types need no zod; this line fails to
// compile if the interface and the schema ever disagree.
const sameShape: [UserConfig, z.infer<typeof configSchema>] = [{} as z.infer<typeof configSchema>, {} as UserConfig];
void sameShape;

/** Specs under test fixtures describe example projects, not this one. */
export const FIXTURE_SPECS = ['!**/fixtures/**', '!**/__fixtures__/**'];

export const DEFAULTS = {
  // Every format's specs, wherever they are, except in test fixtures.
  specs: [...FORMATS.map((f) => READERS[f].glob), ...FIXTURE_SPECS],
  include: ['src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
  exclude: [
    '**/*.d.ts',
    '**/*.d.{mts,cts}',
    '**/*.{test,spec,bench}.*',
    '**/{__tests__,__mocks__,__fixtures__,__snapshots__,test,tests,fixtures}/**',
  ],
  // Vitest's own default `include`.
  tests: ['**/*.{test,spec}.?(c|m)[jt]s?(x)'],
} as const;

export interface ResolvedConfig {
  root: string;
  /** The file the config came from, root-relative; undefined for zero config. */
  source?: string;
  specs: string[];
  /** Targets the config gives the specs a glob matches. */
  specTargets: { path: string; targets: string[] }[];
  include: string[];
  exclude: string[];
  tests: string[];
  rules: Partial<Record<Kind, Level>>;
  overrides: Override[];
}

export const CONFIG_FILES = [
  'sdna.config.ts',
  'sdna.config.mts',
  'sdna.config.js',
  'sdna.config.mjs',
  'sdna.config.json',
] as const;

export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Turns zod issues into `problem (location: a.b, expected: x)` lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], keys: readonly string[] = Object.keys(configSchema.def.shape)): string {
  return issues
    .map((issue) => {
      const at = issue.path.map(String).join('.');
      switch (issue.code) {
        case 'unrecognized_keys': {
          const where = at ? `${at}.` : '';
          const allowed: readonly string[] = /(?:^|\.)rules$/.test(at) ? KIND_NAMES : /^overrides\.\d+$/.test(at) ? ['capabilities', 'rules'] : keys;
          const meant = issue.keys.length === 1 ? closest(issue.keys[0], allowed) : undefined;
          const guess = meant ? `did you mean "${where}${meant}"? ` : '';
          return `unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')} (${guess}expected one of: ${allowed.join(', ')})`;
        }
        case 'invalid_value':
          return `invalid value (location: ${at}, expected: ${issue.values.map((v) => JSON.stringify(v)).join(' | ')})`;
        case 'invalid_type':
          return `invalid type (location: ${at || '<top>'}, expected: ${issue.expected === 'array' ? 'an array of glob strings' : issue.expected})`;
        case 'too_small':
          return `empty value (location: ${at}, expected: a non-empty string)`;
        default:
          return `${issue.message} (location: ${at})`;
      }
    })
    .join('; ');
}

async function importConfig(file: string): Promise<unknown> {
  if (/\.(ts|mts)$/.test(file)) {
    // Loaded only for TypeScript configs: jiti compiles them on the fly.
    const { createJiti } = await importModule<typeof import('jiti')>('jiti');
    const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false, fsCache: false });
    return jiti.import(file, { default: true });
  }
  const mod = await importModule<{ default?: unknown }>(pathToFileURL(file).href);
  return mod.default;
}

/**
 * `named`: the user named it (`--config`), so it may live anywhere; a config
 * sdna found is a file of its folder's project and must not lead out of it.
 */
async function readConfigFile(file: string, named: boolean): Promise<unknown> {
  const name = path.basename(file);
  // Through the one reader: a config is a regular file of sane size (a FIFO would hang the import).
  const text = named ? readNamedFile(file, 'config', name) : new GuardedReader(path.dirname(file)).text(name, 'config');
  if (file.endsWith('.json')) return parseJson(text, name);
  try {
    return await importConfig(file);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SdnaError(`cannot load ${name}: ${message}`);
  }
}

/** JSON, or one line naming the file, the line and column, and what is wrong there. */
function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const reason = message.replace(/\s*(?:in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    if (!at) throw new SdnaError(`cannot load ${name}: ${reason} (it must be JSON, such as { "specs": ["specs/**/*.spec.md"] })`);
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const column = Number(at[1]) - before.lastIndexOf('\n');
    throw new SdnaError(`cannot load ${name}:${line}:${column}: ${reason} (JSON allows no comments or trailing commas; use sdna.config.ts for those)`);
  }
}

function findConfig(dir: string): { file: string; pkgKey: boolean } | undefined {
  const found = CONFIG_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  if (found.length > 1) {
    throw new SdnaError(`found ${found.join(' and ')} in ${dir}: keep one config file`);
  }
  if (found.length === 1) return { file: path.join(dir, found[0]), pkgKey: false };
  const pkg = path.join(dir, 'package.json');
  if (fs.existsSync(pkg)) {
    try {
      const json = JSON.parse(readInRoot(dir, 'package.json', 'manifest') ?? '{}') as Record<string, unknown>;
      if (json && typeof json === 'object' && 'sdna' in json) return { file: pkg, pkgKey: true };
    } catch {
      // An unparsable package.json is not sdna's to judge: it just holds no config.
    }
  }
  return undefined;
}

/** Where looking for a config stops: the repository's top (a `.git` folder or file) or the file system's. */
function isTop(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir;
}

/**
 * The config in `dir`, else (with `climb`) in the nearest parent up to the
 * repository's top, as ESLint and Vitest look for theirs.
 */
function searchConfig(dir: string, climb: boolean): { file: string; pkgKey: boolean } | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const found = findConfig(at);
    if (found || !climb || isTop(at)) return found;
  }
}

/** With no config: the nearest folder up to the repository's top that holds a package.json, else `dir`. */
function projectFolder(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'package.json'))) return at;
    if (isTop(at)) return dir;
  }
}

/** The config as written (not yet validated) and the file it came from, if any. `climb`: look in parent folders too. */
export async function loadRawConfig(dir: string, explicit?: string, climb = false): Promise<{ raw: unknown; file?: string }> {
  if (explicit) {
    const file = path.resolve(explicit);
    if (!fs.existsSync(file)) {
      throw new SdnaError(`config file not found: ${explicit} (pass an existing sdna.config.{ts,mts,js,mjs,json} or package.json)`);
    }
    const raw = await readConfigFile(file, true);
    return { raw: path.basename(file) === 'package.json' ? ((raw as Record<string, unknown>)?.sdna ?? {}) : raw, file };
  }
  const found = searchConfig(path.resolve(dir), climb);
  if (!found) return { raw: {} };
  const raw = await readConfigFile(found.file, false);
  return { raw: found.pkgKey ? (raw as Record<string, unknown>).sdna : raw, file: found.file };
}

/**
 * Finds, loads and validates the config. Throws SdnaError for anything that
 * must stop sdna (exit 2). `root` is the CLI's `--root`: the config is looked
 * for there only, and it is the root unless the config's `root` says
 * otherwise. Without it, the config is looked for from `cwd` up to the
 * repository's top, and the root is the config's folder (its `root` resolved
 * from there), or with no config the nearest folder with a package.json.
 * `explicit` is `--config`.
 */
export async function loadConfig(root: string | undefined, explicit?: string, cwd = process.cwd()): Promise<ResolvedConfig> {
  const start = path.resolve(cwd, root ?? '.');
  const { raw, file } = await loadRawConfig(start, explicit, root === undefined);
  const fallback = root !== undefined ? start : file ? path.dirname(file) : projectFolder(start);
  const config = resolveConfig(raw, file, fallback);
  checkRoot(config.root);
  return config;
}

export function resolveConfig(raw: unknown, file: string | undefined, dir: string): ResolvedConfig {
  const where = file ? `${path.basename(file)}${path.basename(file) === 'package.json' ? ' ("sdna")' : ''}` : 'config';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SdnaError(`invalid config in ${where}: expected an object such as { "specs": ["specs/**/*.spec.md"] }`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new SdnaError(`invalid config in ${where}: ${describeIssues(parsed.error.issues)}`);
  const c = parsed.data;
  // A glob that cannot compile stops sdna here, naming where it is written.
  c.overrides?.forEach((o, i) => configGlobs(`overrides.${i}.capabilities`, o.capabilities));
  for (const entry of c.specs ?? []) {
    if (typeof entry === 'string') continue;
    const outside = entry.targets.find((t) => path.isAbsolute(t) || path.posix.normalize(t).startsWith('../') || t === '..');
    if (outside) throw new SdnaError(`invalid config in ${where}: target "${outside}" of specs entry "${entry.path}" is outside the project root (write globs relative to the root, such as "src/auth/**")`);
  }
  const configDir = file ? path.dirname(file) : dir;
  const root = c.root ? path.resolve(configDir, c.root) : dir;
  return {
    root,
    source: file ? path.relative(root, file).split(path.sep).join('/') : undefined,
    specs: c.specs ? c.specs.map((e) => (typeof e === 'string' ? e : e.path)) : [...DEFAULTS.specs],
    specTargets: (c.specs ?? []).filter((e): e is { path: string; targets: string[] } => typeof e !== 'string'),
    include: c.include ?? [...DEFAULTS.include],
    exclude: c.exclude ?? [...DEFAULTS.exclude],
    tests: c.tests ?? [...DEFAULTS.tests],
    rules: c.rules ?? {},
    overrides: c.overrides ?? [],
  };
}
