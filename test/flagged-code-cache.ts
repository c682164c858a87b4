// Run by code-cache-flags.test.ts in a process of its own (through jiti): loads
// a CommonJS file with its code cache in a given file, after setting a V8 flag
// as a plan of a large tree does when asked to ('flagged').

import fs from 'node:fs';
import { runWithCodeCache } from '../src/util/code-cache.js';
import { setV8Flag } from '../src/util/v8-flags.js';

const [file, cacheFile, flagged] = process.argv.slice(2);
if (flagged === 'flagged') setV8Flag('--heap-growing-percent=30', '--heap-growing-percent=0');
runWithCodeCache(file, {
  read: () => (fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined),
  write: (data) => fs.writeFileSync(cacheFile, data),
});
