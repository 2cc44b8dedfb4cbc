import { map, type OperatorFunction } from 'rxjs';
import type { ServerNotification } from '../protocol/server-notification.js';
import { ofMethod } from './of-method.js';

/**
 * A chunk of a command's output, with the item it belongs to.
 *
 * @example
 * turn.events$.pipe(commandOutput()).subscribe({
 *   next: (chunk: CommandOutputChunk) => console.log(`[${chunk.itemId}] ${chunk.text}`),
 *   error: console.error,
 * });
 */
export interface CommandOutputChunk {
  readonly itemId: string;
  readonly text: string;
}

/**
 * The output of the commands the agent runs, chunk by chunk as it streams.
 *
 * @example
 * turn.events$.pipe(commandOutput()).subscribe({ next: ({ text }) => process.stderr.write(text), error: console.error });
 */
export function commandOutput(): OperatorFunction<ServerNotification, CommandOutputChunk> {
  return (events$) =>
    events$.pipe(
      ofMethod('item/commandExecution/outputDelta'),
      map((notification) => ({ itemId: notification.params.itemId, text: notification.params.delta })),
    );
}
