// A requirement its spec marks as removed or deprecated: struck through
// (`~~FR-012: …~~`), or a marker in its name or text (`[REMOVED]`, `(deprecated
// in v2)`, `**Removed**`, `Deprecated: …`). It has status `removed`, never untested.

import type { Capability } from '../model/model.js';

const MARKER = /\[(?:removed|deprecated)\b[^\]]*\]|\((?:removed|deprecated)\b[^)]*\)|\*\*(?:removed|deprecated)\b[^*]*\*\*|^(?:removed|deprecated)\b\s*[:.\-–—]/i;

export function isRemoved(cap: Pick<Capability, 'name' | 'text'>): boolean {
  return [cap.name, cap.text].some((t) => {
    const s = t.trim();
    return s.startsWith('~~') || MARKER.test(s);
  });
}
