import { flattenParts } from './flatten-parts.js';
import type { ScriptPart, SseResponseScript } from './response-script.js';

/**
 * A streamed response that plays exactly the given steps, with no `response.created` before and
 * no `response.completed` after: for scripting malformed or truncated streams. `usage(…)`
 * parts are ignored, since there is no closing event to carry them.
 *
 * @example
 * // The stream ends without response.completed: the server reports a stream error.
 * mock.enqueue(rawResponse(event({ type: 'response.created', response: { id: 'resp_x' } }), deltas(['Hel'])));
 */
export function rawResponse(...parts: ScriptPart[]): SseResponseScript {
  return { kind: 'sse', steps: flattenParts(parts).steps };
}
