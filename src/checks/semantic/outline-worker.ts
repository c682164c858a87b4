// A helper thread that parses, ahead of the semantic check, the files and
// `## API` blocks its slices will need, so that parsing (TypeScript, on
// another core) overlaps the requests in flight instead of delaying them.
// It sends each outline as soon as it has it, in the order it was given.

import { parentPort } from 'node:worker_threads';
import { GuardedReader } from '../../util/guarded.js';
import { loadTypeScript } from '../api-drift/declarations.js';
import { apiNamesOf, outlineOf, parseSource, readKindOf, testOutlines } from './slice.js';

export interface AheadInput {
  root: string;
  blocks: string[];
  files: { file: string; tests: boolean }[];
}

export type AheadMessage = { block: string; names: string[] } | { file: string; outline?: ReturnType<typeof outlineOf>; tests?: ReturnType<typeof testOutlines> };

// TypeScript loads while the list of files is on its way.
const ts = loadTypeScript();
const post = (message: AheadMessage) => parentPort!.postMessage(message);
parentPort!.once('message', ({ root, blocks, files }: AheadInput) => {
  const reader = new GuardedReader(root);
  for (const block of blocks) post({ block, names: apiNamesOf(ts, block) });
  for (const { file, tests } of files) {
    const text = reader.tryText(file, readKindOf(file));
    if (text === undefined) {
      post({ file });
      continue;
    }
    const sf = parseSource(ts, file, text);
    const outline = outlineOf(ts, sf);
    post({ file, outline, ...(tests && { tests: testOutlines(ts, sf, new Set(outline.imports.map(([local]) => local))) }) });
  }
});
