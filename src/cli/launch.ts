#!/usr/bin/env node
// The command line starts here. Its bundle is half a megabyte of JavaScript
// that V8 would compile from source in every process, about a tenth of a
// pre-commit plan: its compiled code is kept between runs where Node keeps
// its own when a program names no folder.

import path from 'node:path';
import { enableCompileCache, inNodeFolder, runWithCodeCache } from '../util/code-cache.js';
import { COMMAND_NAMES } from './command-names.js';

/**
 * Loads the command line's bundle with its compiled code kept where Node keeps
 * its own, made when the process exits (see `runWithCodeCache`): `sdna
 * --version` runs few of the functions a plan does, so each command (`use`)
 * keeps its own.
 */
function loadWithCompileCache(file: string, use: string): unknown {
  // Node 22 and later keep the compiled code of what the bundle loads later (a config, a reporter, the SDK).
  enableCompileCache?.();
  return runWithCodeCache(file, inNodeFolder(file, use));
}

const command = process.argv[2];
// Built as CommonJS (tsup.config.ts), where the folder is `__dirname`: a URL made of the path would break on a `#` or `%` in it.
const bundle = path.join(__dirname, 'cli-main.cjs');
const cli = loadWithCompileCache(bundle, command && COMMAND_NAMES.has(command) ? command : 'other') as typeof import('./index.js');
// Modules the bundle imports at run time (a config, a reporter, the Anthropic SDK) are imported here.
cli.start((specifier) => import(specifier));
