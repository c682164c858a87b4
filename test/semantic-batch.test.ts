// `sdna plan --semantic --batch` through the real CLI and the real
// @anthropic-ai/sdk, pointed (ANTHROPIC_BASE_URL) at a server on 127.0.0.1 that
// answers like the Message Batches API: POST /v1/messages/batches, GET
// /v1/messages/batches/:id, and the JSONL at the `results_url` it gives once a
// batch has ended. It also answers POST /v1/messages, so that a batch's
// requests can be compared with what the Messages path sends. No key, no network.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sdna, tempProject, write } from './helpers.js';
import { cite, toolCall } from './messages-api.js';

interface Params {
  model: string;
  tools: { name: string; cache_control?: unknown }[];
  tool_choice: unknown;
  system: { text: string; cache_control?: unknown }[];
  messages: { content: string }[];
}

interface ServerBatch {
  id: string;
  requests: { custom_id: string; params: Params }[];
  status: 'in_progress' | 'ended';
  created: string;
}

type Result = { type: 'succeeded'; answer: unknown } | { type: 'errored' } | { type: 'canceled' } | { type: 'expired' };
/** How a batch's request for a capability ends (its id, the code it was sent). */
type Outcome = (capability: string, code: string) => Result;

let server: http.Server;
let baseURL = '';
let batches: ServerBatch[] = [];
/** Every HTTP request, as `METHOD path`. */
let calls: string[] = [];
let messages: Params[] = [];
let outcome: Outcome = () => ({ type: 'succeeded', answer: keeps() });
let createDelayMs = 5;

const keeps = () => ({ verdict: 'keeps', clause: 'all of it', evidence: [], explanation: 'The code does what the promise says.' });
const capabilityOf = (p: Params) => /^id: (.+)$/m.exec(p.messages[0].content)?.[1] ?? '?';
const codeOf = (p: Params) => p.messages[0].content.slice(p.messages[0].content.indexOf('<code_data>'));

function batchObject(b: ServerBatch) {
  const ended = b.status === 'ended';
  const count = b.requests.length;
  return {
    id: b.id,
    type: 'message_batch',
    processing_status: b.status,
    request_counts: { processing: ended ? 0 : count, succeeded: ended ? count : 0, errored: 0, canceled: 0, expired: 0 },
    created_at: b.created,
    ended_at: ended ? b.created : null,
    expires_at: b.created,
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? `${baseURL}/v1/messages/batches/${b.id}/results` : null,
  };
}

function resultLine(r: { custom_id: string; params: Params }): string {
  const result = outcome(capabilityOf(r.params), codeOf(r.params));
  const line =
    result.type === 'succeeded'
      ? { type: 'succeeded', message: toolCall('report_verdict', result.answer) }
      : result.type === 'errored'
        ? { type: 'errored', error: { type: 'error', request_id: null, error: { type: 'overloaded_error', message: 'Overloaded' } } }
        : { type: result.type };
  return JSON.stringify({ custom_id: r.custom_id, result: line });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseURL);
      calls.push(`${req.method} ${url.pathname}`);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_test' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url.pathname === '/v1/messages') {
        const params = JSON.parse(data) as Params;
        messages.push(params);
        return json(200, toolCall('report_verdict', keeps()));
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages/batches') {
        const b: ServerBatch = { id: `msgbatch_test${batches.length + 1}`, requests: (JSON.parse(data) as { requests: ServerBatch['requests'] }).requests, status: 'in_progress', created: new Date().toISOString() };
        batches.push(b);
        return setTimeout(() => json(200, batchObject(b)), createDelayMs);
      }
      const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(url.pathname);
      const b = m && req.method === 'GET' ? batches.find((x) => x.id === m[1]) : undefined;
      if (!b) return json(404, { type: 'error', error: { type: 'not_found_error', message: 'no such batch' } });
      if (!m![2]) return json(200, batchObject(b));
      let lines: string;
      try {
        lines = b.requests.map(resultLine).join('\n') + '\n';
      } catch (error) {
        // A test's mistake shows as a failed read, not as a hang.
        return json(400, { type: 'error', error: { type: 'invalid_request_error', message: String(error) } });
      }
      res.writeHead(200, { 'content-type': 'application/binary' });
      res.end(lines);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

