// A parse cache keyed by content hash, so that a second `sdna plan` on an
// unchanged repository re-parses nothing. One JSON file, written atomically
// after the run, holding only what that run used (so it never grows without
// bound). A cache that is corrupt (in any way: its first line holds a digest of
// the rest) or from another sdna version is ignored and rewritten, never an
// error: it is a cache.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/files.js';
import { GuardedReader, readNamedFile } from '../util/guarded.js';

const FILE = 'parse-cache.json';
const FORMAT = 2;

/** The first line of the file; the entries follow as one JSON object. */
interface CacheHeader {
  format: number;
  /** The sdna version that wrote it: parse results may change between versions. */
  sdna: string;
  /** sha1 of the entries' text: an entry garbled by hand or by a crash is never used. */
  digest: string;
}

export function contentKey(text: string | Buffer): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}

export class ParseCache {
  hits = 0;
  misses = 0;
  private readonly old: Record<string, Record<string, unknown>>;
  private readonly used: Record<string, Record<string, unknown>> = {};
  private changed = false;

  private constructor(
    private readonly dir: string | undefined,
    private readonly version: string,
    private readonly within: string | undefined,
  ) {
    this.old = dir ? load(path.join(dir, FILE), version, within) : {};
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
    return key in (this.used[kind] ?? {}) || key in (this.old[kind] ?? {});
  }

  /** The cached value for `key` of `kind`, if any (for work that is done in batches). */
  lookup<T>(kind: string, key: string): T | undefined {
    const bucket = (this.used[kind] ??= {});
    if (key in bucket) return bucket[key] as T;
    const old = this.old[kind];
    if (old && key in old) {
      this.hits++;
      bucket[key] = old[key];
      return old[key] as T;
    }
    this.misses++;
    return undefined;
  }

  /**
   * A file's content hash, read again (through `read`) only when its size or
   * mtime changed since the last run: an unchanged repository is checked
   * without reading its code.
   */
  fileHash(root: string, file: string, read: () => string | Buffer | undefined): string {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path.join(root, file));
    } catch {
      return 'unreadable';
    }
    const known = this.lookup<[number, number, string]>('file-hash', file);
    if (Array.isArray(known) && known[0] === stat.size && known[1] === stat.mtimeMs) return known[2];
    const hash = contentKey(read() ?? '\0unreadable');
    this.store('file-hash', file, [stat.size, stat.mtimeMs, hash]);
    return hash;
  }

  store<T>(kind: string, key: string, value: T): void {
    (this.used[kind] ??= {})[key] = value;
    this.changed = true;
  }

  /** Writes what this run used, if anything changed; a failure to write is not an error. */
  save(): void {
    if (!this.dir) return;
    // A kind of work this run did not do at all (the semantic check's outlines, in a plain plan) keeps what it cached.
    const kept: Record<string, Record<string, unknown>> = {};
    for (const [kind, entries] of Object.entries(this.old)) if (!(kind in this.used)) kept[kind] = entries;
    const dropped = Object.entries(this.old).some(([kind, entries]) => kind in this.used && Object.keys(entries).some((k) => !(k in this.used[kind])));
    if (!this.changed && !dropped) return;
    const entries = JSON.stringify({ ...kept, ...this.used });
    const header: CacheHeader = { format: FORMAT, sdna: this.version, digest: contentKey(entries) };
    try {
      writeFileAtomic(path.join(this.dir, FILE), `${JSON.stringify(header)}\n${entries}`, { within: this.within });
    } catch {
      // A cache that cannot be written is only a slower next run.
    }
  }
}

function load(file: string, version: string, within: string | undefined): Record<string, Record<string, unknown>> {
  try {
    const text = within === undefined ? readNamedFile(file, 'cache') : new GuardedReader(within).text(file, 'cache');
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as Partial<CacheHeader> | null;
    const entries = text.slice(newline + 1);
    if (newline === -1 || header?.format !== FORMAT || header.sdna !== version || header.digest !== contentKey(entries)) return {};
    const data = JSON.parse(entries) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
    const valid = Object.values(data).every((bucket) => typeof bucket === 'object' && bucket !== null && !Array.isArray(bucket));
    return valid ? (data as Record<string, Record<string, unknown>>) : {};
  } catch {
    // Missing, refused (a symlink out of the root, a FIFO), or garbled: an empty cache.
    return {};
  }
}
