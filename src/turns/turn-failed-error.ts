import type { TurnResult } from './turn-result.js';

/**
 * A turn ended with status `failed`. The message is the turn's error; the whole result is kept.
 *
 * @example
 * try {
 *   await thread.run('Summarize the repository');
 * } catch (error) {
 *   if (error instanceof TurnFailedError) console.error(error.result.error?.codexErrorInfo, error.message);
 * }
 */
export class TurnFailedError extends Error {
  override readonly name = 'TurnFailedError';
  constructor(readonly result: TurnResult) {
    super(result.error?.message ?? `turn ${result.id} failed`);
  }
}
