import { Gate } from '../gate.js';

/**
 * A new `Gate`: put it among the parts of a response to hold the response open at that point
 * until the test calls `open()`. The parts on either side are separate items: `deltas(['a']),
 * hold, deltas(['b'])` streams two agent messages, "a" and then "b", and the turn's
 * `finalResponse` is "b".
 *
 * @example
 * const hold = gate('before final answer');
 * mock.enqueue(response(deltas(['Thinking…']), hold, assistantMessage('Answer')));
 * await hold.waitUntilReached();
 * hold.open();
 */
export function gate(label?: string): Gate {
  return new Gate(label);
}
