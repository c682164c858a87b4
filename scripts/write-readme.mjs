// Writes the README's table of finding kinds from the kind table (src/model/kinds.ts,
// through the built package: run `npm run build` first). A test checks that the
// committed README matches, so the table cannot drift from the code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS, KIND_NAMES } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(root, 'README.md');

const START = '<!-- kinds: written by `npm run docs` from src/model/kinds.ts; edit the table there -->';
const END = '<!-- /kinds -->';

/** The table, one row per kind in the kind table's order. */
export function kindsTable() {
  const rows = KIND_NAMES.map((k) => {
    const info = KINDS[k];
    return `| \`${k}\` | ${info.category} | ${info.level} | ${info.static ? 'yes' : 'no'} | ${info.doc.replaceAll('|', '\\|')} |`;
  });
  return [START, '| kind | category | default | `sdna plan` | meaning |', '| --- | --- | --- | --- | --- |', ...rows, END].join('\n');
}

/** The README with its table of kinds written anew. */
export function readmeWithKinds(text) {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${START} … ${END} section`);
  return text.slice(0, start) + kindsTable() + text.slice(end + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const next = readmeWithKinds(fs.readFileSync(README, 'utf8'));
  const tmp = `${README}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, next);
  fs.renameSync(tmp, README);
  console.log('wrote the table of finding kinds in README.md');
}
