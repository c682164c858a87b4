// The parse cache: what sdna derived from files, kept between runs so that a
// second `sdna plan` on an unchanged repository opens no file it read before.
// Two kinds of entries: by content hash (a parse result), and by file
// (`fromFile`: what was derived from a file, with the file's stamp; while the
// stamp is unchanged the file is not opened).
//
// One file, written atomically after a run that changed something: a header
// line, then a section per kind of entry, a line per entry (its key and its
// value as JSON, a tab between), sorted by key. A run reads the header, then
// only the sections of the kinds it asks for, where the header says they lie
// (a scoped plan never reads the 14 MB of the whole plan kept, nor the 12 MB
// of API declarations), and finds and parses only the entries it looks up: a
// hook's plan that needs a few specs' tests does not build objects for ten
// thousand. A garbled entry or section is a miss, a file from another sdna
// version is ignored: it is a cache, never an error.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeDirInside, removeDeadTemps, writeFileAtomic } from '../util/files.js';
import { pieces } from '../util/text.js';
import type { CodeCacheDir } from '../util/compiled.js';
import type { FileList } from '../util/files.js';
import { GuardedReader, openNamedFile } from '../util/guarded.js';

const FILE = 'parse-cache.json';
const FORMAT = 5;

/** The first line of the file; the sections of `kinds` follow in order, each ending with a newline. */
interface CacheHeader {
  format: number;
  /** The sdna version that wrote it: parse results may change between versions. */
  sdna: string;
  /** Each kind's name, its section's length in bytes (without its last newline) and its number of entries. */
  kinds: [string, number, number][];
}

/** Where a kind's section lies in the file loaded, and how many entries it holds. */
interface Stored {
  offset: number;
  length: number;
  count: number;
}

/**
 * An entry this run used: its value once decoded, and what the save writes of
 * it: its JSON when the run made it (or, past `SPILL_AFTER`, where its line
 * lies in the spill file), or where its line lies in the section as loaded,
 * written back as those bytes, so that an entry found unchanged is not held as
 * text as well (most of a 260 MB cache, at 100,000 files).
 */
interface Used {
  value?: unknown;
  raw?: string;
  line?: Line;
  spilled?: Line;
}

/** Where a line lies in a section's bytes: its first byte and the newline (or end) after it. */
type Line = [start: number, end: number];

/** The header's longest sane size: a header without a newline this far in is not one. */
const HEADER_MAX = 1 << 20;

/**
 * Characters of new entries held in memory before the next ones go to the
 * spill file: a first plan of 100,000 files makes 260 MB of them, which held
 * until the save took its peak from 366 MB (no cache) to 870 MB. Below this
 * (a first plan of about 10,000 files) nothing is spilled.
 */
const SPILL_AFTER = 8 << 20;

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

/** A root's files with their stamps and what was derived from them, as one entry (`ParseCache.table`). */
export interface FileTable<T> {
  get(file: string): { stamp: string; value: T } | undefined;
  /** Records `rows` (`[file, stamp, value]`) as the table, unless it holds just these already. */
  keep(rows: [string, string, T][]): void;
}

/** What a check derives from each of a root's files, through one table (`ParseCache.fileRows`). */
export interface FileRows<T> {
  /**
   * The file's value: from its row while its stamp is the row's, else `known`
   * (found without reading the file), else what `derive` makes of it (a miss;
   * undefined, a file that could not be read, is not kept).
   */
  value(file: string, derive: () => T | undefined, known?: T): T | undefined;
  /** Whether `value` would have to find the file's value anew: no row, or a row of another stamp. */
  stale(file: string): boolean;
  /** Records the rows of the files asked for as the table (unless the cache is not saved). */
  keep(): void;
}

/** A file that is not there (or cannot be stat'ed), and one whose stamp cannot be trusted. */
const MISSING = -1;
const UNTRUSTED = -2;

/**
 * What says a file is unchanged, taken once per run per file: size,
 * modification and change times, inode (a write that restores the mtime still
 * moves the ctime). Kept as numbers, not as text or stat objects: a warm plan
 * of a plain folder stats every file, and 32,000 stamps made into text or kept
 * as objects cost it as much as the stats themselves (the objects in the
 * collector's time).
 */
class FileStats {
  private readonly at = new Map<string, number>();
  private numbers = new Float64Array(4 * 16);
  private count = 0;

  constructor(
    private readonly root: string,
    /** Files modified after this (less `RACY_MS`) are not trusted. */
    private readonly now: number,
  ) {}

  /** Where the file's four numbers start, or MISSING or UNTRUSTED (see `trustedStat`). */
  of(file: string): number {
    let at = this.at.get(file);
    if (at === undefined) this.at.set(file, (at = this.take(file)));
    return at;
  }

  /** The file's stamp as text, or why there is none. */
  stamp(file: string): Stamp {
    const at = this.of(file);
    return at < 0 ? (at as typeof MISSING | typeof UNTRUSTED) : this.text(at);
  }

