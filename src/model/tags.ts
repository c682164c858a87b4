// Capabilities as Vitest tags: `it('…', { tags: ['links/create-link'] }, fn)`.

/**
 * The Vitest tag that stands for a capability. Tag names may not hold
 * whitespace or `! ( ) * | &` (Vitest's filter syntax); such characters in an
 * id (possible only in a spec id taken from a file name) become `-`.
 */
export function tagOf(capabilityId: string): string {
  return capabilityId.replace(/[\s!()*|&]/g, '-');
}
