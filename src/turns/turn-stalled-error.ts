import type { TurnError } from '../protocol/generated/codecs.js';

/**
 * A turn made no progress for its stall timeout and the server still had it running: the client
 * interrupted it and gave up. `lastRetryError` is the last error the server said it would retry
 * (e.g. "Reconnecting... waiting for network"), when there was one.
 *
 * @example
 * try {
 *   await thread.run('Say hello', { stallTimeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof TurnStalledError) console.error(error.message, error.lastRetryError?.message);
 * }
 */
export class TurnStalledError extends Error {
  override readonly name = 'TurnStalledError';
  constructor(
    readonly threadId: string,
    readonly turnId: string,
    /** How long the turn went without progress, in ms. */
    readonly stallTimeoutMs: number,
    readonly lastRetryError: TurnError | null,
  ) {
    super(
      `turn ${turnId} made no progress for ${stallTimeoutMs} ms and was interrupted` +
        (lastRetryError === null ? '' : `; the server kept retrying: ${lastRetryError.message}`),
    );
  }
}
