// The HTML report (`sdna report --html`, `--reporter html:<file>`) in a real
// headless Chromium: Debian's `chromium`, driven by playwright-core. The page
// must load with no console error and no request but itself, show the JSON
// plan's numbers, and filter; hostile spec text must stay text.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonForScript } from '../reporters/html/escape.js';
import { embeddedPlan, REPO, sdna, tempProject, write } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '</script><script>alert(1)</script>';
/** Where the screenshot goes (git-ignored); `SDNA_DOCS_SCREENSHOT=1` also refreshes the README's. */
const ARTIFACTS = path.join(REPO, 'test-artifacts');

interface JsonPlan {
  specs: { id: string }[];
  capabilities: { id: string; spec: string; status: string; name: string }[];
  findings: { kind: string; category: string; capability?: string }[];
  summary: Record<string, number>;
}

/** fixtures/demo plus a spec whose capability's name and text try to break out of the page, and one removed capability. */
function project(): string {
  const root = tempProject('demo');
  write(root, 'specs/release-notes.spec.md', `---
name: Release Notes
---
# Release Notes

## Capabilities

- **Escape ${HOSTILE}**
  Quotes ${HOSTILE} and a line separator \u2028 verbatim.
- **Old export** [@test](../tests/refund.test.ts)
  Deprecated: replaced by the JSON plan.
`);
  return root;
}

const counted = (caps: JsonPlan['capabilities']) => Object.fromEntries([...new Set(caps.map((c) => c.status))].map((s) => [s, String(caps.filter((c) => c.status === s).length)]));

/** `[data-count]` numbers inside `scope`, by status, as the page shows them. */
async function shownCounts(page: Page, scope: string): Promise<Record<string, string>> {
  const cells = page.locator(`${scope} [data-count]`);
  const out: Record<string, string> = {};
  for (const cell of await cells.all()) out[(await cell.getAttribute('data-count'))!] = (await cell.textContent())!;
  return out;
}

/** Whether each capability row and each finding is hidden by the filters (not by a closed drill-down). */
const rowsShown = (page: Page) => page.evaluate<string[]>("[...document.querySelectorAll('tr[data-status]')].filter((r) => !r.hidden).map((r) => r.dataset.status)");
const findingsShown = (page: Page) => page.evaluate<string[]>("[...document.querySelectorAll('li[data-kind]')].filter((r) => !r.hidden).map((r) => r.dataset.kind)");

describe('sdna report --html', () => {
  let browser: Browser;
  let root: string;
  let file: string;
  let plan: JsonPlan;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the HTML report is tested in Debian's chromium; install it with \`apt-get install -y chromium\` (.ci/run does)`);
    }
    root = project();
    const written = await sdna(['report', '--html', '--out', 'report'], { cwd: root });
    expect(written).toEqual({ code: 0, stdout: 'sdna: wrote report/index.html\n', stderr: '' });
    file = path.join(root, 'report/index.html');
    plan = JSON.parse((await sdna(['plan', '--json', '--root', root])).stdout);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(colorScheme: 'light' | 'dark' = 'light') {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme });
    const errors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors, requests, dialogs };
  }

  it('embeds the JSON plan `sdna plan --json` prints, with no way out of its script element', () => {
    const html = fs.readFileSync(file, 'utf8');
    expect(embeddedPlan(html)).toEqual(plan);
    expect(html).not.toContain(HOSTILE);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(plan.capabilities.map((c) => `${c.id} ${c.status}`)).toContain('release-notes/old-export removed');
  });

  it('loads without console errors, requests nothing but itself, runs no injected script, and shows the JSON plan\'s numbers', async () => {
    const { page, errors, requests, dialogs } = await open();
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(dialogs).toEqual([]);
    expect(await page.locator('body').textContent()).toContain(`Quotes ${HOSTILE} and`);

    const summary = Object.fromEntries(await Promise.all(['drift', 'unspecified', 'stale', 'errors'].map(async (k) => [k, Number(await page.locator(`[data-summary=${k}]`).textContent())])));
    expect(summary).toEqual(plan.summary);
    expect(await shownCounts(page, '#totals')).toEqual(counted(plan.capabilities));
    for (const spec of plan.specs) {
      expect(await shownCounts(page, `details[data-spec="${spec.id}"] > summary`), spec.id).toEqual(counted(plan.capabilities.filter((c) => c.spec === spec.id)));
    }
    expect(await page.locator('#drift li[data-kind]').count()).toBe(plan.findings.filter((f) => f.category === 'drift').length);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
    if (process.env.SDNA_DOCS_SCREENSHOT) await page.screenshot({ path: path.join(REPO, 'docs/html-report.png') });
    await page.close();
  });

  it('a status box keeps only capabilities in that status; the kind select keeps that kind; clearing shows all', async () => {
    const { page, errors } = await open();
    const all = plan.capabilities.map((c) => c.status);
    expect(await rowsShown(page)).toEqual(all);

    await page.getByRole('checkbox', { name: /^untested/ }).check();
    expect(await rowsShown(page)).toEqual(all.filter((s) => s === 'untested'));
    expect(await page.locator('tr[data-status=untested]').first().isVisible()).toBe(true);
    expect(await page.locator('tr[data-status=linked]').first().isVisible()).toBe(false);
    expect(await page.locator('#shown').textContent()).toBe(`${all.filter((s) => s === 'untested').length} of ${all.length} capabilities shown`);
    await page.getByRole('checkbox', { name: /^removed/ }).check();
    expect(await rowsShown(page)).toEqual(all.filter((s) => s === 'untested' || s === 'removed'));

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction("document.querySelectorAll('tr[data-status]:not([hidden])').length > 1");
    expect(await rowsShown(page)).toEqual(all);

    await page.getByRole('combobox', { name: 'Finding kind' }).selectOption('unspecified-code');
    expect(new Set(await findingsShown(page))).toEqual(new Set(['unspecified-code']));
    expect(await rowsShown(page)).toEqual([]);
    expect(await page.locator('#drift').isVisible()).toBe(false);

    await page.getByRole('combobox', { name: 'Finding kind' }).selectOption('untested-capability');
    const untested = new Set(plan.findings.filter((f) => f.kind === 'untested-capability').map((f) => f.capability));
    expect(await rowsShown(page)).toEqual(plan.capabilities.filter((c) => untested.has(c.id)).map((c) => c.status));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows prefers-color-scheme', async () => {
    const light = await open('light');
    const dark = await open('dark');
    const background = (page: Page) => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(await background(light.page)).toBe('rgb(255, 255, 255)');
    expect(await background(dark.page)).toBe('rgb(13, 17, 23)');
    await Promise.all([light.page.close(), dark.page.close()]);
  });
});

describe('jsonForScript', () => {
  it('writes JSON that no text can end or bend: no `<`, no line separators, the same value back', () => {
    const value = { name: `${HOSTILE} <!-- \u2028 \u2029 \\u003c` };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('sdna report without a place to write', () => {
  it('an --out that cannot be a folder is one line and exit 2', async () => {
    const root = tempProject('demo');
    write(root, 'blocker', 'a file, not a folder\n');
    const r = await sdna(['report', '--html', '--out', 'blocker'], { cwd: root, root });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'sdna: cannot write <root>/blocker/index.html: a part of the path is a file, not a folder (ENOTDIR)\n' });
  });

  it('asks which report without --html', async () => {
    const r = await sdna(['report'], { cwd: tempProject('demo') });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'sdna: name the report to write: sdna report --html (the only kind so far)\n' });
  });
});
