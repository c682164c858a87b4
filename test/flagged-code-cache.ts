// Run by code-cache-flags.test.ts in a process of its own (through jiti): loads
// a CommonJS file with its code cache in a folder, named as sdna names it, with
// a V8 flag set as a plan of a large tree sets it: before the file is loaded
// (TypeScript, loaded by the API check), after (the command line's own bundle,
// loaded first), after by another copy of the module that sets flags (the
// bundle's own, where the launcher loaded it), or not at all. Prints the name of the cache file it used.

import fs from 'node:fs';
import path from 'node:path';
import { codeCacheName, runWithCodeCache } from '../src/util/code-cache.js';
import { setV8Flag } from '../src/util/v8-flags.js';

const [file, dir, when] = process.argv.slice(2);
const flag = () => setV8Flag('--heap-growing-percent=30', '--heap-growing-percent=0');
if (when === 'before') flag();
const name = codeCacheName(file, fs.statSync(file));
const cacheFile = path.join(dir, name);
runWithCodeCache(file, {
  read: () => (fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined),
  write: (data) => fs.writeFileSync(cacheFile, data),
});
if (when === 'after') flag();
// As the command line's bundle sets it, with a copy of the module of its own (the launcher bundles another).
if (when === 'after-copy') {
  const copy = path.join(dir, 'v8-flags-copy.ts');
  fs.copyFileSync(path.join(__dirname, '..', 'src', 'util', 'v8-flags.ts'), copy);
  (require(copy) as typeof import('../src/util/v8-flags.js')).setV8Flag('--heap-growing-percent=30', '--heap-growing-percent=0');
}
process.stdout.write(name);
