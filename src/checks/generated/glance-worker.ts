// A helper thread that glances at the first bytes of a large plan's target
// files for the generated-file marker (see ./glances.ts), while the main
// thread reads the tests and parses code. It reads through a reader of its
// own, with the same guards, and answers once: the files that hold the marker.

import { parentPort, workerData } from 'node:worker_threads';
import { GuardedReader } from '../../util/guarded.js';
import { marked } from './stamp.js';
import type { GlanceInput } from './glances.js';

const { root, folders, files } = workerData as GlanceInput;
const reader = new GuardedReader(root);
reader.knowFolders(new Set(folders));
parentPort!.postMessage(files.filter((file) => marked(reader, file)));
