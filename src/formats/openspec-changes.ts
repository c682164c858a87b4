// OpenSpec's pending changes (`openspec/changes/<change>/specs/<capability>/spec.md`):
// deltas that ADD, MODIFY, REMOVE or RENAME requirements once the change is
// archived. They are proposals, never current truth: sdna does not plan from
// them, it only reads them to say what each would do to capabilities and tests.

import { Fences } from './ids.js';
import { normalizeText, slugify } from '../util/text.js';

export type DeltaOp = 'ADDED' | 'MODIFIED' | 'REMOVED' | 'RENAMED';

export interface Delta {
  op: DeltaOp;
  /** The requirement's name (for RENAMED, the old one). */
  name: string;
  /** RENAMED: the new name. */
  to?: string;
  /** ADDED and MODIFIED: the scenarios the requirement will have, with their text. */
  scenarios: { name: string; text: string }[];
  line: number;
}

export interface ChangeSpec {
  change: string;
  /** The capability path the delta applies to (`auth`, `reports/export`). */
  capability: string;
  file: string;
  deltas: Delta[];
}

const CHANGE_FILE = /(?:^|\/)openspec\/changes\/([^/]+)\/specs\/(.+)\/spec\.md$/;
const SECTION = /^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$/i;
const REQUIREMENT = /^###\s+Requirement:\s*(.+?)\s*$/i;
const SCENARIO = /^####\s+(?:Scenario:\s*)?(.+?)\s*$/i;
const RENAME = /^\s*-\s*(FROM|TO):\s*`?###\s+Requirement:\s*(.+?)`?\s*$/i;

/** A delta spec of a pending change (not an archived one). */
export function isChangeFile(file: string): boolean {
  const m = CHANGE_FILE.exec(file);
  return m !== null && m[1] !== 'archive';
}

export function readChangeSpec(file: string, source: string): ChangeSpec {
  const m = CHANGE_FILE.exec(file)!;
  const lines = normalizeText(source).split('\n');
  const fences = new Fences();
  const deltas: Delta[] = [];
  let op: DeltaOp | undefined;
  let current: Delta | undefined;
  let scenario: { name: string; text: string } | undefined;
  let from: { name: string; line: number } | undefined;
  lines.forEach((line, i) => {
    if (fences.skip(line)) return;
    const section = SECTION.exec(line);
    if (section) {
      op = section[1].toUpperCase() as DeltaOp;
      current = scenario = undefined;
      return;
    }
    if (/^##\s/.test(line)) {
      op = current = scenario = undefined;
      return;
    }
    if (!op) return;
    if (op === 'RENAMED') {
      const r = RENAME.exec(line);
      if (r && r[1].toUpperCase() === 'FROM') from = { name: r[2].trim(), line: i + 1 };
      else if (r && from) {
        deltas.push({ op, name: from.name, to: r[2].trim(), scenarios: [], line: from.line });
        from = undefined;
      }
      return;
    }
    const req = REQUIREMENT.exec(line);
    if (req) {
      current = { op, name: req[1], scenarios: [], line: i + 1 };
      scenario = undefined;
      deltas.push(current);
      return;
    }
    const sc = current && /^####\s/.test(line) ? SCENARIO.exec(line) : null;
    if (sc && current) {
      scenario = { name: sc[1], text: '' };
      current.scenarios.push(scenario);
      return;
    }
    if (scenario && line.trim()) scenario.text = `${scenario.text} ${line.trim()}`.trim();
  });
  return { change: m[1], capability: m[2], file, deltas };
}

/** The capability id a requirement of `capability` named `name` has (or will have). */
export function requirementId(capability: string, name: string): string {
  return `${capability}/${slugify(name)}`;
}
