/**
 * Stream events: every notification of one turn, as it arrives.
 */
import { lastValueFrom, tap, toArray } from 'rxjs';
import type { Codex, TurnEvent } from 'codex-rx';
import { deltas, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [response(deltas(['1, ', '2, ', '3, ', '4, ', '5. ', 'Counting is fun.'], { delayMs: 20 }))];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const turn = await thread.turn('Count from 1 to 5, then say one short sentence.');

  // events$ replays from the turn's first event, so subscribing after turn() misses nothing,
  // and it completes after turn/completed: lastValueFrom waits for the whole turn.
  const events = await lastValueFrom(turn.events$.pipe(tap((event) => io.log(describe(event))), toArray()));
  io.log(`events: ${events.length}`);
}

/** One line per event: its method, and what matters in it. */
function describe(event: TurnEvent): string {
  switch (event.method) {
    case 'item/agentMessage/delta':
      return `${event.method} ${JSON.stringify(event.params.delta)}`;
    case 'item/started':
    case 'item/completed':
      return `${event.method} ${event.params.item.type}`;
    case 'turn/completed':
      return `${event.method} ${event.params.turn.status}`;
    default:
      return event.method;
  }
}

await runIfMain(import.meta, { main, script });
