// A stand-in for the Messages API on 127.0.0.1, for the tests that run a check
// asking Claude through the real @anthropic-ai/sdk (ANTHROPIC_BASE_URL points
// here): it records every request and answers each as the test says, with a
// forced tool call, an error status, or a raw body.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExpectStatic } from 'vitest';

export interface RequestBody {
  model: string;
  tools: { name: string; cache_control?: unknown }[];
  tool_choice: { type: string; name: string };
  system: { text: string; cache_control?: unknown }[];
  messages: { content: string }[];
}

/** The tool call's input, or an error status, or a whole response body; after `delayMs`. */
export type Reply = { status?: number; answer?: unknown; raw?: unknown; delayMs?: number };

export interface MessagesApi {
  url: string;
  /** Answers each request; a throw is the test's mistake, answered 400 and kept in `errors`. */
  answer: (body: RequestBody) => Reply;
  errors: string[];
  /** The most requests in flight at once since it was last set to 0. */
  maxInFlight: number;
  close(): void;
}

/** The response to a request whose answer is a call of `tool` with `input`. */
export function toolCall(tool: string, input: unknown) {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content: [{ type: 'tool_use', id: 'toolu_test', name: tool, input }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 500, cache_creation_input_tokens: 0 },
  };
}

export async function messagesApi(): Promise<MessagesApi> {
  let inFlight = 0;
  const api: MessagesApi = { url: '', answer: () => ({ status: 500 }), errors: [], maxInFlight: 0, close: () => server.close() };
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const body = JSON.parse(data) as RequestBody;
      let reply: Reply;
      try {
        reply = api.answer(body);
      } catch (error) {
        reply = { status: 400, raw: { error: String(error) } };
        api.errors.push(String(error));
      }
      inFlight++;
      api.maxInFlight = Math.max(api.maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        if (res.destroyed) return;
        const status = reply.status ?? 200;
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after-ms': '1', 'request-id': 'req_test' });
        if (status !== 200) res.end(JSON.stringify({ type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: `status ${status}${api.errors.length ? `: ${api.errors.join('; ')}` : ''}` } }));
        else res.end(JSON.stringify(reply.raw ?? toolCall(body.tool_choice.name, reply.answer)));
      }, reply.delayMs ?? 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

/** The request forces a call of `tool`, its only tool, on the default model, with the shared prefix (tool and instructions) marked for prompt caching. */
export function expectForcedCall(expect: ExpectStatic, body: RequestBody, tool: string): void {
  expect(body.model).toBe('claude-sonnet-5-5');
  expect(body.tool_choice).toMatchObject({ type: 'tool', name: tool });
  expect(body.tools.map((t) => t.name)).toEqual([tool]);
  expect(body.tools[0].cache_control).toEqual({ type: 'ephemeral' });
  expect(body.system[0].cache_control).toEqual({ type: 'ephemeral' });
}

/** The line of a request's code block that holds `text`, as evidence: `{ file, line, quote }`. */
export function cite(code: string, file: string, text: string) {
  const blocks = code.split('<file ').filter((b) => b.startsWith(`path="${file}"`));
  const line = blocks.flatMap((b) => b.split('\n')).find((l) => /^\d+\| /.test(l) && l.includes(text));
  if (!line) throw new Error(`the slice has no line of ${file} with ${text}`);
  return { file, line: Number(line.slice(0, line.indexOf('|'))), quote: text };
}
