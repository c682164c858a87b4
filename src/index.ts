// sdna's core API: load a config, build a plan, format it.

export { loadConfig, resolveConfig, defineConfig, DEFAULTS, type UserConfig, type ResolvedConfig } from './config.js';
export { createPlan } from './plan.js';
export { MAX_SPEC_BYTES } from './spec/read.js';
export { readTessl } from './spec/tessl.js';
export { KINDS, KIND_NAMES, SIGNS, type Kind, type Category, type Level, type Severity } from './kinds.js';
export { SdnaError } from './errors.js';
export { extractTests, nameContains, type StaticTest } from './analyze/test-names.js';
export type * from './model.js';
export { REPORTERS, loadReporter, toJsonPlan, type Reporter, type ReporterOptions, type JsonPlan } from '../reporters/index.js';
export { parsePlan, PLAN_VERSION } from './plan-format.js';
