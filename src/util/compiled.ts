// Loading TypeScript's compiler (one 9 MB CommonJS file) costs about 0.35 s, most
// of it V8 compiling the source. Node 22 keeps compiled code between runs itself
// (`module.enableCompileCache`); on Node 20 sdna keeps V8's code cache for that
// one file beside its parse cache, and loads the file through it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as nodeModule from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { writeFileAtomic } from './files.js';

/** Where compiled code may be kept: a folder, and the root it must stay in (undefined: anywhere the user named). */
export interface CodeCacheDir {
  dir: string;
  within?: string;
}

/**
 * `require(id)`, with the module's compiled code kept in `cache` between runs.
 * Without a cache folder (`--no-cache`, no node_modules), a plain require.
 */
export function requireCompiled(id: string, cache: CodeCacheDir | undefined): unknown {
  const load = createRequire(import.meta.url);
  if (!cache) return load(id);
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (enable) {
    enable(path.join(cache.dir, 'v8'));
    return load(id);
  }
  const file = load.resolve(id);
  if (load.cache[file]) return load(id);
  let source: string;
  let stat: fs.Stats;
  try {
    source = fs.readFileSync(file, 'utf8');
    stat = fs.statSync(file);
  } catch {
    return load(id);
  }
  // V8 refuses a code cache from another V8 or for another source; the name changes with either.
  const key = crypto.createHash('sha1').update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 16);
  const cacheFile = path.join(cache.dir, `v8-${path.basename(file, '.js')}-${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // Not yet made: this run makes it.
  }
  const script = new vm.Script(nodeModule.Module.wrap(source), { filename: file, cachedData });
  // A module as `require` makes it, and in its cache, so that a later `require(id)` gets this one.
  const Module = nodeModule.Module as unknown as new (id: string) => { exports: unknown; filename: string; loaded: boolean; paths: string[] };
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (nodeModule.Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  load.cache[file] = mod as unknown as NodeJS.Module;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  } catch (error) {
    delete load.cache[file];
    throw error;
  }
  mod.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      writeFileAtomic(cacheFile, script.createCachedData(), { within: cache.within });
    } catch {
      // Not kept: the next run compiles again, nothing worse.
    }
  }
  return mod.exports;
}