  number(at: number, i: number): number {
    return this.numbers[at + i];
  }

  text(at: number): string {
    const n = this.numbers;
    return `${n[at]}:${n[at + 1]}:${n[at + 2]}:${n[at + 3]}`;
  }

  private take(file: string): number {
    const stat = trustedStat(projectPath(this.root, file), this.now);
    if (typeof stat === 'number') return stat;
    if (this.count * 4 === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    const at = this.count++ * 4;
    const n = this.numbers;
    n[at] = stat.size;
    n[at + 1] = stat.mtimeMs;
    n[at + 2] = stat.ctimeMs;
    n[at + 3] = stat.ino;
    return at;
  }
}

/** A file's stat, or MISSING, or UNTRUSTED when it was modified within `RACY_MS` of `now` (or later: a clock set back). */
function trustedStat(file: string, now: number): fs.Stats | typeof MISSING | typeof UNTRUSTED {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return MISSING;
  }
  return !stat ? MISSING : stat.mtimeMs > now - RACY_MS ? UNTRUSTED : stat;
}

/** A file's stamp as text, or why there is none. */
type Stamp = string | typeof MISSING | typeof UNTRUSTED;

/**
 * The stamps of a file and of files read with it (a spec's companions),
 * joined: undefined when the file is missing or one cannot be trusted
 * (modified a moment ago); a missing companion is a state too (`-`).
 */
function joinedStamp(stamp: (file: string) => Stamp, file: string, companions: readonly string[]): string | undefined {
  const first = stamp(file);
  if (typeof first === 'number') return undefined;
  let joined = first;
  for (const companion of companions) {
    const next = stamp(companion);
    if (next === UNTRUSTED) return undefined;
    joined += ` ${next === MISSING ? '-' : next}`;
  }
  return joined;
}

/** The joined stamp of `file` and its `companions` (root-relative), taken now, without a cache. */
export function filesStamp(root: string, file: string, companions: readonly string[]): string | undefined {
  const stats = new FileStats(root, Date.now());
  return joinedStamp((f) => stats.stamp(f), file, companions);
}

export function contentKey(text: string | Buffer): string {
  return crypto.hash('sha1', text, 'hex');
}

export class ParseCache {
  hits = 0;
  misses = 0;
  /** The file as loaded: where each kind's section lies, read on first use. */
  private readonly file: LoadedFile | undefined;
  /** Each kind's entries as loaded: their JSON, parsed when looked up. */
  private readonly old = new Map<string, StoredEntries>();
  private readonly used = new Map<string, Map<string, Used>>();
  private changed = false;
  /** Characters of the new entries held as text (`SPILL_AFTER`). */
  private held = 0;
  /** Where new entries past `SPILL_AFTER` are written, made on the first. */
  private spill: Spill | undefined;
  /** What runs with this cache listed, by root: entries by file for the files listed are kept, and git's object ids stamp files. */
  private readonly listings = new Map<string, Pick<FileList, 'set' | 'oids' | 'askedAt'>>();
  private readonly started = Date.now();
  /** Each file's stat by root, taken once per run. */
  private readonly stats = new Map<string, FileStats>();

  private constructor(
    private readonly dir: string | undefined,
    private readonly version: string,
    private readonly within: string | undefined,
    private readonly readOnly: boolean,
    private readonly spillAfter: number,
  ) {
    this.file = dir ? LoadedFile.open(path.join(dir, FILE), version, within) : undefined;
  }

  /**
   * A cache in `dir`, or one that keeps nothing when `dir` is undefined.
   * `within`: the project root the default cache folder must stay in (a
   * `--cache-dir` the user names may be anywhere). `readOnly`: a run that
   * will not save it (a plan scoped to a change) reads it and stores nothing,
   * so that nothing is gathered to be kept. `spillAfter`: characters of new
   * entries held before the next go to the spill file (`SPILL_AFTER`).
   */
  static open(dir: string | undefined, version: string, within?: string, { readOnly = false, spillAfter = SPILL_AFTER } = {}): ParseCache {
    return new ParseCache(dir, version, within, readOnly, spillAfter);
  }

