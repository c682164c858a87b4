#!/usr/bin/env node
// The command line starts here. Its bundle is half a megabyte of JavaScript
// that V8 would compile from source in every process, about a tenth of a
// pre-commit plan: its compiled code is kept between runs where Node keeps
// its own when a program names no folder.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheName, enableCompileCache, ownFolder, readOwnFile, runCommonJs, writeQuietly } from '../util/code-cache.js';
import { COMMAND_NAMES } from './command-names.js';

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
 * Loads the command line's bundle with its compiled code kept where Node keeps
 * its own. The code cache is made when the process exits, so that it holds the
 * functions this run compiled as well as the file's top level; V8 compiles a
 * function when it first runs, and `sdna --version` runs few of what a plan
 * does, so each command (`use`) keeps its own.
 */
function loadWithCompileCache(file: string, use: string): unknown {
  if (enableCompileCache) {
    enableCompileCache();
    return createRequire(file)(file);
  }
  const dir = nodeCompileCacheDir();
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = dir && ownFolder(dir) ? path.join(dir, codeCacheName(file, fs.statSync(file), use)) : undefined;
  const cachedData = cacheFile ? readOwnFile(cacheFile) : undefined;
  const { exports, script } = runCommonJs(file, source, cachedData);
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => writeQuietly(cacheFile, script.createCachedData()));
  }
  return exports;
}

const command = process.argv[2];
const bundle = fileURLToPath(new URL('./cli-main.cjs', import.meta.url));
const cli = loadWithCompileCache(bundle, command && COMMAND_NAMES.has(command) ? command : 'other') as typeof import('./index.js');
// Modules the bundle imports at run time (a config, a reporter, the Anthropic SDK) are imported here.
cli.start((specifier) => import(specifier));
