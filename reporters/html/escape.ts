// Spec text reaches the page from files anyone can edit: every string goes
// through one of these two doors, so none can open an element or a script.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * JSON inside `<script type="application/json">`: `<` is written `\u003c`, so
 * `</script>` and `<!--` cannot end or bend the element, and U+2028/U+2029 are
 * escaped for readers that still take JSON for JavaScript. `JSON.parse` gives
 * back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