  /** Whether what a run stores is kept (there is a folder, and the run saves): callers gather nothing to store otherwise. */
  get keeps(): boolean {
    return this.dir !== undefined && !this.readOnly;
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

  /** The kind's entries as loaded, indexed the first time they are asked for. */
  private oldOf(kind: string): StoredEntries {
    let entries = this.old.get(kind);
    if (entries === undefined) this.old.set(kind, (entries = new StoredEntries(this.file?.section(kind), this.file?.count(kind))));
    return entries;
  }

  private usedOf(kind: string): Map<string, Used> {
    let bucket = this.used.get(kind);
    if (bucket === undefined) this.used.set(kind, (bucket = new Map()));
    return bucket;
  }

  /** The cached value for `key` of `kind`, or what `compute` returns (then cached). */
  through<T>(kind: string, key: string, compute: () => T): T {
    const hit = this.lookup<T>(kind, key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.store(kind, key, value);
    return value;
  }

  /**
   * A root's rows of `[file, stamp, value]`, kept as one entry of `kind` (the
   * spec outlines, the tests' claims): a run that needs thousands of files'
   * values decodes one list, where a lookup each cost ten times a comparison.
   * A row that is not one, or whose value `valid` refuses, is a miss, and a
   * table that held one is written again by `keep`.
   */
  table<T>(kind: string, root: string, valid: (value: unknown) => value is T): FileTable<T> {
    let known: Map<string, { stamp: string; value: T }> | undefined;
    // How many rows the entry held, garbled ones too (-1: none).
    let stored = -1;
    const load = () => {
      if (known) return known;
      known = new Map();
      const rows = this.lookup<unknown>(kind, root);
      if (!Array.isArray(rows)) return known;
      stored = rows.length;
      for (const row of rows) {
        if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[1] === 'string' && valid(row[2])) known.set(row[0], { stamp: row[1], value: row[2] });
      }
      return known;
    };
    return {
      get: (file) => load().get(file),
      keep: (rows) => {
        if (!this.keeps) return;
        const kept = load();
        // The same files and stamps (an unchanged stamp means an unchanged value), none garbled: nothing to write.
        if (rows.length === stored && rows.length === kept.size && rows.every(([file, stamp]) => kept.get(file)?.stamp === stamp)) return;
        this.store(kind, root, rows);
      },
    };
  }

  /**
   * A table of `kind` (see `table`) as a check goes through a root's files:
   * each unchanged file costs a comparison, and the rows of the files asked
   * for become the table.
   */
  fileRows<T>(kind: string, root: string, valid: (value: unknown) => value is T): FileRows<T> {
    const table = this.enabled ? this.table(kind, root, valid) : undefined;
    // The table as it is now, unless the cache will not be saved (a plan scoped to a change).
    const rows: [string, string, T][] | undefined = this.keeps ? [] : undefined;
    const fresh = (file: string) => {
      const stamp = table && this.stampOf(root, file, []);
      const row = stamp === undefined ? undefined : table!.get(file);
      return row !== undefined && row.stamp === stamp ? { stamp, row } : { stamp };
    };
    return {
      value: (file, derive, known) => {
        const { stamp, row } = fresh(file);
        if (row) {
          rows?.push([file, stamp!, row.value]);
          return row.value;
        }
        let value = known;
        if (value === undefined) {
          if (table) this.misses++;
          value = derive();
        }
        if (rows && value !== undefined && stamp !== undefined && this.settled(root, [file])) rows.push([file, stamp, value]);
        return value;
      },
      stale: (file) => fresh(file).row === undefined,
      keep: () => {
        if (rows) table?.keep(rows);
      },
    };
  }

  /** Reads `kind`'s entry for `root` now, if there is one (a scoped plan does, while git lists the files): it is then found decoded. */
  preload(kind: string, root: string): void {
    if (this.enabled && this.peek(kind, root)) this.lookup(kind, root);
  }

  /** Reads `kind`'s section of the file now (a scoped plan reads those it will look entries up in while git lists the files): its lookups then read nothing. */
  warm(kind: string): void {
    if (this.enabled) this.oldOf(kind);
  }

  /** Whether the cache file holds any entry of `kind` (a cold cache holds none). */
  holds(kind: string): boolean {
    return (this.file?.count(kind) ?? 0) > 0;
  }

  /** Whether `key` of `kind` is cached, without counting a hit or a miss or keeping it. */
  peek(kind: string, key: string): boolean {
    return this.used.get(kind)?.has(key) === true || this.oldOf(kind).has(key);
  }

  /** The cached value for `key` of `kind`, if any (for work that is done in batches). */
  lookup<T>(kind: string, key: string): T | undefined {
    const bucket = this.usedOf(kind);
    const used = bucket.get(key);
    if (used?.value !== undefined) return used.value as T;
    const made = used?.raw ?? (used?.spilled && this.spill?.value(used.spilled));
    const old = made === undefined ? this.oldOf(kind).find(key) : undefined;
    const raw = made ?? old?.value;
    if (raw !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        // Garbled: a miss.
      }
      if (value !== undefined && value !== null) {
        this.hits++;
        bucket.set(key, old ? { value, line: old.line } : { ...used, value });
        return value as T;
      }
    }
    this.misses++;
    return undefined;
  }

  /**
   * Files a run listed, so that what was derived from them is kept for the
   * next run; a file git vouches for is stamped by its object id, not stat'ed.
   */
  markListed(root: string, listing: Pick<FileList, 'set' | 'oids' | 'askedAt'>): void {
    if (this.dir) this.listings.set(root, listing);
  }

