import type { AssistantMessageOptions } from './assistant-message-options.js';
import { nextId } from './ids.js';
import { messageAdded, messageDone, textDelta } from './message-events.js';
import type { EventStep } from './response-script.js';

/**
 * An assistant message with its whole text at once: one `output_item.added`, a single
 * `output_text.delta` with all of the text, and `output_item.done`. The single delta is what a
 * real (short) answer looks like, and it keeps clients that render from deltas working.
 *
 * @example
 * mock.enqueue(response(assistantMessage('Hello!', { phase: 'final_answer' })));
 * // → item/started (agentMessage), item/agentMessage/delta "Hello!", item/completed
 */
export function assistantMessage(text: string, options: AssistantMessageOptions = {}): EventStep[] {
  const id = options.id ?? nextId('msg');
  return [
    messageAdded(id, options.phase),
    ...(text === '' ? [] : [textDelta(id, text)]),
    messageDone(id, text, options.phase),
  ];
}
