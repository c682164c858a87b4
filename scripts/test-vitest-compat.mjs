// `npm run test:vitest3`, `npm run test:vitest5`: the plugin's end-to-end tests
// again, on another supported Vitest. Usage: node scripts/test-vitest-compat.mjs <name>,
// where compat/<name> pins that Vitest (and its coverage provider) by its
// package-lock.json, and possibly a Node too (the npm package `node`, as
// compat/vitest5 does for Node 24); without one, the tests run on this Node.
// The test runner stays the project's own Vitest; only the Vitest runs under
// test change.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const compat = name ? path.join(repo, 'compat', name) : '';
if (!name || !/^[\w.-]+$/.test(name) || !fs.existsSync(path.join(compat, 'package-lock.json'))) {
  const known = fs.readdirSync(path.join(repo, 'compat')).filter((d) => fs.existsSync(path.join(repo, 'compat', d, 'package-lock.json')));
  console.error(`usage: node scripts/test-vitest-compat.mjs <name>, with <name> one of: ${known.join(', ')}`);
  process.exit(2);
}
const tag = `test:${name}`;
const lock = fs.readFileSync(path.join(compat, 'package-lock.json'));
const stamp = path.join(compat, 'node_modules', '.sdna-lock-sha256');
const wanted = crypto.createHash('sha256').update(lock).digest('hex');

// Install only when missing or when the lockfile changed since the last install.
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== wanted) {
  console.log(`${tag}: installing compat/${name} (npm ci)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: compat, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
  fs.writeFileSync(stamp, wanted);
}

// The folder's own Node when it installs one, else the Node running this script.
const own = path.join(compat, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const node = fs.existsSync(own) ? own : process.execPath;
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const vitestVersion = JSON.parse(fs.readFileSync(path.join(compat, 'node_modules/vitest/package.json'), 'utf8')).version;
console.log(`${tag}: plugin end-to-end tests on Vitest ${vitestVersion} with Node ${nodeVersion}`);
// Verbose: each test on its own line, so that what this Vitest skips (and why, e.g. no
// test tags before 4.1) shows in the log; the summary line as the project config has it.
const reporters = ['--reporter=verbose', '--reporter=./test/summary-reporter.ts'];
const run = spawnSync(process.execPath, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', 'test/vitest-plugin.test.ts', ...reporters], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, SDNA_E2E_VITEST: compat, SDNA_E2E_NODE: node },
});
process.exit(run.status ?? 1);
