// Loading TypeScript's compiler (one 9 MB CommonJS file) costs about 0.35 s, most
// of it V8 compiling the source. Node 22 keeps compiled code between runs itself
// (`module.enableCompileCache`); on Node 20 sdna keeps V8's code cache for that
// one file beside its parse cache, and loads the file through it.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { codeCacheName, enableCompileCache, runCommonJs } from './code-cache.js';
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
  if (enableCompileCache) {
    // Where the command line already enabled it (Node's own folder), Node keeps it there.
    enableCompileCache(path.join(cache.dir, 'v8'));
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
  const cacheFile = path.join(cache.dir, codeCacheName(file, stat));
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // Not yet made: this run makes it.
  }
  const { exports, script } = runCommonJs(file, source, cachedData);
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      writeFileAtomic(cacheFile, script.createCachedData(), { within: cache.within });
    } catch {
      // Not kept: the next run compiles again, nothing worse.
    }
  }
  return exports;
}
