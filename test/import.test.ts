// `sdna import`: links and targets inferred from ids, names, paths and imports;
// recorded with --write in .sdna/links.json, which the plan then counts.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSchema } from '../src/artifacts/import-format.js';
import { capabilityHash } from '../src/artifacts/links.js';
import { tokenize } from '../src/checks/import/tokens.js';
import { sdna, tempProject, write } from './helpers.js';

interface Proposal {
  capability: string;
  file: string;
  name?: string;
  confidence: number;
  evidence: { kind: string; detail: string }[];
}
interface Proposals {
  version: number;
  links: Proposal[];
  targets: { spec: string; glob: string; confidence: number; evidence: { kind: string; detail: string }[] }[];
}
interface JsonPlan {
  capabilities: { id: string; status: string; tests: { file: string; name?: string; inferred?: true }[] }[];
  findings: { kind: string; severity: string; capability?: string; file?: string; line?: number; message: string }[];
}

const SPEC = [
  '# Feature Specification: Signup',
  '',
  '## Requirements',
  '',
  '- **FR-001**: System MUST create an account from an email address.',
  '- **FR-002**: System MUST reject an empty display name.',
  '- **FR-003**: System MUST send a welcome email after signup.',
  '- **FR-004**: System MUST lock an account after five failed logins.',
  '',
].join('\n');

const TESTS = [
  "import { describe, expect, it } from 'vitest';",
  "import { signup } from '../src/signup.js';",
  "import { mailer } from '../src/mail/mailer.js';",
  '',
  "describe('signup', () => {",
  "  it('FR-001: creates an account', () => {",
  "    expect(signup('a@b.c')).toBeTruthy();",
  '  });',
  '',
  "  it('should reject an empty display name', () => {",
  "    expect(() => signup('')).toThrow();",
  '  });',
  '',
  '  // Checks the welcome message (FR-003).',
  "  it('sends the welcome message', () => {",
  '    expect(mailer.sent).toHaveLength(1);',
  '  });',
  '',
  "  it('parses a fixture that mentions an id as data', () => {",
  "    expect(parse('- **FR-004**: System MUST lock')).toBeTruthy();",
  '  });',
  '});',
  '',
].join('\n');

function project(): string {
  const root = tempProject();
  write(root, 'package.json', '{ "name": "signup", "type": "module" }\n');
  write(root, 'specs/001-signup/spec.md', SPEC);
  write(root, 'specs/001-signup/tasks.md', '- [x] T001 Write signup in src/signup.ts\n');
  write(root, 'src/signup.ts', 'export const signup = (email: string) => email;\n');
  write(root, 'src/mail/mailer.ts', 'export const mailer = { sent: [] };\n');
  write(root, 'test/signup.test.ts', TESTS);
  return root;
}

async function proposals(root: string, args: string[] = []): Promise<Proposals> {
  const r = await sdna(['import', '--json', '--root', root, ...args], { root });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Proposals;
}

async function plan(root: string): Promise<{ code: number | null; plan: JsonPlan }> {
  const r = await sdna(['plan', '--json', '--root', root], { root });
  return { code: r.code, plan: JSON.parse(r.stdout || '{}') as JsonPlan };
}

const linksOf = (p: Proposals, min = 0.7) => p.links.filter((l) => l.confidence >= min).map((l) => [l.capability, l.name]);

describe('tokenising', () => {
  it('splits camelCase, kebab-case and snake_case, stems endings, drops stop words', () => {
    expect(tokenize('rejectsEmptyName')).toEqual(['reject', 'empty', 'name']);
    expect(tokenize('should reject an empty-name')).toEqual(['reject', 'empty', 'name']);
    expect(tokenize('Empty name rejected')).toEqual(['empty', 'name', 'reject']);
    expect(tokenize('parseHTTPResponse user_accounts')).toEqual(['parse', 'http', 'response', 'account']);
  });

  it('indexes CJK text as overlapping character pairs', () => {
    expect(tokenize('空の名前を拒否')).toEqual(['空の', 'の名', '名前', '前を', 'を拒', '拒否']);
    expect(tokenize('名 check')).toEqual(['名', 'check']);
  });
});

