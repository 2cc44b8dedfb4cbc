import type { Gate } from '../gate.js';

/**
 * One Responses API streaming event, as sent in an SSE `data:` line. `type` doubles as the SSE
 * `event:` name (`response.created`, `response.output_text.delta`, …).
 *
 * @example
 * const delta: ResponseEvent = { type: 'response.output_text.delta', item_id: 'msg_1', delta: 'Hi' };
 * mock.enqueue(response(event(delta)));
 */
export interface ResponseEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * Sends one SSE event.
 *
 * @example
 * const step: EventStep = event({ type: 'response.output_item.done', item: { type: 'reasoning', id: 'rs_1', summary: [] } });
 */
export interface EventStep {
  readonly kind: 'event';
  readonly event: ResponseEvent;
}

/**
 * Waits before the next step, to make streaming observable (or slow on purpose).
 *
 * @example
 * const pause: DelayStep = delay(100);
 */
export interface DelayStep {
  readonly kind: 'delay';
  readonly ms: number;
}

/**
 * Something a scripted SSE response does, in order: send an event, wait, or stop at a gate.
 *
 * @example
 * const steps: ScriptStep[] = [...deltas(['Hel']), delay(20), gate(), ...deltas(['lo'])];
 * mock.enqueue(rawResponse(steps));
 */
export type ScriptStep = EventStep | DelayStep | Gate;

/**
 * A response streamed as `text/event-stream`, played step by step.
 *
 * @example
 * const script: SseResponseScript = response(assistantMessage('Hi'));
 */
export interface SseResponseScript {
  readonly kind: 'sse';
  readonly steps: readonly ScriptStep[];
}

/**
 * A plain HTTP error answer (rate limit, server error …) instead of a stream.
 *
 * @example
 * const script: HttpErrorResponseScript = httpError(429);
 */
export interface HttpErrorResponseScript {
  readonly kind: 'httpError';
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * What the mock model answers to one `POST /v1/responses` request. Build one with `response(…)`,
 * `rawResponse(…)` or `httpError(…)`, then hand it to `MockResponsesServer.enqueue`.
 *
 * @example
 * const script: ResponseScript = response(assistantMessage('Hello'));
 * mock.enqueue(script);
 */
export type ResponseScript = SseResponseScript | HttpErrorResponseScript;

/**
 * Token counts reported in `response.completed`; turned into `thread/tokenUsage/updated`.
 *
 * @example
 * const tokens: TokenUsage = { inputTokens: 50, outputTokens: 5, cachedInputTokens: 20 };
 * mock.enqueue(response(assistantMessage('Hi'), usage(tokens)));
 */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Defaults to `inputTokens + outputTokens`. */
  readonly totalTokens?: number;
  /** Reported as `input_tokens_details.cached_tokens`; the server shows it as `cachedInputTokens`. */
  readonly cachedInputTokens?: number;
  /** Reported as `output_tokens_details.reasoning_tokens`; shown as `reasoningOutputTokens`. */
  readonly reasoningOutputTokens?: number;
}

/**
 * Sets the usage that `response(…)` reports in its closing `response.completed` event.
 *
 * @example
 * const part: UsagePart = usage({ inputTokens: 10, outputTokens: 2 });
 */
export interface UsagePart {
  readonly kind: 'usage';
  readonly usage: TokenUsage;
}

/**
 * What `response(…)` accepts: steps, usage, or (nested) lists of them, so helpers that return
 * several steps compose without spreading.
 *
 * @example
 * const parts: ScriptPart[] = [deltas(['a', 'b']), gate(), usage({ inputTokens: 1, outputTokens: 2 })];
 * mock.enqueue(response(...parts));
 */
export type ScriptPart = ScriptStep | UsagePart | readonly ScriptPart[];
