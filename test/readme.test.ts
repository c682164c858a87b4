// The README's table of finding kinds is generated from the kind table: it
// fails here when someone edits one without the other.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainKind, KIND_NAMES, REPORTERS } from '../dist/index.js';
// @ts-expect-error: a plain .mjs script without types
import { README, kindsTable, readmeWithKinds } from '../scripts/write-readme.mjs';

describe('README', () => {
  it('its table of finding kinds is what `npm run docs` writes from src/model/kinds.ts', () => {
    const text = fs.readFileSync(README as string, 'utf8');
    expect(text, 'README.md is stale: run npm run build && npm run docs').toBe((readmeWithKinds as (t: string) => string)(text));
    expect(text).toContain(kindsTable());
  });

  it('the table has one row per kind', () => {
    const rows = (kindsTable() as string).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)![1])).toEqual(KIND_NAMES);
  });

  it('names every built-in reporter where --reporter is documented', () => {
    const row = fs.readFileSync(README as string, 'utf8').split('\n').find((l) => l.startsWith('| `--reporter <name[:file]>`'))!;
    for (const name of Object.keys(REPORTERS)) expect(row).toContain(`\`${name}\``);
  });

  it('shows `sdna explain` as it prints', () => {
    expect(fs.readFileSync(README as string, 'utf8')).toContain(`$ sdna explain stale-target\n${explainKind('stale-target')}\`\`\``);
  });
});
