/**
 * Turn controls: steer a running turn with more input, and interrupt another.
 */
import { firstValueFrom } from 'rxjs';
import { JsonRpcError, agentTextDeltas, type Codex, type TurnHandle } from 'codex-rx';
import { assistantMessage, deltas, gate, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

const numbers = (count: number) => Array.from({ length: count }, (_, i) => `${i + 1}, `);

export const script = [
  // Offline the model writes slowly, as a real one does, so the steer lands mid-answer…
  response(deltas(numbers(40), { delayMs: 50 })),
  response(assistantMessage('1, 2, 3, 4, 5, 6, 7, 8, 9, 10. Stopped at ten, as asked.')),
  // …and the turn to interrupt never finishes on its own.
  response(deltas(numbers(3)), gate('never opened')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();

  const steered = await thread.turn('Count from 1 to 40 with commas, then one summary sentence.');
  await firstDelta(steered);
  try {
    // Steering adds input to the running turn; the model takes it into account, in the same turn.
    const { turnId } = await steered.steer('Keep it brief and stop after 10 numbers.');
    io.log(`steer accepted by turn ${turnId === steered.id ? 'itself' : turnId}`);
  } catch (error) {
    // A fast model may have finished already: then there is no active turn to steer.
    if (!(error instanceof JsonRpcError)) throw error;
    io.log(`steer skipped: ${error.message}`);
  }
  const steerResult = await steered.run();
  io.log(`steer.status: ${steerResult.status}`);
  io.log(`steer.answer: ${steerResult.finalResponse}`);

  const interrupted = await thread.turn('Count from 1 to 200 with commas, then one summary sentence.');
  await firstDelta(interrupted);
  await interrupted.interrupt();
  const interruptResult = await interrupted.run();
  io.log(`interrupt.status: ${interruptResult.status}`);
}

/** Waits until the model has started writing, so the turn is visibly under way. */
function firstDelta(turn: TurnHandle): Promise<string> {
  return firstValueFrom(turn.events$.pipe(agentTextDeltas()));
}

await runIfMain(import.meta, { main, script });
