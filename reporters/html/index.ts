// `--reporter html:report/sdna.html`, `sdna report --html`: the plan as one
// self-contained page — per spec a bar of capability statuses and a drill-down,
// filters, the drift list — and the JSON plan itself inside, for tools.

import { toJsonPlan } from '../../src/artifacts/plan-format.js';
import type { HtmlOptions, Reporter } from '../types.js';
import { SCRIPT, SCRIPT_HASH, STYLE } from './assets.js';
import { escapeHtml as h, jsonForScript } from './escape.js';
import { filterForm, findingsSection, specSection, summarySection } from './sections.js';

/** No request leaves the page: styles inline, the one script by its hash; not even an image. */
const POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; base-uri 'none'; form-action 'none'`;

export const html: Reporter<HtmlOptions> = (plan, options) => {
  const json = toJsonPlan(plan);
  // The promise's words are in the model, not in the JSON plan: the drill-down shows them.
  const texts = new Map(plan.specs.flatMap((s) => s.capabilities.map((c) => [c.id, c.text] as const)));
  const title = options.title ?? `sdna: ${plan.project}`;
  const when = plan.mode === 'run' ? 'after a test run' : 'static plan (no test run: "linked" capabilities have tests, not results)';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${h(title)}</h1><p class="muted">Spec coverage of ${h(plan.project)}, ${when}.</p></header>
<main>
${summarySection(json)}
<h2>Filters</h2>
${filterForm(json)}
<section aria-labelledby="specs-h"><h2 id="specs-h">Specs</h2>
${json.specs.map((s) => specSection(json, s, texts)).join('\n')}
</section>
${findingsSection(json, 'drift', 'Drift', (f) => f.category === 'drift', 'No drift: every capability is kept.')}
${findingsSection(json, 'other', 'Unspecified code, stale links and spec errors', (f) => f.category !== 'drift', 'None.')}
</main>
<script type="application/json" id="sdna-plan">${jsonForScript(json)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
};
