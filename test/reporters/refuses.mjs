// A custom reporter that refuses a plan with an SdnaError from the package's own entry: the command line is a bundle of its own, and still prints it as one line.
import { SdnaError } from '../../dist/index.js';

export default function refuses(plan) {
  throw new SdnaError(`refuses a plan with ${plan.findings.length} findings`);
}