describe('sdna import', () => {
  it('proposes links from ids in a test name or a comment, and from shared words; not from an id in test data', async () => {
    const p = await proposals(project());
    expect(p.version).toBe(1);
    expect(importSchema.safeParse(p).success).toBe(true);
    expect(linksOf(p)).toEqual([
      ['001-signup/FR-001', 'signup > FR-001: creates an account'],
      ['001-signup/FR-002', 'signup > should reject an empty display name'],
      ['001-signup/FR-003', 'signup > sends the welcome message'],
    ]);
    // Each capability's strongest proposal.
    const byCap = new Map([...p.links].sort((a, b) => a.confidence - b.confidence).map((l) => [l.capability, l]));
    expect(byCap.get('001-signup/FR-001')!.evidence[0]).toEqual({ kind: 'ids', detail: "`FR-001` in the test's name" });
    expect(byCap.get('001-signup/FR-002')!.evidence[0].kind).toBe('names');
    expect(byCap.get('001-signup/FR-003')!.evidence[0]).toEqual({ kind: 'ids', detail: "`FR-003` in the test's comment" });
    // `FR-004` only appears inside a string the test parses.
    expect(p.links.filter((l) => l.capability === '001-signup/FR-004' && l.evidence.some((e) => e.kind === 'ids'))).toEqual([]);
  });

  it('proposes targets from the files tasks.md names and the files linked tests import', async () => {
    const p = await proposals(project());
    expect(p.targets.map((t) => [t.glob, t.evidence[0].kind, t.confidence >= 0.7])).toEqual([
      ['src/mail/mailer.ts', 'imports', true],
      ['src/signup.ts', 'paths', true],
    ]);
    expect(p.targets.find((t) => t.glob === 'src/signup.ts')!.evidence).toEqual([
      { kind: 'paths', detail: 'named in specs/001-signup/tasks.md' },
      { kind: 'imports', detail: 'imported by 1 of its 1 test file' },
      { kind: 'paths', detail: "named like the spec's folder (001-signup)" },
    ]);
  });

  it('writes nothing without --write; prints per spec what it would record', async () => {
    const root = project();
    const r = await sdna(['import', '--root', root], { root });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(root, '.sdna'))).toBe(false);
    expect(r.stdout).toContain('001-signup (specs/001-signup/spec.md): 3 links to 3 capabilities of 4, 2 targets');
    expect(r.stdout).toContain("  + FR-001 ← test/signup.test.ts › signup > FR-001: creates an account  0.98  ids: `FR-001` in the test's name");
    expect(r.stdout).toContain('Nothing written. Run `sdna import --write` to record them in .sdna/links.json.');
  });

  it('--write records them sorted, one per line; again, it adds nothing; the plan counts them, marked inferred', async () => {
    const root = project();
    const before = await plan(root);
    expect(before.plan.findings.filter((f) => f.severity === 'error').length).toBe(6);

    const first = await sdna(['import', '--write', '--root', root], { root });
    expect(first.stdout).toContain('Recorded 3 new links and 2 new targets in .sdna/links.json');
    const text = fs.readFileSync(path.join(root, '.sdna/links.json'), 'utf8');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['{', '  "version": 1,', '  "links": [']);
    expect(lines.filter((l) => l.startsWith('    {"capability"')).map((l) => JSON.parse(l.replace(/,$/, '')).capability)).toEqual([
      '001-signup/FR-001',
      '001-signup/FR-002',
      '001-signup/FR-003',
    ]);
    const again = await sdna(['import', '--write', '--root', root], { root });
    expect(again.stdout).toContain('Nothing new to record: .sdna/links.json has every one.');
    expect(fs.readFileSync(path.join(root, '.sdna/links.json'), 'utf8')).toBe(text);

    const after = await plan(root);
    const caps = new Map(after.plan.capabilities.map((c) => [c.id, c]));
    expect(caps.get('001-signup/FR-001')).toMatchObject({ status: 'linked', tests: [{ file: 'test/signup.test.ts', name: 'signup > FR-001: creates an account', inferred: true }] });
    expect(caps.get('001-signup/FR-004')!.status).toBe('untested');
    // Untested FR-004 is all that is left at level error: the targets cover src/.
    expect(after.plan.findings.filter((f) => f.severity === 'error').map((f) => [f.kind, f.capability ?? f.file])).toEqual([['untested-capability', '001-signup/FR-004']]);
    const terminal = await sdna(['plan', '--root', root], { root });
    expect(terminal.stdout).toContain('Inferred: 3 capabilities are linked only by links `sdna import` recorded (.sdna/links.json)');
  });

  it('never removes a link a person recorded, and proposes nothing already linked', async () => {
    const root = project();
    await sdna(['import', '--write', '--root', root], { root });
    const file = path.join(root, '.sdna/links.json');
    const text = fs.readFileSync(file, 'utf8');
    const hand = '    {"capability":"001-signup/FR-004","text":"000000000000","file":"test/signup.test.ts"}';
    fs.writeFileSync(file, text.replace('  "links": [\n', `  "links": [\n${hand},\n`));
    await sdna(['import', '--write', '--root', root], { root });
    expect(fs.readFileSync(file, 'utf8')).toContain('"capability":"001-signup/FR-004","text":"000000000000"');
    const p = await proposals(root);
    expect(p.links.filter((l) => l.confidence >= 0.7)).toEqual([]);
  });

  it('a recorded link whose capability changed is reported for review and no longer counts', async () => {
    const root = project();
    await sdna(['import', '--write', '--root', root], { root });
    write(root, 'specs/001-signup/spec.md', SPEC.replace('reject an empty display name', 'accept an empty display name'));
    const { plan: p } = await plan(root);
    const outdated = p.findings.filter((f) => f.kind === 'outdated-link');
    expect(outdated).toHaveLength(1);
    expect(outdated[0]).toMatchObject({ severity: 'warn', capability: '001-signup/FR-002', file: '.sdna/links.json', line: 5 });
    const hash = capabilityHash({ name: 'FR-002', text: 'System MUST accept an empty display name.' });
    expect(outdated[0].message).toBe(
      `the recorded link to test/signup.test.ts#signup > should reject an empty display name no longer counts: the capability's words changed; check that the test still verifies the promise, then set its "text" to "${hash}" (or delete the line)`,
    );
    expect(p.capabilities.find((c) => c.id === '001-signup/FR-002')!.status).toBe('untested');
  });

  it('a recorded link whose test is gone is a broken-test-link at the links file', async () => {
    const root = project();
    await sdna(['import', '--write', '--root', root], { root });
    write(root, 'test/signup.test.ts', TESTS.replace("it('sends the welcome message'", "it('sends a greeting'"));
    const { plan: p } = await plan(root);
    const broken = p.findings.filter((f) => f.kind === 'broken-test-link');
    expect(broken.map((f) => [f.capability, f.file, f.line])).toEqual([['001-signup/FR-003', '.sdna/links.json', 6]]);
  });

  it('a Kiro criterion renumbered keeps its recorded links (same words, same spec)', async () => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "k" }\n');
    const requirements = (criteria: string[]) =>
      ['# Requirements Document', '', '### Requirement 1: Sessions', '', '#### Acceptance Criteria', '', ...criteria.map((c, i) => `${i + 1}. ${c}`), ''].join('\n');
    const expiry = 'WHEN a session is idle for 30 minutes THEN the system SHALL end it';
    write(root, '.kiro/specs/sessions/requirements.md', requirements([expiry]));
    // Kiro's property-test convention names the feature and the criteria.
    write(root, 'test/sessions.test.ts', "import { it } from 'vitest';\n// Feature: sessions, Property 1: idle sessions end\n// Validates: Requirements 1.1\nit('ends an idle session', () => {});\n");
    await sdna(['import', '--write', '--root', root], { root });
    expect(fs.readFileSync(path.join(root, '.sdna/links.json'), 'utf8')).toContain('"capability":"sessions/1.1"');
    write(root, '.kiro/specs/sessions/requirements.md', requirements(['WHEN a user signs in THEN the system SHALL start a session', expiry]));
    const { plan: p } = await plan(root);
    expect(p.capabilities.find((c) => c.id === 'sessions/1.2')).toMatchObject({ status: 'linked', tests: [{ file: 'test/sessions.test.ts', inferred: true }] });
    expect(p.findings.filter((f) => f.kind === 'outdated-link')).toEqual([]);
  });
});