  /** Whether an entry's key (see `fileKey`) names a file some run listed. */
  private isListed(key: string): boolean {
    for (const [root, { set }] of this.listings) if (key.length > root.length && key.startsWith(root) && key[root.length] === path.sep && set.has(key.slice(root.length + 1))) return true;
    return false;
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
    if (stamp !== undefined && value !== undefined && this.keeps && this.settled(root, [file, ...companions])) this.store(kind, key, [stamp, value]);
    return value;
  }

  /** Keeps `value` as derived from `file` now (read for another purpose in the same pass), without a lookup. */
  keepFromFile<T>(kind: string, root: string, file: string, value: T): void {
    if (!this.keeps) return;
    const key = fileKey(root, file);
    const stamp = this.stampOf(root, file, []);
    if (stamp !== undefined && this.settled(root, [file])) this.store(kind, key, [stamp, value]);
  }


  /**
   * One hash of the stamps of `files` (a missing file is a state too), or
   * undefined when one cannot be trusted. Hashed as numbers: a whole tree's
   * stamps made into text cost a warm plan as much as the stats.
   */
  stampsOf(root: string, files: readonly string[]): string | undefined {
    const oids = this.listings.get(root)?.oids;
    const stats = this.statsOf(root);
    // Per file: its stat's four numbers, or -1 then its object id (in `named`), or -2 when missing.
    const numbers = new Float64Array(files.length * 4);
    const named: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const oid = oids?.get(files[i]);
      if (oid !== undefined) {
        numbers[i * 4] = -1;
        named.push(oid);
        continue;
      }
      const at = stats.of(files[i]);
      if (at === UNTRUSTED) return undefined;
      if (at === MISSING) {
        numbers[i * 4] = -2;
        continue;
      }
      for (let k = 0; k < 4; k++) numbers[i * 4 + k] = stats.number(at, k);
    }
    return crypto.createHash('sha1').update(numbers).update(named.join(' ')).digest('hex');
  }

  /** The stamps of a file and its companions, taken once per run (see `joinedStamp`). */
  stampOf(root: string, file: string, companions: readonly string[]): string | undefined {
    return joinedStamp((f) => this.stamp(root, f), file, companions);
  }

  /** A file's stamp: its object id when git vouches for it, else its stat's. */
  private stamp(root: string, file: string): Stamp {
    const oid = this.listings.get(root)?.oids?.get(file);
    return oid !== undefined ? `git:${oid}` : this.statsOf(root).stamp(file);
  }

  private statsOf(root: string): FileStats {
    let stats = this.stats.get(root);
    if (stats === undefined) this.stats.set(root, (stats = new FileStats(root, this.started)));
    return stats;
  }

  /**
   * Whether what was just derived from `files` may be kept under their stamps.
   * A stat stamp was taken before the read, so a write since makes a new one.
   * An object id is what git vouched for when it listed the files: a file
   * written after that (or a moment before: timestamps are coarse) may not
   * hold it, and is not kept (one stat, for a file just read).
   */
  settled(root: string, files: readonly string[]): boolean {
    const listing = this.listings.get(root);
    for (const file of files) {
      if (!listing?.oids?.has(file)) continue;
      const stat = fs.statSync(projectPath(root, file), { throwIfNoEntry: false });
      if (!stat || stat.mtimeMs > (listing.askedAt ?? this.started) - RACY_MS) return false;
    }
    return true;
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

  /**
   * Keeps `value` as JSON from now on, not the value: a run that fills a cold
   * cache stores what it derived from every file, and values held until the
   * save held their files too (V8 keeps a string cut from a file's text as a
   * view of the whole text): a first plan of 100,000 files peaked at 1.1 GB.
   */
  store<T>(kind: string, key: string, value: T): void {
    if (!this.readOnly) this.storeJson(kind, key, JSON.stringify(value));
  }

  /** Keeps `json` (a value as JSON) under `key` of `kind`, written as it is: held, or past `SPILL_AFTER` spilled. */
  storeJson(kind: string, key: string, json: string): void {
    if (this.readOnly) return;
    const spilled = this.dir !== undefined && this.held + json.length > this.spillAfter ? (this.spill ??= new Spill(this.dir, this.within)).add(quotedKey(key), json) : undefined;
    if (spilled === undefined) this.held += json.length;
    this.usedOf(kind).set(key, spilled ? { spilled } : { raw: json });
    this.changed = true;
  }

  /**
   * The same for JSON made a piece at a time (`jsonPieces`): a plan's of
   * 100,000 files is 30 MB. Past `SPILL_AFTER` each piece goes to the spill
   * file as it is made, and the whole text is never one string; held, or
   * where the spill file cannot be written, it is made again whole.
   */
  storeJsonPieces(kind: string, key: string, make: () => Iterable<string>): void {
    if (this.readOnly) return;
    const whole = () => this.storeJson(kind, key, [...make()].join(''));
    if (this.dir === undefined) return whole();
    const made: string[] = [];
    let length = 0;
    const it = make()[Symbol.iterator]();
    for (let next = it.next(); !next.done; next = it.next()) {
      made.push(next.value);
      length += next.value.length;
      if (this.held + length > this.spillAfter) {
        const spilled = (this.spill ??= new Spill(this.dir, this.within)).add(quotedKey(key), chain(made, it));
        // The spill file failed (now or before): the text is made again, and held.
        if (spilled === undefined) return whole();
        this.usedOf(kind).set(key, { spilled });
        this.changed = true;
        return;
      }
    }
    this.storeJson(kind, key, made.join(''));
  }

  /** Writes what this run used, if anything changed; a failure to write is not an error. */
  save(): void {
    if (!this.dir || this.readOnly) return;
    // An entry the run did not use is dropped, unless it is by a file still listed. A kind whose
    // every entry the run looked up needs no reading: each was used, or found wanting.
    const kept = new Map<string, StoredEntry[]>();
    let drops = false;
    for (const [kind, used] of this.used) {
      const old = this.oldOf(kind);
      const unused = old.allFound() ? [] : old.entries().filter(({ key }) => !used.has(key));
      const keep = BY_FILE.test(kind) ? unused.filter(({ key }) => this.isListed(key)) : [];
      drops ||= keep.length < unused.length;
      kept.set(kind, keep);
    }
    if (!this.changed && !drops) return;
    // A kind this run did not do at all is copied as it was read. The others are written line by line
    // as they are streamed to the file: a line found unchanged as its bytes in the section loaded (a run
    // of such lines at once), a line made now encoded a batch at a time, so that the file is never held
    // whole a second time, as text or as bytes.
    const sections: Section[] = [];
    for (const kind of this.file?.kinds() ?? []) {
      // A kind of work this run did not do at all (API declarations, when every spec's result was cached) keeps what it cached.
      const bytes = this.used.has(kind) ? undefined : this.file?.section(kind);
      if (bytes !== undefined) sections.push({ kind, bytes, lines: undefined, length: bytes.length, count: this.file!.count(kind) });
    }
    for (const [kind, used] of this.used) {
      const old = this.oldOf(kind);
      // A kept entry is a line of the section loaded as it stands.
      const lines: SectionLine[] = [...kept.get(kind)!];
      for (const [key, { raw, line, spilled }] of used) {
        const quoted = quotedKey(key);
        lines.push(line ? { quoted, line } : spilled ? { quoted, spilled } : { quoted, raw });
      }
      lines.sort((a, b) => (a.quoted < b.quoted ? -1 : a.quoted > b.quoted ? 1 : 0));
      let length = Math.max(0, lines.length - 1);
      // A key is ASCII; a new line's JSON is measured as it is (joined to its key, it would be copied whole to be measured).
      for (const l of lines) {
        const at = l.line ?? l.spilled;
        length += at ? at[1] - at[0] : l.quoted.length + 1 + Buffer.byteLength(l.raw!);
      }
      sections.push({ kind, bytes: old.bytes, lines, length, count: lines.length });
    }
    const header: CacheHeader = { format: FORMAT, sdna: this.version, kinds: sections.map(({ kind, length, count }) => [kind, length, count]) };
    try {
      writeFileAtomic(path.join(this.dir, FILE), fileChunks(header, sections, this.spill), { within: this.within });
    } catch {
      // A cache that cannot be written is only a slower next run.
    }
  }
}

