import type { EventStep } from './response-script.js';

/**
 * Options of `failed`.
 *
 * @example
 * const options: FailedOptions = { code: 'server_error' };
 * mock.enqueue(response(failed('Overheated', options)));
 */
export interface FailedOptions {
  /**
   * The error `code`. Some codes make the server react specially (for example
   * `context_length_exceeded`, `insufficient_quota`, `rate_limit_exceeded`); the default
   * `server_error` is an ordinary failure.
   */
  readonly code?: string;
}

/**
 * A `response.failed` event: the model run failed with `message`. Used as the last part of
 * `response(…)` it replaces the usual `response.completed`; the turn then completes with status
 * `failed` and `turn.error.message` containing the message.
 *
 * @example
 * mock.enqueue(response(failed('The model is on fire')));
 * // turn/completed: turn.status === 'failed', turn.error.message includes 'The model is on fire'
 */
export function failed(message: string, options: FailedOptions = {}): EventStep {
  return {
    kind: 'event',
    event: {
      type: 'response.failed',
      response: { status: 'failed', error: { code: options.code ?? 'server_error', message } },
    },
  };
}
