import type { FleetEvent } from './fleet-event.js';

/**
 * Whether the entry ends the job's stream.
 *
 * @example
 * import { takeWhile } from 'rxjs';
 *
 * producer.events$(jobId).pipe(takeWhile((entry) => !isFinalFleetEvent(entry), true));
 */
export function isFinalFleetEvent(entry: FleetEvent): boolean {
  return entry.kind === 'result' || (entry.kind === 'failed' && entry.final);
}
