// The zod schemas behind schema/*.json, for scripts/write-schemas.mjs. Not part
// of the published API: the JSON Schemas are.

export { configSchema } from './config.js';
export { planSchema } from './plan-format.js';
export { interchangeSchema } from './interchange.js';
