// V8 compiles a CommonJS file from source in every process unless it is handed
// the code it compiled last time. sdna does this for the two large files it
// loads (its own command line, TypeScript's compiler) with `vm.Script`'s
// `cachedData`, made as the process exits so that it holds every function the
// run compiled. Node 22's own compile cache (`module.enableCompileCache`) keeps
// only what a module compiles as it loads, its top level: the functions that run
// later were compiled again in every process (a 2,000-file plan took 0.86x the
// time on Node 24 with sdna's). Node's serves what else is loaded. This module
// imports only Node's own modules: the command line's launcher bundles it, and
// must stay small.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { flagsSet, flagsTag, withFlagsAsAt } from './v8-flags.js';

/** Node 22 and later: Node keeps compiled code of the modules it loads itself. */
export const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;

/**
 * Runs a CommonJS file as `require` would (and puts it in require's cache, so a
 * later `require` of it gets this one), compiled with `cachedData` when given.
 * The script is returned: its `createCachedData()` holds what V8 compiled so far.
 */
export function runCommonJs(file: string, source: string, cachedData: Buffer | undefined): { exports: unknown; script: vm.Script } {
  // A leading `#!` line is valid only at the very start of a script, and the wrapper comes first.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  // No `import()` in such a script: Node 20 gives it a loader only with an experimental flag (src/util/import-module.ts).
  // V8 takes a cache made under the flags it checks it with: those set now, which its name tells (see v8-flags.ts).
  const script = new vm.Script(nodeModule.Module.wrap(body), { filename: file, cachedData });
  const Module = nodeModule.Module as unknown as (new (id: string) => { exports: unknown; filename: string; loaded: boolean; paths: string[] }) & { _nodeModulePaths(dir: string): string[] };
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const require = createRequire(file);
  require.cache[file] = mod as unknown as NodeJS.Module;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  return { exports: mod.exports, script };
}

/** Where a file's code cache is read from and written to. */
export interface CodeCacheFile {
  read(): Buffer | undefined;
  write(data: Uint8Array): void;
  /** Whether what `read` gave came from another folder (see `inCacheFolder`): the run then writes a cache here in any case. */
  borrowed?(): boolean;
}

/**
 * Runs a CommonJS file (see `runCommonJs`) with its code cache from `at`. A
 * cache missing or refused is made when the process exits, so that it holds
 * the functions this run compiled as well as the file's top level: V8
 * compiles a function when it first runs, and most run after loading. A run
 * that lasts twice as long as the one that made the cache makes it again: the
 * first plan may be of an empty folder, which runs a fraction of what a plan
 * of a project does (a cache made by one left a 2,000-file plan 5 % slower).
 * Making a cache takes about 7 ms, so a run that lasts no longer makes none.
 * A long run may end with less compiled code than it was given (V8 drops
 * what a function compiled once it has not run for a while: a 100,000-file
 * plan made 1.9 MB of TypeScript's where a 2,000-file one made 3.1 MB), and
 * then the cache it was given is kept, as made by this run.
 */
export function runWithCodeCache(file: string, at: CodeCacheFile | undefined): unknown {
  const source = fs.readFileSync(file, 'utf8');
  const kept = at && unwrapCodeCache(at.read());
  const flags = flagsSet();
  const { exports, script } = runCommonJs(file, source, kept?.data);
  if (at) {
    // Only what the exit needs is held: not the cache's bytes (3 MB of TypeScript's).
    const taken = kept !== undefined && !script.cachedDataRejected;
    const keptSize = kept?.data.length ?? 0;
    const madeIn = kept?.madeIn ?? 0;
    const copy = at.borrowed?.() === true;
    process.once('exit', () => {
      try {
        const data = cacheAtExit({ taken, size: keptSize, madeIn, copy }, process.uptime() * 1000, () => withFlagsAsAt(flags, () => script.createCachedData()), () => unwrapCodeCache(at.read())?.data);
        if (data) at.write(data);
      } catch {
        // Not kept: an exit is no place to fail, and the next run compiles again.
      }
    });
  }
  return exports;
}

/**
 * What a run that lasted `ranFor` ms leaves as a file's code cache as it exits
 * (see `runWithCodeCache`), or undefined to leave the file as it is. `given`:
 * whether V8 took the cache the run was given, its size, and how long the run
 * that made it lasted, and whether it came from elsewhere (`copy`: it is kept
 * here in any case); `make` makes the cache of this run, `reread` reads the
 * given one again.
 */
