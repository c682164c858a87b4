// The built-in reporters by name, each a plain function from a plan to text.

import { html } from './html/index.js';
import { githubActions } from './github-actions.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { markdown } from './markdown.js';
import { terminal } from './terminal.js';
import type { BuiltinReporterName, Reporter } from './types.js';

export { githubSummary } from './github-actions.js';

export const REPORTERS: { [K in BuiltinReporterName]: Reporter } = { terminal, json, sarif, junit, 'github-actions': githubActions, html, markdown };
