// The parse cache: what sdna derived from files, kept between runs so that a
// second `sdna plan` on an unchanged repository opens no file it read before.
// Two kinds of entries: by content hash (a parse result), and by file
// (`fromFile`: what was derived from a file, with the file's stamp; while the
// stamp is unchanged the file is not opened).
//
// One file, written atomically after a run that changed something: a header
// line, then one line per kind of entry, parsed only when a run first asks for
// that kind (a warm plan never parses the 12 MB of API declarations its
// per-spec results make unneeded). Each line carries its own digest, so a line
// garbled by hand or by a crash is ignored, as is a file from another sdna
// version: it is a cache, never an error.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/files.js';
import type { CodeCacheDir } from '../util/compiled.js';
import { GuardedReader, readNamedFile } from '../util/guarded.js';

const FILE = 'parse-cache.json';
const FORMAT = 3;

/** The first line of the file; line i + 2 holds the entries of `kinds[i]` as one JSON object. */
interface CacheHeader {
  format: number;
  /** The sdna version that wrote it: parse results may change between versions. */
  sdna: string;
  /** Each kind's name and the sha1 of its line. */
  kinds: [string, string][];
}

/** Kinds whose entries are keyed by a file's path: kept while the file is listed, dropped once it is gone. */
const BY_FILE = /^file:/;

/**
 * A file modified this close to now (or later: a clock set back) may change
 * again within its timestamp's granularity (a second on some file systems)
 * without its stamp changing: its stamp is not trusted (as git's "racy" files).
 */
const RACY_MS = 2000;

/**
 * A project file as the cache keys it: `file` is root-relative and
 * `/`-separated already, so no normalising (`path.join` was a tenth of a warm plan).
 */
export function fileKey(root: string, file: string): string {
  return `${root}${path.sep}${file}`;
}

/** The path to stat a project file by: relative to the current folder when that is the root (a shorter path is stat'ed in half the time). */
export function projectPath(root: string, file: string): string {
  return root === CWD ? file : fileKey(root, file);
}

const CWD = process.cwd();

/**
 * What says a file is unchanged: size, modification and change times, inode
 * (a write that restores the mtime still moves the ctime). Undefined when it
 * cannot be trusted: missing, or modified within `RACY_MS` of `now`.
 */
