import { filter, type OperatorFunction } from 'rxjs';
import type { NotificationOf, ServerNotification, ServerNotificationMethod } from '../protocol/server-notification.js';

/**
 * Keeps the notifications of the given methods, typed by them.
 *
 * @example
 * turn.events$.pipe(ofMethod('item/agentMessage/delta')).subscribe({ next: (n) => process.stdout.write(n.params.delta), error: console.error });
 */
export function ofMethod<M extends ServerNotificationMethod>(...methods: M[]): OperatorFunction<ServerNotification, NotificationOf<M>> {
  const wanted = new Set<string>(methods);
  return filter((notification): notification is NotificationOf<M> => wanted.has(notification.method));
}
