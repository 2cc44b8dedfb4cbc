/**
 * How a remote connection is re-established after an unexpected close: up to `maxAttempts`
 * tries, the n-th after `min(maxDelayMs, initialDelayMs * 2^(n-1))` ms, scaled by a random factor
 * in `1 ± jitter` so that many clients of one restarted server do not come back in step.
 *
 * @example
 * const codex = await Codex.connect({
 *   transport: { url: 'ws://127.0.0.1:4500', token: 'secret' },
 *   reconnect: { maxAttempts: 20, initialDelayMs: 200, maxDelayMs: 5_000, jitter: 0.3 },
 * });
 */
export interface ReconnectConfig {
  /** How many connection attempts after a drop before giving up (then everything fails with `TransportClosedError`). */
  readonly maxAttempts?: number;
  /** The delay before the first attempt, in ms; it doubles with each failed attempt. */
  readonly initialDelayMs?: number;
  /** The longest delay between two attempts, in ms. */
  readonly maxDelayMs?: number;
  /** How much each delay varies at random, as a ratio of it (0: none, 0.2: ±20 %). */
  readonly jitter?: number;
}

/**
 * The defaults of `ReconnectConfig`: a first attempt after about 100 ms (a blip is bridged
 * before a user notices), doubling up to 5 s, 10 attempts (about half a minute in all) before the
 * client gives up and fails as it does without reconnection.
 *
 * @example
 * const patient: ReconnectConfig = { ...DEFAULT_RECONNECT_CONFIG, maxAttempts: 100 };
 */
export const DEFAULT_RECONNECT_CONFIG: Required<ReconnectConfig> = {
  maxAttempts: 10,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  jitter: 0.2,
};