export function fileStamp(file: string, now = Date.now()): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  return !stat || stat.mtimeMs > now - RACY_MS ? undefined : `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

/**
 * The stamps of a file and of files read with it (a spec's companions), joined:
 * undefined when one cannot be trusted (modified a moment ago), or when the
 * first file is missing (unless `anyMissing`); another missing file is a state
 * too (`-`).
 */
export function joinedStamp(files: readonly string[], stampOf: (file: string) => string | undefined, exists: (file: string) => boolean, anyMissing = false): string | undefined {
  const parts: string[] = [];
  for (const [i, file] of files.entries()) {
    const stamp = stampOf(file);
    if (stamp === undefined && ((i === 0 && !anyMissing) || exists(file))) return undefined;
    parts.push(stamp ?? '-');
  }
  return parts.join(' ');
}

export function contentKey(text: string | Buffer): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}

export class ParseCache {
  hits = 0;
  misses = 0;
  /** Lines of the file as loaded, parsed on first use. */
  private readonly lines: Map<string, { text: string; digest: string }>;
  private readonly old = new Map<string, Record<string, unknown>>();
  private readonly used: Record<string, Record<string, unknown>> = {};
  private changed = false;
  /** Files (absolute) that runs with this cache listed: entries by file for them are kept. */
  private readonly listed = new Set<string>();
  private readonly started = Date.now();
  /** Each file's stamp, taken once per run. */
  private readonly stamps = new Map<string, string | undefined>();

  private constructor(
    private readonly dir: string | undefined,
    private readonly version: string,
    private readonly within: string | undefined,
  ) {
    this.lines = dir ? load(path.join(dir, FILE), version, within) : new Map();
  }

  /**
   * A cache in `dir`, or one that keeps nothing when `dir` is undefined.
   * `within`: the project root the default cache folder must stay in (a
   * `--cache-dir` the user names may be anywhere).
   */
  static open(dir: string | undefined, version: string, within?: string): ParseCache {
    return new ParseCache(dir, version, within);
  }

  /** The default place: `<root>/node_modules/.cache/sdna`, when the project has node_modules. */
  static defaultDir(root: string): string | undefined {
    const modules = path.join(root, 'node_modules');
    return fs.existsSync(modules) ? path.join(modules, '.cache', 'sdna') : undefined;
  }

  get enabled(): boolean {
    return this.dir !== undefined;
  }

  /** Where compiled code (TypeScript's) may be kept beside this cache; undefined without one. */
  get codeCache(): CodeCacheDir | undefined {
    return this.dir === undefined ? undefined : { dir: this.dir, within: this.within };
  }

  /** The kind's entries as loaded, parsed the first time they are asked for. */
  private oldOf(kind: string): Record<string, unknown> {
    let entries = this.old.get(kind);
    if (entries === undefined) {
      const line = this.lines.get(kind);
      entries = {};
      if (line !== undefined && contentKey(line.text) === line.digest) {
        try {
          const data = JSON.parse(line.text) as unknown;
          if (typeof data === 'object' && data !== null && !Array.isArray(data)) entries = data as Record<string, unknown>;
        } catch {
          // Garbled: as if it were not there.
        }
      }
      this.old.set(kind, entries);
    }
    return entries;
  }

  /** The cached value for `key` of `kind`, or what `compute` returns (then cached). */
  through<T>(kind: string, key: string, compute: () => T): T {
    const hit = this.lookup<T>(kind, key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.store(kind, key, value);
    return value;
  }

  /** Whether `key` of `kind` is cached, without counting a hit or a miss or keeping it. */
  peek(kind: string, key: string): boolean {
    return key in (this.used[kind] ?? {}) || key in this.oldOf(kind);
  }

  /** The cached value for `key` of `kind`, if any (for work that is done in batches). */
  lookup<T>(kind: string, key: string): T | undefined {
    const bucket = (this.used[kind] ??= {});
    if (key in bucket) return bucket[key] as T;
    const old = this.oldOf(kind);
    if (key in old) {
      this.hits++;
      bucket[key] = old[key];
      return old[key] as T;
    }
    this.misses++;
    return undefined;
  }

  /** Files a run listed, so that what was derived from them is kept for the next run. */
  markListed(root: string, files: Iterable<string>): void {
    if (!this.dir) return;
    for (const f of files) this.listed.add(fileKey(root, f));
  }

  /**
   * What `derive` makes of `file` (and of `companions`, files it reads beside
   * it), from the cache while none of their stamps changed: then no file is
   * opened. Undefined from `derive` (a file it could not read) is not kept,
   * so that the next run reads, and reports, it again. `kind` must start
   * with `file:`.
   */
  fromFile<T>(kind: string, root: string, file: string, derive: () => T | undefined, companions: readonly string[] = []): T | undefined {
    if (!this.dir) return derive();
    const key = fileKey(root, file);
    const stamp = this.stampOf(root, file, companions);
    if (stamp === undefined) this.misses++;
    const hit = stamp === undefined ? undefined : this.lookup<[string, T]>(kind, key);
    if (Array.isArray(hit) && hit[0] === stamp) return hit[1];
    const value = derive();
    if (stamp !== undefined && value !== undefined) this.store(kind, key, [stamp, value]);
    return value;
  }

  /** Keeps `value` as derived from `file` now (read for another purpose in the same pass), without a lookup. */
  keepFromFile<T>(kind: string, root: string, file: string, value: T): void {
    if (!this.dir) return;
    const key = fileKey(root, file);
    const stamp = this.stampOf(root, file, []);
    if (stamp !== undefined) this.store(kind, key, [stamp, value]);
  }


  /**
   * One hash of the stamps of `files` (a missing file is a state too), or
   * undefined when one cannot be trusted.
   */
  stampsOf(root: string, files: readonly string[]): string | undefined {
    const joined = joinedStamp(files, (f) => this.stamp(root, f), (f) => fs.existsSync(projectPath(root, f)), true);
    return joined === undefined ? undefined : contentKey(joined);
  }

  /** The stamps of a file and its companions, taken once per run (see `joinedStamp`). */
  private stampOf(root: string, file: string, companions: readonly string[]): string | undefined {
    return joinedStamp([file, ...companions], (f) => this.stamp(root, f), (f) => fs.existsSync(projectPath(root, f)));
  }

  private stamp(root: string, file: string): string | undefined {
    const key = fileKey(root, file);
    if (!this.stamps.has(key)) this.stamps.set(key, fileStamp(projectPath(root, file), this.started));
    return this.stamps.get(key);
  }

  /**
   * A file's content hash, read again (through `read`) only when its stamp
   * changed since the last run: an unchanged repository is checked without
   * reading its code.
   */
  fileHash(root: string, file: string, read: () => string | Buffer | undefined): string {
    return (
      this.fromFile('file:hash', root, file, () => {
        const bytes = read();
        return bytes === undefined ? undefined : contentKey(bytes);
      }) ?? contentKey('\0unreadable')
    );
  }

  store<T>(kind: string, key: string, value: T): void {
    (this.used[kind] ??= {})[key] = value;
    this.changed = true;
  }

  /** Writes what this run used, if anything changed; a failure to write is not an error. */
  save(): void {
    if (!this.dir) return;
    // An entry the run did not use is dropped, unless it is by a file still listed.
    const keeps = (kind: string, key: string) => key in this.used[kind] || (BY_FILE.test(kind) && this.listed.has(key));
    const drops = Object.keys(this.used).some((kind) => Object.keys(this.oldOf(kind)).some((key) => !keeps(kind, key)));
    if (!this.changed && !drops) return;
    const out: [string, string][] = [];
    for (const [kind, line] of this.lines) {
      // A kind of work this run did not do at all (API declarations, when every spec's result was cached) keeps what it cached.
      if (!(kind in this.used) && contentKey(line.text) === line.digest) out.push([kind, line.text]);
    }
    for (const [kind, entries] of Object.entries(this.used)) {
      const kept = Object.entries(this.oldOf(kind)).filter(([key]) => !(key in entries) && keeps(kind, key));
      out.push([kind, JSON.stringify({ ...Object.fromEntries(kept), ...entries })]);
    }
    const header: CacheHeader = { format: FORMAT, sdna: this.version, kinds: out.map(([kind, text]) => [kind, contentKey(text)]) };
    try {
      writeFileAtomic(path.join(this.dir, FILE), [JSON.stringify(header), ...out.map(([, text]) => text)].join('\n') + '\n', { within: this.within });
    } catch {
      // A cache that cannot be written is only a slower next run.
    }
  }
}

function load(file: string, version: string, within: string | undefined): Map<string, { text: string; digest: string }> {
  const lines = new Map<string, { text: string; digest: string }>();
  try {
    const text = within === undefined ? readNamedFile(file, 'cache') : new GuardedReader(within).text(file, 'cache');
    const all = text.split('\n');
    const header = JSON.parse(all[0]) as Partial<CacheHeader> | null;
    if (header?.format !== FORMAT || header.sdna !== version || !Array.isArray(header.kinds)) return lines;
    header.kinds.forEach((entry, i) => {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string' && typeof all[i + 1] === 'string') lines.set(entry[0], { text: all[i + 1], digest: entry[1] });
    });
  } catch {
    // Missing, refused (a symlink out of the root, a FIFO), or garbled: an empty cache.
  }
  return lines;
}
