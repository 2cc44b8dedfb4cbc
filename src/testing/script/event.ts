import type { EventStep, ResponseEvent } from './response-script.js';

/**
 * A step that sends one SSE event exactly as given: the escape hatch for event types the other
 * helpers do not cover (reasoning items, web search calls, …).
 *
 * @example
 * mock.enqueue(response(
 *   event({ type: 'response.output_item.done', item: { type: 'reasoning', id: 'rs_1', summary: [] } }),
 *   assistantMessage('Done thinking'),
 * ));
 */
export function event(responseEvent: ResponseEvent): EventStep {
  return { kind: 'event', event: responseEvent };
}
