import type { MessagePhase } from './message-phase.js';
import type { EventStep } from './response-script.js';

/** The wire shape of an assistant `message` output item. */
function messageItem(id: string, text: string | undefined, phase: MessagePhase | undefined): Record<string, unknown> {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: text === undefined ? 'in_progress' : 'completed',
    content: text === undefined ? [] : [{ type: 'output_text', text, annotations: [] }],
    ...(phase === undefined ? {} : { phase }),
  };
}

/** @internal `response.output_item.added` for a message: the server answers with `item/started`. */
export function messageAdded(id: string, phase: MessagePhase | undefined): EventStep {
  return { kind: 'event', event: { type: 'response.output_item.added', item: messageItem(id, undefined, phase) } };
}

/** @internal One `response.output_text.delta`: the server answers with `item/agentMessage/delta`. */
export function textDelta(itemId: string, delta: string): EventStep {
  return { kind: 'event', event: { type: 'response.output_text.delta', item_id: itemId, content_index: 0, delta } };
}

/** @internal `response.output_item.done` carrying the whole text: the server answers with `item/completed`. */
export function messageDone(id: string, text: string, phase: MessagePhase | undefined): EventStep {
  return { kind: 'event', event: { type: 'response.output_item.done', item: messageItem(id, text, phase) } };
}
