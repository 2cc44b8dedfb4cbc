/**
 * Whether a request changes nothing on the server, so that one lost in a dropped connection can
 * simply be sent again on the next: the reads, by the protocol's naming (`…/read`, `…/list`,
 * `…/get`). Everything else (starting a turn, writing config, archiving …) may have taken effect
 * before the drop, and fails with `ConnectionLostError` instead.
 *
 * @example
 * isSafeToResend('thread/list'); // true
 * isSafeToResend('turn/start'); // false
 */
export function isSafeToResend(method: string): boolean {
  return method.endsWith('/read') || method.endsWith('/list') || method.endsWith('/get');
}
