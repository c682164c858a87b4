// Finding fingerprints: a finding's identity across edits. Stable when lines
// move or the words change, distinct between findings, the same from
// `sdna plan` and from the plugin (the plugin's side is in vitest-plugin.test.ts).

import { describe, expect, it } from 'vitest';
import { fingerprints } from '../src/model/fingerprint.js';
import type { FindingInput } from '../src/model/findings.js';
import { sdna, tempProject, write } from './helpers.js';

interface JsonFinding {
  kind: string;
  capability?: string;
  file?: string;
  line?: number;
  message: string;
  fingerprint: string;
}

async function findings(root: string): Promise<JsonFinding[]> {
  const r = await sdna(['plan', '--json', '--root', root], { root });
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

const SPEC = [
  '---',
  'name: Links',
  'targets:',
  '  - ../src/links/*.ts',
  '  - ../src/gone.ts',
  '  - ../src/also-gone/*.ts',
  '---',
  '# Links',
  '',
  '## Tagret',
  '',
  '## Capabilities',
  '',
  '- **Create link** [@test](../test/links.test.ts#creates a code)',
  '  Shortens a URL.',
  '- **Resolve link** [@test](../test/missing.test.ts)',
  '  Returns the stored URL.',
  '- **Expire link**',
  '  Forgets links after a day.',
  '',
  '## Tagret',
  '',
].join('\n');

function project(spec = SPEC): string {
  const root = tempProject();
  write(root, 'specs/links.spec.md', spec);
  write(root, 'src/links/create.ts', 'export const create = 1;\n');
  write(root, 'src/stray.ts', 'export const stray = 1;\n');
  write(root, 'test/links.test.ts', "import { it } from 'vitest';\nit('creates a code', () => {});\n");
  return root;
}

describe('fingerprint', () => {
  it('is 16 hex digits, and no two findings of a plan share one, even two of one kind in one file', async () => {
    const list = await findings(project());
    expect(list.map((f) => f.kind)).toEqual([
      'stale-target',
      'stale-target',
      'spec-error',
      'broken-test-link',
      'untested-capability',
      'untested-capability',
      'spec-error',
      'unspecified-code',
    ]);
    for (const f of list) expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(list.map((f) => f.fingerprint)).size).toBe(list.length);
  });

  it('stays when lines are inserted above the findings', async () => {
    const before = await findings(project());
    const shifted = SPEC.replace('# Links\n', '# Links\n\nShort links for the whole team.\n\nOwned by the platform group.\n');
    const after = await findings(project(shifted));
    expect(after.map((f) => f.line)).not.toEqual(before.map((f) => f.line));
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
  });

  it('stays when the words of a finding change, and changes with what it is about', async () => {
    const broken = (yaml: string) => project(SPEC.replace('name: Links', yaml));
    const [a] = await findings(broken('name: [Links'));
    const [b] = await findings(broken('name: Links\nbad: : :'));
    expect([a.kind, b.kind]).toEqual(['spec-error', 'spec-error']);
    expect(a.message).not.toBe(b.message);
    expect(a.fingerprint).toBe(b.fingerprint);

    // The same capability, untested for another reason: other words, one identity.
    const untested = (reason: 'unlinked' | 'links-missing' | 'not-run', capability = 'links/expire-link'): FindingInput => ({
      kind: 'untested-capability',
      spec: 'links',
      capability,
      file: 'specs/links.spec.md',
      line: 18,
      data: { promise: 'Forgets links after a day.', reason, testDir: '../test' },
    });
    const [unlinked, other] = fingerprints([untested('unlinked'), untested('unlinked', 'links/resolve-link')]);
    expect(fingerprints([untested('not-run')])).toEqual([unlinked]);
    expect(fingerprints([untested('links-missing')])).toEqual([unlinked]);
    expect(other).not.toBe(unlinked);
  });

  it('tells apart findings about the same thing by their order, which moving lines keeps', () => {
    const unknown = (line: number): FindingInput => ({
      kind: 'spec-error',
      spec: 'links',
      file: 'specs/links.spec.md',
      line,
      data: { code: 'unknown-section', subject: 'Tagret', problem: '`## Tagret` is not a known section', fix: 'did you mean `## Target`?' },
    });
    const [first, second] = fingerprints([unknown(10), unknown(21)]);
    expect(second).not.toBe(first);
    expect(fingerprints([unknown(14), unknown(25)])).toEqual([first, second]);
  });
});
