// sdna's core API: load a config, build a plan, format it.

export { loadConfig, resolveConfig, defineConfig, DEFAULTS, type UserConfig, type ResolvedConfig } from './config.js';
export { createPlan } from './plan.js';
export { MAX_SPEC_BYTES } from './formats/read.js';
export { readTessl } from './formats/tessl.js';
export { KINDS, KIND_NAMES, SIGNS, type Kind, type Category, type Level, type Severity } from './model/kinds.js';
export { SdnaError } from './util/errors.js';
export { extractTests, nameContains, type StaticTest } from './checks/links/test-names.js';
export type * from './model/model.js';
export {
  REPORTERS,
  loadReporter,
  loadReporters,
  parseReporterArg,
  writeReports,
  toJsonPlan,
  explainKind,
  githubSummary,
  type Reporter,
  type ReporterOptions,
  type ReportRequest,
  type BuiltinReporterOptions,
  type JsonPlan,
} from '../reporters/index.js';
export { wordsOf, messageOf, type Words } from './model/words.js';
export { parsePlan, PLAN_VERSION } from './artifacts/plan-format.js';
