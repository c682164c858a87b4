// markdown-it imports `decodeHTML` from entities, whose decoding table takes
// about 2 ms to build as its module loads: a tenth of parsing a small project's
// specs. Block parsing decodes entities only in a link definition
// (`[ref]: <url> "T&amp;C"`), so the table is built then, if ever.
// tsup.config.ts points markdown-it's `entities` here, and bundles the module
// this requires: the require runs on the first call.

type Decode = typeof import('entities/lib/decode.js');
let decode: Decode | undefined;

export function decodeHTML(text: string): string {
  decode ??= require('entities/lib/decode.js') as Decode;
  return decode.decodeHTML(text);
}
