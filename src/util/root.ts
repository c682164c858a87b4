// The project root every command starts from: an existing, readable folder,
// and never the file system's root (walking a whole disk is never a project).

import fs from 'node:fs';
import path from 'node:path';
import { SdnaError } from './errors.js';

const FIX = `pass --root <your project's folder> (or fix "root" in the config)`;

/** Throws an SdnaError (exit 2, one line) unless `root` is a folder sdna can list. */
export function checkRoot(root: string): void {
  if (path.parse(root).root === root) throw new SdnaError(`refusing to use the file system root ${root} as the project: ${FIX}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is under a file, not a folder' : `cannot be read (${code})`;
    throw new SdnaError(`the project root ${root} ${why}: ${FIX}`);
  }
  if (!stat.isDirectory()) throw new SdnaError(`the project root ${root} is a file, not a folder: ${FIX}`);
  try {
    fs.opendirSync(root).closeSync();
  } catch (error) {
    throw new SdnaError(`the project root ${root} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check its permissions, or ${FIX}`);
  }
}