/** A section as the save writes it: its lines in order, or (`lines` undefined) its bytes as loaded. */
interface Section {
  kind: string;
  /** The section as loaded, which `lines` may point into. */
  bytes: Buffer;
  lines: SectionLine[] | undefined;
  /** In bytes, without the newline after its last line. */
  length: number;
  count: number;
}

/** A line of a section: its key as written, and its value's JSON as made now (`raw`), or where the line lies in the section loaded or in the spill file. */
interface SectionLine {
  quoted: string;
  raw?: string;
  line?: Line;
  spilled?: Line;
}

/** A batch of new lines is encoded once it holds this many characters. */
const BATCH = 1 << 20;

/**
 * The cache file, a part at a time: the header, then each section and a
 * newline. New lines are encoded into one buffer, reused: each part is
 * written before the next is made.
 */
function* fileChunks(header: CacheHeader, sections: Section[], spill: Spill | undefined): Generator<Uint8Array> {
  let scratch = Buffer.alloc(0);
  const encoded = (text: string) => {
    // Three bytes a character at most.
    if (scratch.length < 3 * text.length) scratch = Buffer.allocUnsafe(3 * Math.max(text.length, 2 * BATCH));
    return scratch.subarray(0, scratch.write(text));
  };
  yield Buffer.from(JSON.stringify(header));
  for (const { bytes, lines } of sections) {
    yield NEWLINE;
    if (lines === undefined) yield bytes;
    else yield* sectionChunks(bytes, lines, encoded, spill);
  }
  yield NEWLINE;
}

