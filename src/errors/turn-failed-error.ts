import type { TurnResult } from '../client/turn-result.js';

/** A turn ended with status `failed`. The message is the turn's error; the whole result is kept. */
export class TurnFailedError extends Error {
  override readonly name = 'TurnFailedError';
  constructor(readonly result: TurnResult) {
    super(result.error?.message ?? `turn ${result.id} failed`);
  }
}
