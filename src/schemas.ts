// The zod schemas behind schema/*.json, for scripts/write-schemas.mjs. Not part
// of the published API: the JSON Schemas are.

export { configSchema } from './config.js';
export { planSchema } from './artifacts/plan-format.js';
export { interchangeSchema } from './artifacts/interchange.js';
export { importSchema } from './artifacts/import-format.js';
