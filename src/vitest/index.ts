// `sdna/vitest` is reserved for the Vitest plugin, which is not part of this
// release yet. Importing it works; calling it explains instead of failing later.

export interface SdnaPluginOptions {
  [key: string]: unknown;
}

export function sdna(_options?: SdnaPluginOptions): never {
  throw new Error('sdna/vitest: the Vitest plugin is not available in this version of sdna yet; run `sdna plan` for the static check');
}
