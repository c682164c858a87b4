// Loading TypeScript's compiler (one 9 MB CommonJS file) costs about 0.35 s, most
// of it V8 compiling the source. sdna keeps V8's code cache for that one file
// beside its parse cache (without one, where Node keeps compiled code), made as
// the run exits, and loads the file through it: on every Node, as Node 22's own
// compile cache keeps only what a module compiles as it loads (see code-cache.ts).

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { codeCacheName, inNodeFolder, runWithCodeCache, type CodeCacheFile } from './code-cache.js';
import { writeFileAtomic } from './files.js';

/** Where compiled code may be kept: a folder, and the root it must stay in (undefined: anywhere the user named). */
export interface CodeCacheDir {
  dir: string;
  within?: string;
}

/**
 * `require(id)`, with the module's compiled code kept between runs: in `cache`
 * (the parse cache's folder), or, without one (`--no-cache`, no node_modules),
 * where Node keeps compiled code, as the command line keeps its own. A cache
 * is made when the process exits (see `runWithCodeCache`), so that it holds
 * the compiler's functions a plan ran, not only the file's top level.
 */
export function requireCompiled(id: string, cache: CodeCacheDir | undefined): unknown {
  const load = createRequire(import.meta.url);
  const file = load.resolve(id);
  if (load.cache[file]) return load(id);
  let at: CodeCacheFile | undefined;
  try {
    at = cache ? inCacheFolder(file, cache) : inNodeFolder(file);
  } catch {
    return load(id);
  }
  return runWithCodeCache(file, at);
}

/**
 * `file`'s code cache beside the parse cache (a failed write is not kept: see
 * `runWithCodeCache`). A cache folder that has none yet (a first plan, as in
 * a CI job that restores no cache) reads the one a plan without a parse cache
 * kept where Node keeps compiled code, if there is one, and keeps a copy.
 */
export function inCacheFolder(file: string, cache: CodeCacheDir): CodeCacheFile {
  const cacheFile = path.join(cache.dir, codeCacheName(file, fs.statSync(file)));
  let borrowed = false;
  return {
    read: () => {
      try {
        borrowed = false;
        return fs.readFileSync(cacheFile);
      } catch {
        const elsewhere = inNodeFolder(file, undefined, { made: false })?.read();
        borrowed = elsewhere !== undefined;
        return elsewhere;
      }
    },
    write: (data) => writeFileAtomic(cacheFile, data, { within: cache.within }),
    borrowed: () => borrowed,
  };
}
