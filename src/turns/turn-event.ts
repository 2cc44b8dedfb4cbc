import type { ServerNotification } from '../protocol/server-notification.js';

/**
 * A notification that belongs to one turn, as `events$` of a turn emits them: those whose params
 * name the turn, by `turnId` or by the `turn` they carry (`turn/started`, `turn/completed`).
 * Thread-wide and connection-wide notifications (`thread/started`, account and MCP updates …)
 * are `ServerNotification`s but never `TurnEvent`s.
 *
 * @example
 * turn.events$.subscribe((event: TurnEvent) => {
 *   if (event.method === 'turn/completed') console.log(event.params.turn.status);
 * });
 */
export type TurnEvent = Extract<ServerNotification, { readonly params: { readonly turnId: string } | { readonly turn: { readonly id: string } } }>;

/**
 * The turn a notification belongs to, or undefined: `turnId` in its params, or the id of the
 * `turn` it carries (`turn/started`, `turn/completed`). Two property reads: this runs per frame.
 *
 * @example
 * turnIdOf({ method: 'item/agentMessage/delta', params: { turnId: 'turn_1', delta: 'Hi' } }); // 'turn_1'
 * turnIdOf({ method: 'thread/started', params: { thread: { id: 'thr_1' } } }); // undefined
 */
export function turnIdOf(notification: { readonly method: string; readonly params: unknown }): string | undefined {
  const params = notification.params as { turnId?: unknown; turn?: { id?: unknown } } | null | undefined;
  if (params === null || typeof params !== 'object') return undefined;
  const direct = params.turnId;
  if (typeof direct === 'string') return direct;
  const nested = params.turn?.id;
  return typeof nested === 'string' ? nested : undefined;
}
