import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/index.ts',
    vitest: 'src/vitest/index.ts',
    schemas: 'src/schemas.ts',
  },
  format: 'esm',
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest/index.ts' }, compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } },
  clean: true,
  minify: process.env.SDNA_DEBUG_BUILD ? false : true,
  sourcemap: true,
  splitting: true,
  // One bundle per entry starts faster than resolving dozens of small packages,
  // and `sdna plan` runs in pre-commit hooks where start-up is most of the time.
  // jiti and typescript stay external: they load only for TypeScript config
  // files and for specs with an `## API` block.
  noExternal: [/^(?!jiti|typescript)/],
  external: ['jiti', 'typescript'],
  banner: { js: "import { createRequire as __sdnaCreateRequire } from 'node:module'; const require = __sdnaCreateRequire(import.meta.url);" },
});