export function cacheAtExit(given: { taken: boolean; size: number; madeIn: number; copy?: boolean }, ranFor: number, make: () => Uint8Array, reread: () => Buffer | undefined): Buffer | undefined {
  if (given.taken && !given.copy && ranFor < GROWS_AFTER * given.madeIn) return undefined;
  const made = make();
  const larger = given.taken && made.length < given.size ? reread() : undefined;
  return wrapCodeCache(larger ?? made, ranFor);
}

/** How many times longer than the run that made a cache a run must last to make it again. */
const GROWS_AFTER = 2;

/** What follows V8's data in a cache file: these four bytes, and how long the run that made it lasted (ms, a float64). */
const TRAILER = Buffer.from('sdna');
const TRAILER_SIZE = TRAILER.length + 8;

/** A cache file's bytes as V8's data and its trailer; a file without the trailer (as older versions wrote) counts as made by a run of no length. */
export function unwrapCodeCache(bytes: Buffer | undefined): { data: Buffer; madeIn: number } | undefined {
  if (bytes === undefined) return undefined;
  const end = bytes.length - TRAILER_SIZE;
  if (end < 0 || !bytes.subarray(end, end + TRAILER.length).equals(TRAILER)) return { data: bytes, madeIn: 0 };
  return { data: bytes.subarray(0, end), madeIn: bytes.readDoubleLE(end + TRAILER.length) };
}

/** V8's data with the trailer `unwrapCodeCache` reads: `madeIn`, how long the run that made it lasted (ms). */
export function wrapCodeCache(data: Uint8Array, madeIn: number): Buffer {
  const trailer = Buffer.alloc(TRAILER_SIZE);
  TRAILER.copy(trailer);
  trailer.writeDoubleLE(madeIn, TRAILER.length);
  return Buffer.concat([data, trailer]);
}

/**
 * Where Node keeps compiled code when a program asks it to without naming a
 * folder: `NODE_COMPILE_CACHE`, or `node-compile-cache` in the OS temp folder;
 * none when `NODE_DISABLE_COMPILE_CACHE` is set.
 */
function nodeCompileCacheDir(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  return path.resolve(process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache'));
}

/**
 * `file`'s code cache in the folder where Node keeps compiled code, if that
 * folder is the user's own (see `ownFolder`); made if missing, unless `made`
 * is false (a look for a cache that may be there).
 */
export function inNodeFolder(file: string, use?: string, { made = true } = {}): CodeCacheFile | undefined {
  const dir = nodeCompileCacheDir();
  if (!dir || (!made && !fs.existsSync(dir)) || !ownFolder(dir)) return undefined;
  const cacheFile = path.join(dir, codeCacheName(file, fs.statSync(file), use));
  return { read: () => readOwnFile(cacheFile), write: (data) => writeQuietly(cacheFile, data) };
}

/**
 * The name of a file's code cache: V8 refuses a cache from another V8, for
 * another source or made under other flags, and the name changes with each
 * (the flags sdna has set now, see v8-flags.ts). `use` names what the code
 * was run for, when runs differ in what they compile.
 */
export function codeCacheName(file: string, stat: fs.Stats, use?: string): string {
  const key = crypto.createHash('sha1').update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 16);
  const tag = flagsTag();
  return `v8-${path.basename(file).replace(/\.c?js$/, '')}${use ? `-${use}` : ''}${tag ? `-${tag}` : ''}-${key}.bin`;
}

const uid = process.getuid?.();

/**
 * A folder that holds compiled code must be the user's own: code read back
 * from it runs. In a shared temp folder, a folder another user made, a symlink,
 * or one that others may write to is not used.
 */
export function ownFolder(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && (uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0));
  } catch {
    return false;
  }
}

/** A code cache file's bytes, if it is a regular file of the user's own (a symlink is not followed); undefined otherwise. */
export function readOwnFile(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes through a temp file created exclusively and a rename; a cache not kept
 * costs the next run a compile, nothing worse. The temp file's name is the
 * writer's own: two threads of one process (TypeScript loads on the semantic
 * check's helper thread too) may write the same cache as they exit.
 */
export function writeQuietly(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
