// Writes schema/config.schema.json, plan.schema.json, interchange.schema.json and import.schema.json from the zod
// schemas in the built package (run `npm run build` first). A test checks that
// the committed files match, so they cannot drift from the code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { configSchema, importSchema, interchangeSchema, planSchema } from '../dist/schemas.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function schemas() {
  const config = {
    ...z.toJSONSchema(configSchema, { io: 'input' }),
    title: 'sdna config',
  };
  const plan = {
    ...z.toJSONSchema(planSchema),
    title: 'sdna plan (version 1)',
  };
  const interchange = {
    ...z.toJSONSchema(interchangeSchema),
    title: 'sdna interchange: the specs of a project (version 1)',
  };
  const proposals = {
    ...z.toJSONSchema(importSchema),
    title: 'sdna import --json: inferred links and targets (version 1)',
  };
  return {
    'import.schema.json': JSON.stringify(proposals, null, 2) + '\n',
    'config.schema.json': JSON.stringify(config, null, 2) + '\n',
    'plan.schema.json': JSON.stringify(plan, null, 2) + '\n',
    'interchange.schema.json': JSON.stringify(interchange, null, 2) + '\n',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(schemas())) {
    const file = path.join(root, 'schema', name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    console.log(`wrote schema/${name}`);
  }
}
