import type { ServerNotificationMap } from './generated/methods.js';

/**
 * A method name the server sends notifications with, as of the pinned protocol.
 *
 * @example
 * const lifecycle = ['turn/started', 'turn/completed'] as const satisfies readonly ServerNotificationMethod[];
 * codex.notifications$.pipe(ofMethod(...lifecycle)).subscribe((n) => console.log(n.method, n.params.turn.id));
 */
export type ServerNotificationMethod = keyof ServerNotificationMap;

/**
 * A notification from the server, decoded with its method's generated codec. A discriminated
 * union on `method`: narrowing on it types `params`.
 *
 * @example
 * codex.notifications$.subscribe((n) => {
 *   if (n.method === 'item/agentMessage/delta') process.stdout.write(n.params.delta);
 * });
 */
export type ServerNotification = {
  [M in ServerNotificationMethod]: { readonly method: M; readonly params: ServerNotificationMap[M] };
}[ServerNotificationMethod];

/**
 * The notification of one method.
 *
 * @example
 * function onDelta(notification: NotificationOf<'item/agentMessage/delta'>): void {
 *   process.stdout.write(notification.params.delta);
 * }
 * turn.events$.pipe(ofMethod('item/agentMessage/delta')).subscribe(onDelta);
 */
export type NotificationOf<M extends ServerNotificationMethod> = Extract<ServerNotification, { method: M }>;
