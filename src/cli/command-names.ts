/** The commands `sdna` has (a test holds this to its --help): the launcher keeps compiled code per command. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(['plan', 'report', 'diff', 'accept', 'baseline', 'import', 'export', 'init', 'explain']);