function reset(o: Outcome = () => ({ type: 'succeeded', answer: keeps() })): void {
  outcome = o;
  calls = [];
  messages = [];
  createDelayMs = 5;
}

function project(): string {
  const root = tempProject('vitest-cart');
  fs.mkdirSync(path.join(root, 'node_modules'));
  return root;
}

const stateFile = (root: string) => path.join(root, 'node_modules/.cache/sdna/semantic-batches.json');

interface JsonPlan {
  findings: { kind: string; capability?: string; file?: string; line?: number }[];
  semantic: {
    checked: number;
    cached: number;
    cost: number;
    notChecked: { capability: string; reason: string; batch?: string }[];
    batch?: { sent: number; collected: number; pending: { id: string; requests: number; status: string; created: string }[] };
  };
}

async function plan(root: string, more: string[] = []) {
  const r = await sdna(['plan', '--root', root, '--semantic', '--batch', '--json', ...more], {
    root,
    env: { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' },
  });
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as JsonPlan) : undefined };
}

const sentIn = (b: ServerBatch) => b.requests.map((r) => capabilityOf(r.params)).sort();
const CAPABILITIES = ['cart/add-item', 'cart/discount', 'cart/remove-item', 'cart/total'];

// One server: the tests take turns.
describe('sdna plan --semantic --batch', { timeout: 120_000 }, () => {
  it('sends every capability in one batch, the same requests as the Messages path; collects them once ended; then sends nothing', async ({ expect }) => {
    reset();
    const root = project();
    const staticPlan = await sdna(['plan', '--root', root], { root });

    // The Messages path, for what each request should be.
    await sdna(['plan', '--root', root, '--semantic', '--no-cache'], { root, env: { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' } });
    const direct = new Map(messages.map((p) => [capabilityOf(p), p]));
    expect([...direct.keys()].sort()).toEqual(CAPABILITIES);

    reset();
    batches = [];
    const first = await plan(root);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(staticPlan.code);
    expect(batches).toHaveLength(1);
    const [sent] = batches;
    expect(sentIn(sent)).toEqual(CAPABILITIES);
    for (const { custom_id, params } of sent.requests) {
      expect(custom_id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(params).toEqual(direct.get(capabilityOf(params)));
      expect(params.model).toBe('claude-sonnet-5-5');
      expect(params.tools[0].cache_control).toEqual({ type: 'ephemeral' });
      expect(params.tool_choice).toMatchObject({ type: 'tool', name: 'report_verdict' });
      expect(params.messages[0].content).toContain('<file path="src/cart.ts"');
    }
    expect(sent.requests.find((r) => capabilityOf(r.params) === 'cart/total')!.params.messages[0].content).toContain('text: The total is the sum of price times quantity, in cents.');
    expect(first.json!.semantic.batch).toEqual({ sent: 4, collected: 0, pending: [{ id: 'msgbatch_test1', requests: 4, status: 'in_progress', created: sent.created }] });
    expect(first.json!.semantic.notChecked).toEqual(
      CAPABILITIES.map((capability) => ({ capability, reason: 'in batch msgbatch_test1 (in_progress, sent just now); run again to collect it', batch: 'msgbatch_test1' })),
    );
    expect(first.json!.semantic).toMatchObject({ checked: 0, cached: 0, cost: 0 });
    expect(first.json!.findings.filter((f) => f.kind.startsWith('semantic-'))).toEqual([]);

    // Still in progress: asked about, nothing sent again.
    reset();
    const waiting = await plan(root);
    expect(calls).toEqual(['GET /v1/messages/batches/msgbatch_test1']);
    expect(batches).toHaveLength(1);
    expect(waiting.json!.semantic.batch).toEqual({ sent: 0, collected: 0, pending: [{ id: 'msgbatch_test1', requests: 4, status: 'in_progress', created: sent.created }] });
    expect(waiting.json!.semantic.notChecked.map((n) => n.batch)).toEqual(Array(4).fill('msgbatch_test1'));

    // Ended: a keeps, a breaks with evidence in the slice, a breaks without, and an errored request.
    sent.status = 'ended';
    reset((capability, code) => {
      if (capability === 'cart/total') return { type: 'succeeded', answer: { verdict: 'breaks', clause: 'in cents', evidence: [cite(code, 'src/cart.ts', 'sum += price * quantity;')], explanation: 'It sums without rounding to cents.' } };
      if (capability === 'cart/discount') return { type: 'succeeded', answer: { verdict: 'breaks', clause: 'half up', evidence: [{ file: 'src/cart.ts', line: 1, quote: 'Math.floor' }], explanation: 'It floors.' } };
      if (capability === 'cart/remove-item') return { type: 'errored' };
      return { type: 'succeeded', answer: keeps() };
    });
    const collected = await plan(root);
    expect(calls).toEqual(['GET /v1/messages/batches/msgbatch_test1', 'GET /v1/messages/batches/msgbatch_test1', 'GET /v1/messages/batches/msgbatch_test1/results']);
    expect(collected.code).toBe(1);
    expect(collected.json!.findings.filter((f) => f.kind.startsWith('semantic-')).map(({ kind, capability, file, line }) => ({ kind, capability, file, line }))).toEqual([
      { kind: 'semantic-unclear', capability: 'cart/discount', file: 'specs/cart.spec.md', line: 17 },
      { kind: 'semantic-drift', capability: 'cart/total', file: 'src/cart.ts', line: 17 },
    ]);
    expect(collected.json!.semantic.notChecked).toEqual([
      { capability: 'cart/remove-item', reason: 'its request in batch msgbatch_test1 failed (overloaded_error: Overloaded); the next run sends it again' },
    ]);
    expect(collected.json!.semantic.batch).toEqual({ sent: 0, collected: 3, pending: [] });
    expect(collected.json!.semantic.checked).toBe(3);
    // Three answers of 1,000 tokens in, 500 read from the prompt cache and 100 out, at half Sonnet 5.5's list price.
    expect(collected.json!.semantic.cost).toBeCloseTo((3 * (1000 * 2 + 500 * 0.2 + 100 * 10)) / 2 / 1e6, 10);
    expect(JSON.parse(fs.readFileSync(stateFile(root), 'utf8'))).toEqual({ format: 1, batches: [] });
    expect(fs.readdirSync(path.join(root, 'node_modules/.cache/sdna/semantic-batches'))).toEqual([]);

    // The errored one goes again, alone; the rest are cached.
    reset();
    const again = await plan(root);
    expect(batches).toHaveLength(2);
    expect(sentIn(batches[1])).toEqual(['cart/remove-item']);
    expect(again.json!.semantic).toMatchObject({ cached: 3, batch: { sent: 1, collected: 0 } });
    batches[1].status = 'ended';
    const last = await plan(root);
    expect(last.json!.semantic).toMatchObject({ checked: 1, cached: 3, notChecked: [], batch: { sent: 0, collected: 1, pending: [] } });

    // Everything cached, nothing waiting: no request at all.
    reset();
    const quiet = await plan(root);
    expect(calls).toEqual([]);
    expect(quiet.json!.semantic).toMatchObject({ checked: 0, cached: 4, notChecked: [], batch: { sent: 0, collected: 0, pending: [] } });
  });

  it('says how long a batch has waited, and the terminal counts it on one line', async ({ expect }) => {
    reset();
    batches = [];
    const root = project();
    await plan(root);
    const state = JSON.parse(fs.readFileSync(stateFile(root), 'utf8')) as { batches: { created: string }[] };
    state.batches[0].created = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    fs.writeFileSync(stateFile(root), JSON.stringify(state));
    const r = await plan(root);
    expect(r.json!.semantic.notChecked[0].reason).toBe('in batch msgbatch_test1 (in_progress, sent 2 h ago); run again to collect it');
    const text = await sdna(['plan', '--root', root, '--semantic', '--batch'], { root, env: { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' } });
    expect(text.stdout).toContain(
      'Semantic check (claude-sonnet-5-5): 0 checked, 0 cached, 4 not checked; 0 tokens in, 0 out; about $0.00.\n' +
        '  batch (half price): 0 requests sent, 0 answers collected; waiting: msgbatch_test1 (4 requests, in_progress); run the same command again to collect them (within 24 hours).\n',
    );
    expect(text.stdout).not.toContain('not checked: cart/');
  });

  it('a garbled state file, or a batch whose slices are gone, is no crash: what it held is sent again', async ({ expect }) => {
    reset();
    batches = [];
    const root = project();
    const staticPlan = await sdna(['plan', '--root', root], { root });
    for (const garbled of ['{"format": 1, "batches": [', '{"format": 1, "batches": [{"id": 42}]}']) {
      write(root, 'node_modules/.cache/sdna/semantic-batches.json', garbled);
      const r = await plan(root);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: staticPlan.code, stderr: '' });
      expect(r.json!.semantic.batch).toMatchObject({ sent: 4 });
    }

    batches[1].status = 'ended';
    const slices = path.join(root, 'node_modules/.cache/sdna/semantic-batches');
    for (const f of fs.readdirSync(slices)) fs.writeFileSync(path.join(slices, f), 'garbage');
    const lost = await plan(root);
    expect(lost.json!.semantic.notChecked.map((n) => n.reason)).toEqual(
      Array(4).fill('the slices sent with batch msgbatch_test2 are missing from the cache folder, so its answers cannot be judged; the next run sends it again'),
    );
    const resent = await plan(root);
    expect(resent.json!.semantic.batch).toMatchObject({ sent: 4, pending: [{ id: 'msgbatch_test3' }] });
  });

  it('two runs at once send one batch', async ({ expect }) => {
    reset();
    batches = [];
    createDelayMs = 400;
    const root = project();
    const [a, b] = await Promise.all([plan(root), plan(root)]);
    expect([a.stderr, b.stderr]).toEqual(['', '']);
    expect(batches.map(sentIn)).toEqual([CAPABILITIES]);
    expect([a.json!.semantic.batch!.sent, b.json!.semantic.batch!.sent].sort()).toEqual([0, 4]);
    expect(JSON.parse(fs.readFileSync(stateFile(root), 'utf8')).batches).toHaveLength(1);

    // Once it has ended, one run collects it and the other finds the verdicts it saved.
    batches[0].status = 'ended';
    reset();
    const [c, d] = await Promise.all([plan(root), plan(root)]);
    expect(calls.filter((x) => x.endsWith('/results'))).toHaveLength(1);
    expect(batches).toHaveLength(1);
    expect([c.json!.semantic, d.json!.semantic].map((s) => [s.checked, s.cached]).sort()).toEqual([
      [0, 4],
      [4, 0],
    ]);
  });

  it('--max-cost weighs a batch at batch prices, before it is sent', async ({ expect }) => {
    reset();
    batches = [];
    const none = await plan(project(), ['--max-cost', '0']);
    expect(batches).toEqual([]);
    expect(calls).toEqual([]);
    expect(none.json!.semantic.notChecked.map((n) => n.reason)).toEqual(Array(4).fill('not sent: it would pass --max-cost $0'));

    // What all four may cost at half price: the Messages path, at full price, sends only some of them.
    const root = project();
    await sdna(['plan', '--root', root, '--semantic', '--no-cache'], { root, env: { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' } });
    const worst = messages.map((p) => ((Math.ceil(p.system[0].text.length / 4) + Math.ceil(p.messages[0].content.length / 4)) * 2 + 400 * 10) / 1e6);
    const limit = (worst.reduce((a, b) => a + b, 0) / 2) * 1.001;
    reset();
    const direct = await sdna(['plan', '--root', root, '--semantic', '--no-cache', '--json', '--max-cost', String(limit)], { root, env: { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' } });
    expect(messages.length).toBeLessThan(4);
    expect(JSON.parse(direct.stdout).semantic.notChecked.length).toBeGreaterThan(0);
    const batched = await plan(root, ['--max-cost', String(limit)]);
    expect(batches.map(sentIn)).toEqual([CAPABILITIES]);
    expect(batched.json!.semantic.notChecked.every((n) => n.batch === 'msgbatch_test1')).toBe(true);
  });

  it('is refused without --semantic, with --confirm and without a cache folder', async ({ expect }) => {
    const root = project();
    const env = { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'test-key' };
    const cases: [string[], string][] = [
      [['--batch'], 'sdna: --batch works with --semantic only: add --semantic, or drop it\n'],
      [['--semantic', '--batch', '--confirm'], 'sdna: --batch and --confirm do not go together yet: collect the verdicts with --batch, then run --semantic --confirm (the verdicts are cached, so only the confirming requests are sent)\n'],
      [['--semantic', '--batch', '--no-cache'], 'sdna: --batch keeps the batches it sent in the cache folder: drop --no-cache, or give --cache-dir\n'],
    ];
    for (const [flags, stderr] of cases) {
      const r = await sdna(['plan', '--root', root, ...flags], { root, env });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr });
    }
  });
});
