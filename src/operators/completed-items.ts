import { map, type OperatorFunction } from 'rxjs';
import type { ThreadItem } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { ofMethod } from './of-method.js';

/**
 * Each item as the server completes it (agent messages, commands, file changes, …).
 *
 * @example
 * turn.events$.pipe(completedItems()).subscribe({ next: (item) => console.log(item.type), error: console.error });
 */
export function completedItems(): OperatorFunction<ServerNotification, ThreadItem> {
  return (events$) =>
    events$.pipe(
      ofMethod('item/completed'),
      map((notification) => notification.params.item),
    );
}
