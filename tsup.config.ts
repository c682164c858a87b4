import path from 'node:path';
import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  target: 'node20',
  platform: 'node',
  minify: process.env.SDNA_DEBUG_BUILD ? false : true,
  sourcemap: true,
  // One bundle per entry starts faster than resolving dozens of small packages,
  // and `sdna plan` runs in pre-commit hooks where start-up is most of the time.
  // jiti, typescript and the Anthropic SDK stay external: they load only for
  // TypeScript config files, specs with an `## API` block and the semantic check.
  noExternal: [/^(?!jiti|typescript|@anthropic-ai\/sdk)/],
  external: ['jiti', 'typescript', '@anthropic-ai/sdk'],
  esbuildPlugins: [
    {
      // markdown-it imports only `decodeHTML` from entities, whose modules build their
      // tables on load (a few ms of every plan that parses a spec): it gets it from a
      // module that loads entities' decoder on the first call (src/util/entities-on-demand.ts).
      name: 'entities-on-demand',
      setup(build) {
        build.onResolve({ filter: /^entities$/ }, () => ({ path: path.resolve('src/util/entities-on-demand.ts') }));
      },
    },
  ],
};

export default defineConfig([
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      vitest: 'src/vitest/index.ts',
      schemas: 'src/schemas.ts',
      // Worker threads' entries: the semantic and generated-file checks start them by their paths beside the chunks.
      'outline-worker': 'src/checks/semantic/outline-worker.ts',
      'glance-worker': 'src/checks/generated/glance-worker.ts',
    },
    format: 'esm',
    dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest/index.ts' }, compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } },
    clean: true,
    splitting: true,
    // Bundled CommonJS dependencies call `require`.
    banner: { js: "import { createRequire as __sdnaCreateRequire } from 'node:module'; const require = __sdnaCreateRequire(import.meta.url);" },
  },
  {
    // The command line as one file: a module loaded is a file resolved, read
    // and linked, and the two dozen chunks that splitting made cost a scoped
    // plan in a pre-commit hook 6 % of its time. What it imports only for some
    // commands (the plan's checks, the spec parsers, the reporters) is still
    // run only when imported. CommonJS, because on Node 20 only a script (not
    // an ES module) can be handed V8's code cache: the launcher below does.
    ...shared,
    entry: { 'cli-main': 'src/cli/index.ts' },
    format: 'cjs',
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
    shims: true,
  },
  {
    // The `sdna` binary: loads cli-main.cjs with its compiled code kept between runs.
    // CommonJS too: Node starts a CommonJS main module without its ES module
    // loader, and requires its own modules without a facade for each (7 ms of every run).
    ...shared,
    entry: { cli: 'src/cli/launch.ts' },
    format: 'cjs',
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
  },
  {
    // Vite loads `vitest.config.ts` of a CommonJS package with `require`, which
    // refuses an ESM-only package: the plugin ships a CommonJS build as well.
    ...shared,
    entry: { vitest: 'src/vitest/index.ts' },
    format: 'cjs',
    outExtension: () => ({ js: '.cjs' }),
    dts: { entry: { vitest: 'src/vitest/index.ts' }, compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } },
    splitting: false,
    // `import.meta.url` (for createRequire and jiti) as CommonJS knows it.
    shims: true,
  },
]);
