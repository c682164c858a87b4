// Kept apart from the import check so that `--help` can say it without loading the check.

/**
 * The lowest confidence at which links were right at least 8 times in 10 on
 * three hand-labelled repositories (README, "How well import works"): a wrong
 * recorded link hides an untested capability, a missing one shows it.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.85;

/** Candidate tests `--semantic` shows the model per capability: enough for the right test to be among them, few enough to stay cheap. */
export const SHORTLIST_SIZE = 5;
