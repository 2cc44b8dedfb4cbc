import { filter, map, type OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../turns/turn-event.js';
import type { FleetEvent } from './fleet-event.js';

/**
 * The turn events of a job's stream, so that the library's turn operators apply. A job that was
 * restarted runs its turn again: its events then start over after the restart (watch the
 * `attempt` entries to tell, or keep only `entry.attempt` of the result).
 *
 * @example
 * const job = await producer.submit({ input: 'Say hello', thread: {} });
 * job.events$.pipe(fleetTurnEvents(), agentTextDeltas()).subscribe((text) => process.stdout.write(text));
 */
export function fleetTurnEvents(): OperatorFunction<FleetEvent, TurnEvent> {
  return (source) =>
    source.pipe(
      filter((entry): entry is Extract<FleetEvent, { kind: 'event' }> => entry.kind === 'event'),
      map((entry) => entry.event),
    );
}
