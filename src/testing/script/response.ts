import { flattenParts } from './flatten-parts.js';
import { nextId } from './ids.js';
import type { ScriptPart, ScriptStep, SseResponseScript } from './response-script.js';
import { usageWireShape } from './usage.js';

/** Events after which the server stops reading a stream. */
const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
]);

/**
 * A complete streamed model response built from parts: it opens with `response.created`, plays
 * the parts in order and closes with `response.completed` (carrying the `usage(…)` part, zeros
 * otherwise) — unless the parts end the stream themselves, as `failed(…)` does. Every
 * `response.*` event without a `response.id` gets this response's id.
 *
 * @example
 * mock.enqueue(
 *   response(deltas(['Hel', 'lo']), usage({ inputTokens: 10, outputTokens: 2 })),
 *   response(execCommand('touch x'), assistantMessage('Running it', { phase: 'commentary' })),
 *   response(deltas(['Half an ans']), failed('stream broke')),
 * );
 */
export function response(...parts: ScriptPart[]): SseResponseScript {
  const responseId = nextId('resp');
  const { steps, usage } = flattenParts(parts);
  const created: ScriptStep = { kind: 'event', event: { type: 'response.created', response: {} } };
  const body = [created, ...steps];
  const endsItself = steps.some((step) => step.kind === 'event' && TERMINAL_EVENT_TYPES.has(step.event.type));
  if (!endsItself) {
    body.push({ kind: 'event', event: { type: 'response.completed', response: { usage: usageWireShape(usage) } } });
  }
  return { kind: 'sse', steps: body.map((step) => withResponseId(step, responseId)) };
}

function withResponseId(step: ScriptStep, responseId: string): ScriptStep {
  if (step.kind !== 'event') return step;
  const payload = step.event['response'];
  if (typeof payload !== 'object' || payload === null || 'id' in payload) return step;
  return { kind: 'event', event: { ...step.event, response: { id: responseId, ...payload } } };
}
