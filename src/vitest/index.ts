// `sdna/vitest`: one line in vitest.config.ts and every run reports spec
// coverage and gates on it.
//
//   import { sdna } from 'sdna/vitest';
//   export default defineConfig({ plugins: [sdna()] });
//
// Nothing here imports Vitest at run time (only its types), so one build
// serves Vitest 3.2, 4.1 and 5: the plugin works with the instance it is handed,
// and detects what that Vitest lacks (test tags before 4.1) by feature.

import type {} from 'vitest';
import type { VitestPluginContext } from 'vitest/node';
import * as z from 'zod/mini';
import { configSchema, describeIssues, loadRawConfig, type UserConfig } from '../config.js';
import { SdnaError } from '../util/errors.js';
import { SdnaReporter } from './reporter.js';
import { Session, type PluginOutput } from './session.js';

export { applyRun, type RunResult, type RunTest } from './outcomes.js';
export { tagOf } from '../model/tags.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Capability ids (`<spec id>/<slug>`) this test proves: sdna maps its outcome onto them. */
    capabilities?: string[];
  }
  // Vitest 4.1 and 5 declare this very option; Vitest 3.2 takes `meta` at run
  // time (inherited from `describe` as on 4.1) but does not type it.
  interface TestOptions {
    meta?: Partial<TaskMeta>;
  }
}

export type SdnaOptions = UserConfig & PluginOutput;

const optionsSchema = z.strictObject({
  ...configSchema.def.shape,
  reporters: z.optional(z.array(z.union([z.string().check(z.minLength(1)), z.tuple([z.string().check(z.minLength(1)), z.looseObject({ file: z.optional(z.string().check(z.minLength(1))) })])]))),
  outputFile: z.optional(z.union([z.string(), z.record(z.string(), z.string())])),
  semantic: z.optional(
    z.union([
      z.boolean(),
      z.strictObject({
        model: z.optional(z.string().check(z.minLength(1))),
        maxCost: z.optional(z.number().check(z.minimum(0))),
        concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(64))),
        timeout: z.optional(z.number().check(z.positive())),
        capabilities: z.optional(z.array(z.string().check(z.minLength(1)))),
        tests: z.optional(z.boolean()),
        confirm: z.optional(z.boolean()),
        changed: z.optional(z.string().check(z.minLength(1))),
      }),
    ]),
  ),
});

const SESSION = Symbol.for('sdna.session');

interface SdnaPlugin {
  name: 'sdna';
  configureVitest(context: VitestPluginContext): Promise<void>;
}

/**
 * The Vitest plugin. Options are the config file's keys (the file is read too;
 * options win) plus `reporters` and `outputFile`.
 */
export function sdna(options: SdnaOptions = {}): SdnaPlugin {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SdnaError(`invalid sdna() options: ${describeIssues(parsed.error.issues, Object.keys(optionsSchema.def.shape))}`);
  }
  return {
    name: 'sdna',
    async configureVitest({ vitest, project }) {
      // Called once per project, and with `projects` the plugin may even be
      // evaluated once per project: the session lives on the Vitest instance.
      const host = vitest as unknown as { [SESSION]?: Promise<Session> };
      host[SESSION] ??= (async () => {
        const session = new Session(vitest, await loadRawConfig(vitest.config.root), parsed.data as SdnaOptions);
        await session.load();
        vitest.config.reporters.push(new SdnaReporter(session) as never);
        return session;
      })();
      (await host[SESSION]).declareTags(project);
    },
  };
}
