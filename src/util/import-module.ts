// `import()` of a module sdna does not bundle: a config or reporter the user
// names, jiti, the Anthropic SDK. On Node 20 the command line's bundle runs as a
// script handed V8's code cache (src/util/code-cache.ts), and there Node gives
// `import()` no loader without an experimental flag: the launcher, an ES module
// beside the bundle, lends its own.

type Importer = (specifier: string) => Promise<unknown>;

let lent: Importer | undefined;

export function lendImport(importer: Importer): void {
  lent = importer;
}

/** `import(specifier)` for an absolute file URL or a package name (what is relative to the caller would differ). */
export function importModule<T>(specifier: string): Promise<T> {
  return (lent ? lent(specifier) : import(specifier)) as Promise<T>;
}