/**
 * A section's lines, a newline between each two: lines adjacent in the
 * section loaded (or in the spill file) as one view of its bytes (one read),
 * new ones `encoded` a batch at a time.
 */
function* sectionChunks(bytes: Buffer, lines: SectionLine[], encoded: (text: string) => Uint8Array, spill: Spill | undefined): Generator<Uint8Array> {
  let batch = '';
  // Adjacent lines of one source, from the newline before the first when there is one.
  let run: Line | undefined;
  let runSpilled = false;
  const runChunks = function* (): Generator<Uint8Array> {
    if (!run) return;
    if (runSpilled) yield* spill!.chunks(run);
    else yield bytes.subarray(run[0], run[1]);
    run = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const { quoted, raw } = lines[i];
    const line = lines[i].line ?? lines[i].spilled;
    if (line) {
      const spilled = lines[i].line === undefined;
      // The next line of the same source: the newline between them is its byte.
      if (run && runSpilled === spilled && run[1] + 1 === line[0]) {
        run[1] = line[1];
        continue;
      }
      if (batch) yield encoded(batch);
      yield* runChunks();
      batch = '';
      runSpilled = spilled;
      // In both sources a newline precedes every line but the first.
      if (i > 0 && line[0] > 0) run = [line[0] - 1, line[1]];
      else {
        if (i > 0) yield NEWLINE;
        run = [line[0], line[1]];
      }
    } else {
      yield* runChunks();
      batch += i > 0 ? `\n${quoted}\t` : `${quoted}\t`;
      if (raw!.length < BATCH) batch += raw;
      else {
        // A value of megabytes (the plan kept whole) is encoded a piece at a time.
        yield encoded(batch);
        batch = '';
        for (const piece of pieces(raw!, BATCH)) yield encoded(piece);
      }
      if (batch.length >= BATCH) {
        yield encoded(batch);
        batch = '';
      }
    }
  }
  yield* runChunks();
  if (batch) yield encoded(batch);
}

/**
 * New entries past `SPILL_AFTER`, written as they are made to a file in the
 * cache folder, lines as in a section (its key, a tab, its JSON; a newline
 * between two), read back by the save and by a lookup. The file is unlinked
 * as soon as it is made: it lives while the process holds it open, so that
 * no run, however it ends, leaves one behind (where a system keeps the name
 * until then, the next run removes it).
 */
class Spill {
  private fd: number | undefined;
  private pending = Buffer.allocUnsafe(2 * BATCH);
  private filled = 0;
  /** Bytes in the file. */
  private written = 0;
  /** Set once a write failed: what was written cannot be trusted whole, and the save writes nothing. */
  private failed = false;
  private reading: Buffer | undefined;

  constructor(
    private readonly dir: string,
    private readonly within: string | undefined,
  ) {}

  /** Adds the line (its JSON, or the JSON's pieces in order), and says where it lies; undefined once the file cannot be written (the entry is then held). */
  add(quoted: string, json: string | Iterable<string>): Line | undefined {
    if (this.failed) return undefined;
    const end = this.written + this.filled;
    const start = end === 0 ? 0 : end + 1;
    if (typeof json === 'string' && json.length < BATCH) this.put(end === 0 ? `${quoted}\t${json}` : `\n${quoted}\t${json}`);
    else {
      this.put(end === 0 ? `${quoted}\t` : `\n${quoted}\t`);
      for (const text of typeof json === 'string' ? [json] : json) for (const piece of pieces(text, BATCH)) this.put(piece);
    }
    return this.failed ? undefined : [start, this.written + this.filled];
  }

  /** The JSON of the entry at `line`, or undefined when it cannot be read. */
  value([start, end]: Line): string | undefined {
    try {
      const bytes = Buffer.allocUnsafe(end - start);
      this.read(bytes, start);
      const tab = bytes.indexOf(TAB);
      return tab === -1 ? undefined : bytes.toString('utf8', tab + 1);
    } catch {
      return undefined;
    }
  }

  /** The bytes of `[start, end)`, a piece at a time, each read into the same buffer: a piece is used before the next is read. */
  *chunks([start, end]: Line): Generator<Uint8Array> {
    this.reading ??= Buffer.allocUnsafe(2 * BATCH);
    for (let at = start; at < end; ) {
      const piece = this.reading.subarray(0, Math.min(this.reading.length, end - at));
      this.read(piece, at);
      yield piece;
      at += piece.length;
    }
  }

