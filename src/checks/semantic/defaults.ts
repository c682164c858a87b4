// Defaults the CLI's help names without loading the semantic check.
export const DEFAULT_CONCURRENCY = 4;
