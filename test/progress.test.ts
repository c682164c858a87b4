// Long work shows how far it got on one rewritten stderr line, on a terminal
// only: run under a pseudo-terminal (util-linux `script`), and again with CI
// set and as a pipe, where nothing but the plan is printed.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'vitest';
import { CLI, FIXTURES, sdna } from './helpers.js';

describe('progress', () => {
  it('a terminal sees a progress line for the API blocks, cleared when done; CI and a pipe see none', async ({ expect }) => {
    const root = path.join(FIXTURES, 'api-drift');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} plan --root ${JSON.stringify(root)} --no-cache`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8' });
    expect(tty.error).toBeUndefined();
    const line = /\rsdna: API blocks: 0\/\d+/.exec(tty.stdout)?.[0];
    expect(line).toBeDefined();
    // Blanked when done, before the plan is printed.
    expect(tty.stdout).toContain(`\r${' '.repeat(line!.length - 1)}`);
    const inCi = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...env, CI: 'true' }, encoding: 'utf8' });
    expect(inCi.stdout).not.toContain('sdna: API blocks');
    const piped = await sdna(['plan', '--root', root, '--no-cache'], { root, env: { CI: '' } });
    expect(piped.stderr).toBe('');
  });
});
