const SDNA_ERROR = Symbol.for('sdna.error');

/**
 * An error sdna knows and can explain in one line (bad config, unreadable root).
 * The CLI prints its message and exits 2; anything else is a bug and is re-thrown.
 *
 * Recognised by a registered symbol, not by class identity: the command line is
 * a bundle of its own, so an SdnaError a config or reporter throws through the
 * package's entry (`import { SdnaError } from 'sdna'`) is another copy of this class.
 */
export class SdnaError extends Error {
  override name = 'SdnaError';
  readonly [SDNA_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass (ReadRefused) keeps the ordinary test; the base class accepts every copy's instances.
    if (this !== SdnaError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [SDNA_ERROR]?: unknown })[SDNA_ERROR] === true;
  }
}
