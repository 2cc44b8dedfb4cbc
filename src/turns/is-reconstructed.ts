const RECONSTRUCTED = new WeakSet<object>();

/**
 * Whether an event of a turn was rebuilt by the client from the server's stored turn after a
 * reconnection, rather than received live: an `item/completed` for an item that completed while
 * the connection was down, or the `turn/completed` of a turn that ended meanwhile (or was lost).
 *
 * @example
 * turn.events$.subscribe((event) => {
 *   if (isReconstructed(event)) console.log(`${event.method} (recovered after a reconnection)`);
 * });
 */
export function isReconstructed(event: object): boolean {
  return RECONSTRUCTED.has(event);
}

/**
 * Marks an event as rebuilt from stored state (see `isReconstructed`) and returns it.
 *
 * @internal
 * @example
 * const event = markReconstructed({ method: 'turn/completed', params: { threadId, turn } });
 */
export function markReconstructed<T extends object>(event: T): T {
  RECONSTRUCTED.add(event);
  return event;
}
