#!/usr/bin/env node
// `npm run bench:semantic`: `sdna plan --semantic` against a local server that
// answers like the Messages API after a simulated latency (50 ms), on a corpus
// of about 200 capabilities as the generator writes it. Budgets:
//   cold: wall time <= (capabilities / concurrency) x 60 ms + 1 s more than the static plan;
//   warm (every verdict cached): 0 requests, and at most 100 ms more than the static plan.
// All three runs of a round share a warm parse cache; only the verdicts differ.
// Also reports each capability's slice tokens (median, p95) and what a first run
// over 1,000 capabilities would cost at the default model's list price.
//
//   node bench/semantic.mjs [--runs N] [--files 360] [--latency 50] [--concurrency 4] [--generator PATH]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { builtCli, corpus, flag, median, repo } from './common.mjs';

const runs = Number(flag('--runs', '5'));
const files = Number(flag('--files', '360'));
const latency = Number(flag('--latency', '50'));
const concurrency = Number(flag('--concurrency', '4'));
const cli = builtCli();

let requests = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    requests++;
    const input = Math.ceil(body.length / 4);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'msg_bench',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-5-5',
          content: [{ type: 'tool_use', id: 'toolu_bench', name: 'report_verdict', input: { verdict: 'keeps', clause: 'all', evidence: [], explanation: 'kept' } }],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: input, output_tokens: 150, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        }),
      );
    }, latency);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const env = { ...process.env, NO_COLOR: '1', ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.address().port}` };

/** One run of the CLI, timed from outside, without blocking this process's server. */
function run(args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status, stdout, stderr }));
  });
}

const dir = corpus(files);
const cacheDir = path.join(repo, '.bench', 'semantic-cache');
const base = ['plan', '--json', '--root', dir, '--cache-dir', cacheDir];
const staticMs = [];
const coldMs = [];
const warmMs = [];
let report;
let warmRequests = 0;
for (let i = 0; i < runs; i++) {
  // Each round: a fresh cache, filled by one untimed static plan, so that the three timed
  // runs differ only in the semantic check (the parse cache is warm for all three).
  fs.rmSync(cacheDir, { recursive: true, force: true });
  await run(base);
  const s = await run(base);
  staticMs.push(s.ms);
  requests = 0;
  const cold = await run([...base, '--semantic', '--concurrency', String(concurrency)]);
  if (cold.status !== 0 && cold.status !== 1) throw new Error(`sdna plan --semantic failed: ${cold.stderr}`);
  coldMs.push(cold.ms);
  report = JSON.parse(cold.stdout).semantic;
  requests = 0;
  const warm = await run([...base, '--semantic', '--concurrency', String(concurrency)]);
  warmMs.push(warm.ms);
  warmRequests += requests;
}
server.close();

const caps = report.checked + report.cached + report.notChecked.length;
const coldBudget = (caps / concurrency) * 60 + 1000;
const coldExtra = median(coldMs) - median(staticMs);
const warmExtra = median(warmMs) - median(staticMs);
const perCap = report.cost / Math.max(1, report.checked);
const line = (ok) => (ok ? 'ok' : 'OVER');
console.log(`${caps} capabilities (${files}-file corpus), ${latency} ms simulated latency, concurrency ${concurrency}, ${runs} runs each, alternated:`);
console.log(`  static plan median ${median(staticMs).toFixed(0)} ms`);
console.log(`  cold --semantic median ${median(coldMs).toFixed(0)} ms: ${coldExtra.toFixed(0)} ms over the static plan (budget ${coldBudget.toFixed(0)} ms) ${line(coldExtra <= coldBudget)}`);
console.log(`  warm --semantic median ${median(warmMs).toFixed(0)} ms: ${warmExtra.toFixed(0)} ms over the static plan (budget 100 ms) ${line(warmExtra <= 100)}; ${warmRequests} requests in ${runs} warm runs ${line(warmRequests === 0)}`);
console.log(`  slice tokens per capability: median ${report.sliceTokens.median}, p95 ${report.sliceTokens.p95}`);
console.log(`  estimated cost: $${perCap.toFixed(4)} a capability at ${report.model}'s list price, so about $${(perCap * 1000).toFixed(2)} for a first run over 1,000 capabilities`);
if (coldExtra > coldBudget || warmExtra > 100 || warmRequests > 0) process.exitCode = 1;
