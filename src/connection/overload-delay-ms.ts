/**
 * The delay before retry number `retryCount` (1 for the first retry) of a request the server
 * refused for overload: `min(maxDelayMs, initialDelayMs * 2^(retryCount-1))`, scaled by the jitter.
 *
 * @example
 * overloadDelayMs(3, DEFAULT_RETRY_ON_OVERLOAD_CONFIG, () => 0.5); // 1000: 250 ms doubled twice, jitter factor 1
 */
export function overloadDelayMs(
  retryCount: number,
  options: { readonly initialDelayMs: number; readonly maxDelayMs: number; readonly jitterRatio: number },
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retryCount - 1));
  const factor = 1 + options.jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.round(base * factor));
}
