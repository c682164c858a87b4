// `npm run test:vitest5`: the plugin's end-to-end tests again, with Vitest 5 on
// Node 24 (both installed from the npm registry into compat/vitest5, pinned by
// its package-lock.json). The test runner stays the project's own Vitest; only
// the Vitest runs under test change major.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compat = path.join(repo, 'compat', 'vitest5');
const lock = fs.readFileSync(path.join(compat, 'package-lock.json'));
const stamp = path.join(compat, 'node_modules', '.sdna-lock-sha256');
const wanted = crypto.createHash('sha256').update(lock).digest('hex');

// Install only when missing or when the lockfile changed since the last install.
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== wanted) {
  console.log('test:vitest5: installing Vitest 5 and Node 24 into compat/vitest5 (npm ci)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: compat, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
  fs.writeFileSync(stamp, wanted);
}

const node = path.join(compat, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`test:vitest5: plugin end-to-end tests on Vitest 5 with Node ${version}`);
const run = spawnSync(process.execPath, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', 'test/vitest-plugin.test.ts'], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, SDNA_E2E_VITEST: compat, SDNA_E2E_NODE: node },
});
process.exit(run.status ?? 1);
