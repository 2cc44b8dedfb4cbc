import { map, type OperatorFunction } from 'rxjs';
import type { ServerNotification } from '../protocol/server-notification.js';
import { ofMethod } from './of-method.js';

/**
 * The agent's streamed text, as the string deltas the server sends.
 *
 * @example
 * turn.events$.pipe(agentTextDeltas()).subscribe({ next: (text) => process.stdout.write(text), error: console.error });
 */
export function agentTextDeltas(): OperatorFunction<ServerNotification, string> {
  return (events$) =>
    events$.pipe(
      ofMethod('item/agentMessage/delta'),
      map((notification) => notification.params.delta),
    );
}
