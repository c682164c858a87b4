import type { Plan } from '../src/model/model.js';

export interface ReporterOptions {
  /** ANSI colours; the CLI turns them on only on a TTY without NO_COLOR. */
  color: boolean;
  /** Only findings at level `error` and the closing line. */
  quiet: boolean;
}

/** A reporter turns a plan into text; it never prints or exits. */
export type Reporter = (plan: Plan, options: ReporterOptions) => string;
