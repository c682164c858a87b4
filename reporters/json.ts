// The plan artifact other tools read (docs/plan-format.md, schema/plan.schema.json).
// Only the documented fields are written, in a fixed order.

import type { Plan } from '../src/model/model.js';
import type { Reporter } from './types.js';

export interface JsonPlan {
  version: 1;
  root: string;
  specs: { id: string; format: string; file: string; name: string }[];
  capabilities: {
    id: string;
    spec: string;
    name: string;
    file: string;
    line: number;
    status: string;
    tests: { file: string; name?: string }[];
    coverage?: number;
  }[];
  findings: {
    kind: string;
    category: string;
    severity: string;
    spec?: string;
    capability?: string;
    file?: string;
    line?: number;
    message: string;
    symbol?: string;
    change?: 'added' | 'removed' | 'changed';
    code?: { file: string; line: number };
    diff?: string;
  }[];
  summary: { drift: number; unspecified: number; stale: number; errors: number };
}

export function toJsonPlan(plan: Plan): JsonPlan {
  return {
    version: plan.version,
    root: plan.root,
    specs: plan.specs.map(({ id, format, file, name }) => ({ id, format, file, name })),
    capabilities: plan.capabilities.map(({ id, spec, name, file, line, status, tests, coverage }) => ({
      id,
      spec,
      name,
      file,
      line,
      status,
      tests: tests.map((t) => (t.name === undefined ? { file: t.file } : { file: t.file, name: t.name })),
      ...(coverage !== undefined && { coverage }),
    })),
    findings: plan.findings.map((f) => ({
      kind: f.kind,
      category: f.category,
      severity: f.severity,
      ...(f.spec !== undefined && { spec: f.spec }),
      ...(f.capability !== undefined && { capability: f.capability }),
      ...(f.file !== undefined && { file: f.file }),
      ...(f.line !== undefined && { line: f.line }),
      message: f.message,
      ...(f.symbol !== undefined && { symbol: f.symbol }),
      ...(f.change !== undefined && { change: f.change }),
      ...(f.code !== undefined && { code: { file: f.code.file, line: f.code.line } }),
      ...(f.diff !== undefined && { diff: f.diff }),
    })),
    summary: { ...plan.summary },
  };
}

export const json: Reporter = (plan) => JSON.stringify(toJsonPlan(plan), null, 2) + '\n';
