// The JSON plan (docs/plan-format.md, schema/plan.schema.json): the core's
// artifact, printed.

import { toJsonPlan } from '../src/artifacts/plan-format.js';
import type { Reporter } from './types.js';

export const json: Reporter = (plan) => JSON.stringify(toJsonPlan(plan), null, 2) + '\n';
