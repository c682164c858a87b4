// The page's own style and script, inline: the report is one file that opens
// from a CI artifact or a mail attachment, with no network and no framework.

import { createHash } from 'node:crypto';

/** Light and dark from the reader's `prefers-color-scheme`; each status one colour in the bar, its badge and the legend. */
export const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --passing: #1a7f37; --linked: #0969da; --failing: #cf222e; --untested: #bc4c00; --skipped: #8250df; --not-run: #6e7781; --removed: #afb8c1; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --passing: #3fb950; --linked: #4493f8; --failing: #f85149; --untested: #db6d28; --skipped: #ab7df8; --not-run: #8b949e; --removed: #484f58; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
code, pre { font: 13px/1.4 ui-monospace, monospace; } pre { white-space: pre-wrap; background: var(--panel); padding: .5rem; border-radius: 4px; }
.muted { color: var(--muted); }
.plan-line { font-weight: 600; font-size: 1.05rem; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; list-style: none; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .3em; vertical-align: -.05em; }
.bar { display: flex; height: .9rem; min-width: 8rem; flex: 1; border-radius: 3px; overflow: hidden; background: var(--line); }
.bar span { display: block; }
.badge { display: inline-block; border: 1px solid; border-left-width: .4em; border-radius: 3px; padding: 0 .35em; font-size: 12px; white-space: nowrap; }
${['passing', 'linked', 'failing', 'untested', 'skipped', 'not-run', 'removed'].map((s) => `.s-${s} { background: var(--${s}); } .b-${s} { border-color: var(--${s}); }`).join('\n')}
form { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem .9rem; } legend { font-weight: 600; padding: 0; margin-bottom: .25rem; width: 100%; }
select { font: inherit; }
details.spec { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; background: var(--bg); }
details.spec > summary { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .5rem .75rem; cursor: pointer; }
details.spec > summary .name { font-weight: 600; min-width: 14rem; }
details.spec[open] > summary { border-bottom: 1px solid var(--line); }
.spec-body { padding: .5rem .75rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
ul.plain { margin: 0; padding-left: 1.1rem; }
[hidden] { display: none !important; }
:focus-visible { outline: 2px solid var(--linked); outline-offset: 2px; }
`;

/**
 * Filters: the status boxes keep the capabilities in any checked status (none
 * checked: all), the kind select keeps findings of that kind and the
 * capabilities that have one; a spec left with nothing to show is hidden.
 */
export const SCRIPT = `(() => {
  const form = document.getElementById('filters');
  const count = document.getElementById('shown');
  const apply = () => {
    const statuses = [...form.querySelectorAll('input[name=status]:checked')].map((i) => i.value);
    const kind = form.elements.kind.value;
    const active = statuses.length > 0 || kind !== '';
    let shown = 0;
    for (const row of document.querySelectorAll('tr[data-status]')) {
      row.hidden = (statuses.length > 0 && !statuses.includes(row.dataset.status)) || (kind !== '' && !row.dataset.kinds.split(' ').includes(kind));
      if (!row.hidden) shown++;
    }
    for (const row of document.querySelectorAll('[data-kind]')) row.hidden = kind !== '' && row.dataset.kind !== kind;
    for (const spec of document.querySelectorAll('details[data-spec]')) {
      // Findings about the spec itself have no status: only a kind keeps them.
      const own = kind !== '' && spec.querySelector('.spec-body > ul > li[data-kind]:not([hidden])');
      spec.hidden = active && !spec.querySelector('tr[data-status]:not([hidden])') && !own;
      if (active && !spec.hidden) spec.open = true;
    }
    for (const list of document.querySelectorAll('[data-list]')) list.hidden = kind !== '' && !list.querySelector('[data-kind]:not([hidden])');
    count.textContent = active ? shown + ' of ' + count.dataset.total + ' capabilities shown' : '';
  };
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('reset', () => setTimeout(apply));
})();`;

/** The script's hash for the page's Content-Security-Policy: nothing else may run, even if some text got past the escaping. */
export const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;