describe('sdna import: which spec an id means', () => {
  it('a code name the promise quotes, named or called by a test', async () => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "codes" }\n');
    write(root, 'specs/001-codes/spec.md', '# Feature Specification: Codes\n\n- **FR-001**: `parseShortCode()` MUST accept six letters.\n- **FR-002**: Codes MUST expire.\n');
    write(root, 'test/a.test.ts', "import { it, expect } from 'vitest';\nit('works for the happy path', () => {\n  expect(parseShortCode('abcdef')).toBe(true);\n});\n");
    const p = await proposals(root);
    expect(p.links.map((l) => [l.capability, l.evidence[0]])).toEqual([
      ['001-codes/FR-001', { kind: 'names', detail: 'the promise names `parseShortCode`, which the test uses' }],
    ]);
  });

  it('`FR-001` that two specs declare: the spec the test file is named after, else none', async () => {
    const root = project();
    write(root, 'specs/002-billing/spec.md', '# Feature Specification: Billing\n\n- **FR-001**: System MUST issue an invoice.\n');
    write(root, 'test/billing.test.ts', "import { it } from 'vitest';\nit('FR-001 issues an invoice', () => {});\n");
    write(root, 'test/misc.test.ts', "import { it } from 'vitest';\nit('FR-001 works', () => {});\n");
    const p = await proposals(root);
    const fr001 = p.links.filter((l) => l.capability.endsWith('/FR-001') && l.evidence.some((e) => e.kind === 'ids'));
    expect(fr001.map((l) => [l.capability, l.file])).toEqual([
      ['001-signup/FR-001', 'test/signup.test.ts'],
      ['002-billing/FR-001', 'test/billing.test.ts'],
    ]);
  });

  it('Kiro criteria cited under a feature no spec has now (an archived one) are not linked', async () => {
    const root = tempProject();
    write(root, 'package.json', '{ "name": "k" }\n');
    write(root, '.kiro/specs/sessions/requirements.md', '# Requirements Document\n\n### Requirement 1: Sessions\n\n#### Acceptance Criteria\n\n1. WHEN idle THEN the system SHALL end it\n');
    write(root, 'test/old.test.ts', "import { it } from 'vitest';\n// Feature: old-sessions, Property 1\n// Validates: Requirements 1.1\nit('works', () => {});\n");
    const p = await proposals(root);
    expect(p.links.filter((l) => l.evidence.some((e) => e.kind === 'ids'))).toEqual([]);
  });
});

