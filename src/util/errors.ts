/**
 * An error sdna knows and can explain in one line (bad config, unreadable root).
 * The CLI prints its message and exits 2; anything else is a bug and is re-thrown.
 */
export class SdnaError extends Error {
  override name = 'SdnaError';
}