  /** Fills `into` from `position` (what is pending is written first); throws when the file was not written whole. */
  private read(into: Buffer, position: number): void {
    this.flush();
    if (this.failed) throw new Error('the spill file could not be written');
    for (let at = 0; at < into.length; ) {
      const n = fs.readSync(this.fd!, into, at, into.length - at, position + at);
      if (n === 0) throw new Error('the spill file ended early');
      at += n;
    }
  }

  private put(text: string): void {
    if (this.pending.length - this.filled < 3 * text.length) this.flush();
    if (this.pending.length < 3 * text.length) this.pending = Buffer.allocUnsafe(3 * text.length);
    this.filled += this.pending.write(text, this.filled);
  }

  private flush(): void {
    if (this.filled === 0 || this.failed) return;
    try {
      this.fd ??= this.open();
      for (let at = 0; at < this.filled; ) at += fs.writeSync(this.fd, this.pending, at, this.filled - at, this.written + at);
      this.written += this.filled;
      this.filled = 0;
    } catch {
      this.failed = true;
    }
  }

  private open(): number {
    const base = path.join(this.dir, SPILL);
    const file = `${base}.${process.pid}.tmp`;
    if (this.within === undefined) fs.mkdirSync(this.dir, { recursive: true });
    else makeDirInside(this.dir, this.within, file);
    removeDeadTemps(base);
    // A leftover, or a planted symlink: removed (never followed), then made anew.
    fs.rmSync(file, { force: true });
    const fd = fs.openSync(file, 'wx+');
    try {
      fs.rmSync(file);
    } catch {
      // Kept by name while open (some Windows file systems): the next run removes it.
    }
    // A cache that is dropped (a test's, a watch run's) closes its file.
    closeWhenDropped.register(this, fd);
    return fd;
  }
}

/** What `first` holds, then what is left of `rest`. */
function* chain<T>(first: readonly T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

const closeWhenDropped = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // Closed already.
  }
});

const SPILL = 'parse-cache.spill';

const NEWLINE = Buffer.from('\n');

/**
 * A section's entries: a line each, its key (a JSON string, ASCII only), a
 * tab, its value as JSON, the lines sorted. A key is found by binary search in
 * the bytes, and from where the last one was found first (files are looked up
 * in the listing's order, which is the section's): nothing is indexed or
 * decoded but the entries looked up, so a run that needs six specs' entries of
 * two thousand, or a few generated-file stamps of twenty thousand, decodes those.
 */
class StoredEntries {
  /** Where the line after the last one found starts. */
  private next = 0;
  /** The keys looked up and found so far. */
  private readonly found = new Set<string>();
  private all: StoredEntry[] | undefined;

  constructor(
    readonly bytes: Buffer = Buffer.alloc(0),
    /** How many entries the header says the section holds. */
    private readonly count = 0,
  ) {}

  /** Whether every entry of the section was looked up (a whole plan looks up most files'): then none needs reading to be kept. */
  allFound(): boolean {
    return this.found.size >= this.count;
  }

  has(key: string): boolean {
    return this.locate(key) !== undefined;
  }

  /** The entry's value as written (JSON), and where its line lies; undefined when there is none. */
  find(key: string): { value: string; line: Line } | undefined {
    const at = this.locate(key);
    if (at === undefined) return undefined;
    this.found.add(key);
    return { value: this.bytes.toString('utf8', at.value, at.end), line: [at.start, at.end] };
  }

  /** Every entry: its key, as written and decoded, and where its line lies (read from the bytes: a key is ASCII, and no JSON holds a raw tab or newline). */
  entries(): StoredEntry[] {
    if (this.all) return this.all;
    const { bytes } = this;
    const entries: StoredEntry[] = [];
    let tab = -1;
    for (let start = 0; start < bytes.length; ) {
      const end = lineEnd(bytes, start);
      // The first tab ends the key (looked for again only past it, so that lines without one cost no rescans).
      if (tab < start) tab = bytes.indexOf(TAB, start);
      if (tab === -1) tab = bytes.length;
      if (tab > start + 1 && tab < end && bytes[start] === QUOTE && bytes[tab - 1] === QUOTE) {
        const quoted = bytes.toString('latin1', start, tab);
        const key = keyOf(quoted);
        if (key !== undefined) entries.push({ key, quoted, line: [start, end] });
      }
      start = end + 1;
    }
    return (this.all = entries);
  }

  private locate(key: string): { start: number; value: number; end: number } | undefined {
    const { bytes } = this;
    // The key as its line begins; ASCII, so compared with the line's bytes read as Latin-1 (a small string beats a Buffer here).
    const head = `${quotedKey(key)}\t`;
    // The next line, then binary search on the side the key is on.
    let order = this.next < bytes.length ? compareLine(bytes, this.next, head) : 1;
    let lo = order < 0 ? this.next : 0;
    let hi = order < 0 ? bytes.length : this.next;
    let start = this.next;
    while (order !== 0) {
      if (lo >= hi) return undefined;
      const mid = (lo + hi) >>> 1;
      start = mid === 0 ? 0 : Math.max(lo, bytes.lastIndexOf(10, mid - 1) + 1);
      order = compareLine(bytes, start, head);
      if (order < 0) lo = lineEnd(bytes, start) + 1;
      else if (order > 0) hi = start;
    }
    const end = lineEnd(bytes, start);
    this.next = end + 1;
    return { start, value: start + head.length, end };
  }
}

