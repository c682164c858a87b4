// The claims scan reads every test file but tokenises only those that may claim.

import { describe, expect, it } from 'vitest';
import { scanClaims } from '../src/checks/links/claims.js';
import { GuardedReader } from '../src/util/guarded.js';
import { tempProject, write } from './helpers.js';

describe('scanClaims', () => {
  it('finds meta and tag claims, and tokenises only files that may hold one', () => {
    const root = tempProject();
    write(root, 'a.test.ts', "it('a', { meta: { capabilities: ['cart/total'] } }, () => {});\n");
    write(root, 'b.test.ts', "it('b', { tags: ['cart/discount', 'slow'] }, () => {});\n");
    write(root, 'c.test.ts', "it('c', () => { const input = { tags: ['order'] }; });\n");
    write(root, 'd.test.ts', "it('d', () => {});\n");
    const { claims, parsed } = scanClaims(new GuardedReader(root), ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'missing.test.ts']);
    expect(claims).toEqual([
      { id: 'cart/total', file: 'a.test.ts', line: 1, test: 'a', via: 'meta' },
      { id: 'cart/discount', file: 'b.test.ts', line: 1, test: 'b', via: 'tag' },
      { id: 'slow', file: 'b.test.ts', line: 1, test: 'b', via: 'tag' },
    ]);
    // `tags: ['order']` holds no capability id: that file is never tokenised.
    expect([...parsed.keys()]).toEqual(['a.test.ts', 'b.test.ts']);
  });
});
