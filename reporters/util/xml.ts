// Escaping for XML 1.0 text and attributes. Characters XML cannot hold at all
// (control characters but tab and newlines, lone surrogates, U+FFFE/U+FFFF)
// would make the whole report unreadable, so they are spelled out as `\uXXXX`.

const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const spelled = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// In an attribute a parser turns tab and newlines into spaces unless they are references.
const ATTRIBUTE: Record<string, string> = { ...TEXT, '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

export function xmlText(value: string): string {
  return value.replace(FORBIDDEN, spelled).replace(/[&<>]/g, (c) => TEXT[c]);
}

export function xmlAttribute(value: string | number): string {
  return String(value).replace(FORBIDDEN, spelled).replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE[c]);
}
