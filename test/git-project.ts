// A real git repository of a small payment service for the spec-diff tests:
// `main` holds the first version of its spec; `change()` edits it the way a
// pull request would (a capability added, one removed, one renamed, one
// reworded, one relinked, a target added).

import { execFileSync } from 'node:child_process';
import { tempProject, write } from './helpers.js';

export function gitIn(root: string) {
  return (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const spec = (capabilities: string, targets = ['../src/payments/*.ts']) => `---
name: Payments
targets:
${targets.map((t) => `  - ${t}`).join('\n')}
---
# Payments

## Capabilities

${capabilities}`;

export const BEFORE = spec(`- **Authorize payment** [@test](../test/authorize.test.ts)
  Validates card details.
- **Refund payment** [@test](../test/refund.test.ts)
  Reverses a captured payment.
- **Void authorization** [@test](../test/void.test.ts)
  Releases a hold before it is captured.
- **Legacy capture** [@test](../test/legacy.test.ts)
  Captures through the old gateway.
`);

export const AFTER = spec(
  `- **Authorize payment** [@test](../test/authorize.test.ts)
  Validates card details and the CVC.
- **Reverse payment** [@test](../test/refund.test.ts)
  Reverses a captured payment.
- **Void authorization** [@test](../test/void.test.ts) [@test](../test/hold.test.ts)
  Releases a hold before it is captured.
- **Capture payment**
  Moves an authorized amount to the merchant.
`,
  ['../src/payments/*.ts', '../src/refunds/*.ts'],
);

const testFile = (name: string) => `import { it } from 'vitest';\n\nit('${name}', () => {});\n`;

/** The repository on `main`, one commit. */
export function paymentsRepo(): { root: string; git: (...args: string[]) => string } {
  const root = tempProject();
  const git = gitIn(root);
  write(root, 'package.json', '{ "name": "shop" }\n');
  write(root, 'specs/payments.spec.md', BEFORE);
  write(root, 'src/payments/pay.ts', 'export const pay = 1;\n');
  for (const name of ['authorize', 'refund', 'void', 'legacy']) write(root, `test/${name}.test.ts`, testFile(name));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'payments');
  return { root, git };
}

/** The pull request's edits, in the working tree. */
export function change(root: string): void {
  write(root, 'specs/payments.spec.md', AFTER);
  write(root, 'src/refunds/refund.ts', 'export const refund = 1;\n');
  write(root, 'test/hold.test.ts', testFile('hold'));
}