const TAB = 9;
const QUOTE = 0x22;

/** An entry of a section as loaded: its key, as written (`quoted`) and decoded, and where its line lies in the section's bytes. */
interface StoredEntry {
  key: string;
  quoted: string;
  line: Line;
}

const lineEnd = (bytes: Buffer, start: number) => {
  const nl = bytes.indexOf(10, start);
  return nl === -1 ? bytes.length : nl;
};

/** How the line at `start` sorts against `head` (a quoted key and a tab): 0 when it is that key's line. */
function compareLine(bytes: Buffer, start: number, head: string): number {
  const begins = bytes.toString('latin1', start, Math.min(start + head.length, lineEnd(bytes, start)));
  return begins === head ? 0 : begins < head ? -1 : 1;
}

/** A key as written: JSON, with every character past ASCII escaped, so that the order of lines as strings is their order as bytes. */
function quotedKey(key: string): string {
  return JSON.stringify(key).replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NON_ASCII = /[^\x00-\x7f]/g;

/** A key as written (a JSON string), or undefined when garbled. */
function keyOf(literal: string): string | undefined {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    const key = JSON.parse(literal) as unknown;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cache file of an earlier run: its header read, its sections read one by
 * one when asked for. A section is read only while the file is the one whose
 * header was read (an atomic rewrite by a concurrent run makes a new file).
 */
class LoadedFile {
  private constructor(
    private readonly path: string,
    private readonly within: string | undefined,
    private readonly identity: string,
    private readonly stored: Map<string, Stored>,
  ) {}

  /** The file's header, or undefined when it is missing, refused (a symlink out of the root, a FIFO), garbled or another version's. */
  static open(file: string, version: string, within: string | undefined): LoadedFile | undefined {
    try {
      return openCache(file, within, (fd, stat) => {
        const head = readHeader(fd);
        const header = JSON.parse(head.toString('utf8')) as Partial<CacheHeader> | null;
        if (header?.format !== FORMAT || header.sdna !== version || !Array.isArray(header.kinds)) return undefined;
        const stored = new Map<string, Stored>();
        let offset = head.length + 1;
        for (const entry of header.kinds) {
          if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isSafeInteger(entry[1]) || entry[1] < 0) break;
          stored.set(entry[0], { offset, length: entry[1], count: Number.isSafeInteger(entry[2]) ? entry[2] : Infinity });
          offset += entry[1] + 1;
        }
        return new LoadedFile(file, within, identityOf(stat), stored);
      });
    } catch {
      return undefined;
    }
  }

  kinds(): string[] {
    return [...this.stored.keys()];
  }

  /** How many entries the header says the kind's section holds (Infinity when it does not say). */
  count(kind: string): number {
    return this.stored.get(kind)?.count ?? 0;
  }

  /** The kind's section, or undefined when the file has none or was replaced since. */
  section(kind: string): Buffer | undefined {
    const at = this.stored.get(kind);
    if (at === undefined) return undefined;
    try {
      return openCache(this.path, this.within, (fd, stat) => {
        if (identityOf(stat) !== this.identity || at.offset + at.length > stat.size) return undefined;
        const bytes = Buffer.allocUnsafe(at.length);
        let read = 0;
        while (read < at.length) {
          const n = fs.readSync(fd, bytes, read, at.length - read, at.offset + read);
          if (n === 0) return undefined;
          read += n;
        }
        return bytes;
      });
    } catch {
      return undefined;
    }
  }
}

/** `use` of the cache file opened through the guarded reader (in the project root, or anywhere for a `--cache-dir`), closed after. */
function openCache<T>(file: string, within: string | undefined, use: (fd: number, stat: fs.Stats) => T): T {
  // A `--cache-dir` may be anywhere, but the file must still be a regular one under the cap.
  const { fd, stat } = within === undefined ? openNamedFile(file, 'cache') : new GuardedReader(within).openChecked(file, 'cache');
  try {
    return use(fd, stat);
  } finally {
    fs.closeSync(fd);
  }
}

const identityOf = (stat: fs.Stats) => `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;

/** The bytes before the first newline. */
function readHeader(fd: number): Buffer {
  let buf = Buffer.allocUnsafe(1 << 14);
  let length = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, length, buf.length - length, length);
    const end = buf.subarray(length, length + n).indexOf(10);
    if (end !== -1) return buf.subarray(0, length + end);
    length += n;
    if (n === 0 || length >= HEADER_MAX) throw new Error('no header');
    if (length === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
  }
}
