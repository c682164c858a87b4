// Every temporary project a test run makes (`tempProject`) goes into one folder
// of the run's own, removed when the run ends: runs used to leave theirs behind
// in the temp folder, which filled the disk of a machine that ran the suite
// often (28,923 folders, about 70 GB) until a run failed for want of space.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-tests-'));
  // The test processes are started after this, and take the variable with them.
  process.env.SDNA_TEST_TMP = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
