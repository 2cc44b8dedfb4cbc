import type { DelayStep } from './response-script.js';

/**
 * A pause of `ms` milliseconds between two events of a scripted response.
 *
 * @example
 * // Two deltas that arrive as separate notifications, 50 ms apart.
 * mock.enqueue(response(deltas(['Hel']), delay(50), deltas(['lo'])));
 */
export function delay(ms: number): DelayStep {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a non-negative number of ms, got ${ms}`);
  return { kind: 'delay', ms };
}
