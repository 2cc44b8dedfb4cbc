import { map, type OperatorFunction } from 'rxjs';
import type { ServerNotification } from '../protocol/server-notification.js';
import { ofMethod } from './of-method.js';

/**
 * A chunk of a command's output, with the item it belongs to.
 *
 * @example
 * turn.events$.pipe(commandOutput()).subscribe((chunk: CommandOutputChunk) => console.log(`[${chunk.itemId}] ${chunk.text}`));
 */
export interface CommandOutputChunk {
  readonly itemId: string;
  readonly text: string;
}

/**
 * The output of the commands the agent runs, chunk by chunk as it streams.
 *
 * @example
 * turn.events$.pipe(commandOutput()).subscribe(({ text }) => process.stderr.write(text));
 */
export function commandOutput(): OperatorFunction<ServerNotification, CommandOutputChunk> {
  return (events$) =>
    events$.pipe(
      ofMethod('item/commandExecution/outputDelta'),
      map((notification) => ({ itemId: notification.params.itemId, text: notification.params.delta })),
    );
}
