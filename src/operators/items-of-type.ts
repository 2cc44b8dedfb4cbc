import { filter, type OperatorFunction } from 'rxjs';
import type { ThreadItem } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { completedItems } from './completed-items.js';

/**
 * The completed item of one `type`.
 *
 * @example
 * import { map } from 'rxjs';
 *
 * function show(command: ItemOfType<'commandExecution'>): string {
 *   return `${command.command} → exit ${command.exitCode}`;
 * }
 * turn.events$.pipe(itemsOfType('commandExecution'), map(show)).subscribe({ next: console.log, error: console.error });
 */
export type ItemOfType<K extends ThreadItem['type']> = Extract<ThreadItem, { type: K }>;

/**
 * Completed items of the given types, typed by them.
 *
 * @example
 * turn.events$.pipe(itemsOfType('commandExecution')).subscribe({
 *   next: (item) => console.log(item.command, item.exitCode),
 *   error: console.error,
 * });
 */
export function itemsOfType<K extends ThreadItem['type']>(...types: K[]): OperatorFunction<ServerNotification, ItemOfType<K>> {
  const wanted = new Set<string>(types);
  return (events$) =>
    events$.pipe(
      completedItems(),
      filter((item): item is ItemOfType<K> => wanted.has(item.type)),
    );
}