describe('sdna import on bad input', () => {
  it('a repository with no tests says so', async () => {
    const root = project();
    fs.rmSync(path.join(root, 'test'), { recursive: true });
    const r = await sdna(['import', '--root', root], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sdna import: no test files match the `tests` globs: no links to infer');
  });

  it('test files that do not parse, or are binary, are weighed as far as they go or skipped', async () => {
    const root = project();
    write(root, 'test/broken.test.ts', "it('FR-002 rejects an empty display name', () => { expect(1).toBe(1) ;; }}}} ((( `unterminated\n");
    write(root, 'test/binary.test.ts', Buffer.from([0, 1, 2, 3, 0]));
    const r = await sdna(['import', '--root', root], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sdna import: skipped test/binary.test.ts (unreadable, binary or over 1 MB)');
    const p = await proposals(root);
    expect(p.links.some((l) => l.file === 'test/broken.test.ts' && l.capability === '001-signup/FR-002')).toBe(true);
  });

  it('10,000 tests in one project', async () => {
    const root = project();
    for (let f = 0; f < 20; f++) {
      const tests = Array.from({ length: 500 }, (_, i) => `  it('case ${f}-${i} keeps the account email', () => {});`);
      write(root, `test/many/m${f}.test.ts`, `import { describe, it } from 'vitest';\ndescribe('bulk ${f}', () => {\n${tests.join('\n')}\n});\n`);
    }
    const p = await proposals(root);
    expect(p.links.filter((l) => l.confidence >= 0.7).map((l) => l.capability)).toEqual(['001-signup/FR-001', '001-signup/FR-002', '001-signup/FR-003']);
  }, 60_000);

  it('a records file edited into a bad state: each bad entry is a finding at its line, the others still count', async () => {
    const root = project();
    await sdna(['import', '--write', '--root', root], { root });
    const file = path.join(root, '.sdna/links.json');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[4] = '    {"capability":"001-signup/FR-002","text":"abc","file":"test/signup.test.ts"},';
    lines[5] = '    {"capability": oops},';
    fs.writeFileSync(file, lines.join('\n'));
    const { code, plan: p } = await plan(root);
    expect(code).toBe(1);
    expect(p.findings.filter((f) => f.kind === 'bad-link-record').map((f) => [f.file, f.line, f.message])).toEqual([
      [
        '.sdna/links.json',
        5,
        "at text: must be 12 hex digits (the hash of the capability's words that `sdna import` wrote); a link is { \"capability\": \"<id>\", \"text\": \"<12 hex>\", \"file\": \"<test file>\", \"name\"?: \"<test name>\" }: " +
          '{"capability":"001-signup/FR-002","text":"abc","file":"test/signup.test.ts"}; fix the entry or delete its line; the other recorded links and targets still count',
      ],
      [
        '.sdna/links.json',
        6,
        'not valid JSON (Unexpected token \'o\', "{"capability": oops}" is not valid JSON): {"capability": oops}; fix the entry or delete its line; the other recorded links and targets still count',
      ],
    ]);
    expect(p.capabilities.find((c) => c.id === '001-signup/FR-001')!.status).toBe('linked');
    // --write will not rewrite (and so drop) lines it cannot read.
    const r = await sdna(['import', '--write', '--root', root], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "sdna: .sdna/links.json:5: at text: must be 12 hex digits (the hash of the capability's words that `sdna import` wrote); " +
        'a link is { "capability": "<id>", "text": "<12 hex>", "file": "<test file>", "name"?: "<test name>" }; fix it (`sdna plan` lists every bad entry) before `sdna import --write` adds to it\n',
    );
  });

  it('a records file that is not JSON, reformatted, without a version, or naming an unknown spec: each a finding with its line', async () => {
    const root = project();
    const findings = async (text: string) => {
      write(root, '.sdna/links.json', text);
      const { plan: p } = await plan(root);
      return p.findings.filter((f) => f.kind === 'bad-link-record').map((f) => [f.line, f.message]);
    };
    const hint = 'fix the entry or delete its line; the other recorded links and targets still count';
    // The JSON engine's own reason varies by Node version; the rest is exact.
    expect(await findings('{\n  "version": 1,\n  "links": [\n    {\n')).toEqual([
      [1, expect.stringMatching(new RegExp(`^not valid JSON \\(.*\\); no recorded link or target is used: \\.sdna/links\\.json; ${hint}$`))],
    ]);
    // A person's pretty-printed file is read whole; an entry is placed at the line of its first key.
    const pretty = JSON.stringify({ version: 1, links: [{ capability: '001-signup/FR-001', text: 'nothex', file: 'test/signup.test.ts' }], targets: [] }, null, 2);
    expect(await findings(pretty)).toEqual([
      [
        5,
        `at text: must be 12 hex digits (the hash of the capability's words that \`sdna import\` wrote); a link is { "capability": "<id>", "text": "<12 hex>", "file": "<test file>", "name"?: "<test name>" }: {"capability":"001-signup/FR-001","text":"nothex","file":"test/signup.test.ts"}; ${hint}`,
      ],
    ]);
    expect(await findings('{\n  "links": [],\n  "targets": []\n}\n')).toEqual([[1, `no \`"version": 1\`: {; ${hint}`]]);
    expect(await findings('{\n  "version": 1,\n  "links": [],\n  "targets": [\n    {"spec":"nope","glob":"src/x.ts"}\n  ]\n}\n')).toEqual([
      [5, `no spec has the id \`nope\`: {"spec":"nope","glob":"src/x.ts"}; ${hint}`],
    ]);
  });

  it('a records file from a newer sdna stops with exit 2', async () => {
    const root = project();
    write(root, '.sdna/links.json', '{\n  "version": 2,\n  "links": [],\n  "targets": []\n}\n');
    const r = await sdna(['plan', '--root', root], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: .sdna/links.json was written by a newer sdna (links version 2); upgrade sdna to read it\n');
  });

  it('two imports at once both land; neither loses the other', async () => {
    const root = project();
    const [a, b] = await Promise.all([
      sdna(['import', '--write', '--min-confidence', '0.9', '--root', root], { root }),
      sdna(['import', '--write', '--min-confidence', '0', '--root', root], { root }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const all = await proposals(root, ['--min-confidence', '0']);
    const recorded = fs.readFileSync(path.join(root, '.sdna/links.json'), 'utf8');
    // Everything either proposed is in the file: nothing is proposed again.
    expect(all.links).toEqual([]);
    expect(recorded.match(/"capability"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(fs.existsSync(path.join(root, '.sdna/links.json.lock'))).toBe(false);
  });

  it('--min-confidence out of range is a usage error', async () => {
    const root = project();
    const r = await sdna(['import', '--min-confidence', '2', '--root', root], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sdna: --min-confidence must be a number from 0 to 1 (got 2)\n');
  });
});
