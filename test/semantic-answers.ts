// What the tests' local Messages API servers answer: the model's forced tool
// call, as a Message, and evidence quoted from the slice a request showed.

/** A Message whose one block calls `report_verdict` with `input`. */
export function message(input: unknown) {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content: [{ type: 'tool_use', id: 'toolu_test', name: 'report_verdict', input }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 500, cache_creation_input_tokens: 0 },
  };
}

/** The line of the code block that holds `text`, as `{ file, line, quote }`. */
export function cite(code: string, file: string, text: string) {
  const blocks = code.split('<file ').filter((b) => b.startsWith(`path="${file}"`));
  const line = blocks.flatMap((b) => b.split('\n')).find((l) => /^\d+\| /.test(l) && l.includes(text));
  if (!line) throw new Error(`the slice has no line of ${file} with ${text}`);
  return { file, line: Number(line.slice(0, line.indexOf('|'))), quote: text };
}
