import type { TurnEvent } from '../turns/turn-event.js';
import type { TurnResult } from '../turns/turn-result.js';
import type { FleetFailure } from './fleet-failure.js';

/**
 * One entry of a job's event stream. `seq` numbers the entries of the job from 0, across all its
 * attempts, so that a pipeline can order them and drop a repeat; `attempt` counts the runs of the
 * job from 1. An `attempt` entry opens every run: a second one means the job was restarted (its
 * worker died, or its turn failed and is retried), and the turn's events start over after it.
 * The stream ends with a `result`, or with a `failed` entry that is `final`.
 *
 * @example
 * producer.events$(jobId).subscribe((entry) => {
 *   if (entry.kind === 'attempt' && entry.attempt > 1) console.log(`restarted on ${entry.workerId}`);
 *   if (entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta') process.stdout.write(entry.event.params.delta);
 * });
 */
export type FleetEvent =
  | { readonly kind: 'attempt'; readonly seq: number; readonly attempt: number; readonly workerId: string; readonly threadId?: string }
  | { readonly kind: 'event'; readonly seq: number; readonly attempt: number; readonly event: TurnEvent }
  | { readonly kind: 'result'; readonly seq: number; readonly attempt: number; readonly result: TurnResult }
  | {
      readonly kind: 'failed';
      readonly seq: number;
      readonly attempt: number;
      readonly failure: FleetFailure;
      /** No attempt follows. */
      readonly final: boolean;
    };
