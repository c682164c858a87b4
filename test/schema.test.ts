// The published JSON Schemas match the code, and saved plans are read back
// (or refused) by `parsePlan`.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIND_NAMES, parsePlan, SdnaError } from '../dist/index.js';
import { REPO } from './helpers.js';
// @ts-expect-error: a plain .mjs script without types
import { schemas } from '../scripts/write-schemas.mjs';

describe('JSON Schemas', () => {
  it('the committed schema files are what `npm run schema` writes', () => {
    for (const [name, text] of Object.entries(schemas() as Record<string, string>)) {
      expect(fs.readFileSync(path.join(REPO, 'schema', name), 'utf8'), `schema/${name} is stale: run npm run schema`).toBe(text);
    }
  });

  it('the config schema lists every finding kind and refuses unknown keys', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/config.schema.json'), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.rules.propertyNames.enum).toEqual(KIND_NAMES);
    expect(schema.properties.rules.additionalProperties.enum).toEqual(['error', 'warn', 'off']);
  });
});

describe('parsePlan', () => {
  const saved = fs
    .readdirSync(path.join(REPO, 'test/__snapshots__/plan'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, fs.readFileSync(path.join(REPO, 'test/__snapshots__/plan', f), 'utf8')] as const);

  it('reads every plan the CLI printed for the fixtures', () => {
    expect(saved.length).toBeGreaterThanOrEqual(8);
    for (const [name, text] of saved) expect(parsePlan(text), name).toEqual(JSON.parse(text));
  });

  it('refuses a version it does not know', () => {
    const text = saved[0][1].replace('"version": 1', '"version": 2');
    expect(() => parsePlan(text)).toThrow(new SdnaError('unsupported plan version 2: this sdna reads version 1'));
  });

  it('refuses a malformed plan', () => {
    const plan = JSON.parse(saved[0][1]);
    plan.summary.drift = -1;
    expect(() => parsePlan(JSON.stringify(plan))).toThrow('malformed plan at summary.drift');
    expect(() => parsePlan('{')).toThrow(/^not a JSON plan: /);
  });
});
