import type { AssistantMessageOptions } from './assistant-message-options.js';
import { nextId } from './ids.js';
import { messageAdded, messageDone, textDelta } from './message-events.js';
import type { ScriptStep } from './response-script.js';

/**
 * Options of `deltas`.
 *
 * @example
 * const options: DeltasOptions = { phase: 'final_answer', delayMs: 25 };
 * mock.enqueue(response(deltas(['One ', 'two'], options)));
 */
export interface DeltasOptions extends AssistantMessageOptions {
  /** A pause between two chunks, so that each one reaches the client on its own. Default 0. */
  readonly delayMs?: number;
}

/**
 * An assistant message streamed in chunks: each chunk becomes one `response.output_text.delta`
 * and, on the client side, one `item/agentMessage/delta`; the completed item carries the joined
 * text.
 *
 * @example
 * mock.enqueue(response(deltas(['Hel', 'lo'], { delayMs: 10 })));
 * // → item/agentMessage/delta "Hel", item/agentMessage/delta "lo", item/completed text "Hello"
 */
export function deltas(chunks: readonly string[], options: DeltasOptions = {}): ScriptStep[] {
  const id = options.id ?? nextId('msg');
  const steps: ScriptStep[] = [messageAdded(id, options.phase)];
  chunks.forEach((chunk, index) => {
    if (index > 0 && options.delayMs) steps.push({ kind: 'delay', ms: options.delayMs });
    steps.push(textDelta(id, chunk));
  });
  steps.push(messageDone(id, chunks.join(''), options.phase));
  return steps;
}
