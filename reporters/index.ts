// The reporters' API: the built-ins by name, loading reporters by name or path,
// and `writeReports`, which runs a plan through several of them.

export * from './write.js';
export { REPORTERS, githubSummary } from './builtin.js';
export type { BuiltinReporterName, BuiltinReporterOptions, Reporter, ReporterOptions, ReportRequest } from './types.js';
export { toJsonPlan, type JsonPlan } from '../src/artifacts/plan-format.js';
export { explainKind } from './util/explain.js';
