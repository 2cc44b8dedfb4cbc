import type { TokenUsage, UsagePart } from './response-script.js';

/**
 * Token counts for the `response.completed` event that `response(…)` adds; without it the
 * response reports zeros.
 *
 * @example
 * mock.enqueue(response(
 *   assistantMessage('Hi'),
 *   usage({ inputTokens: 120, cachedInputTokens: 100, outputTokens: 8, reasoningOutputTokens: 3 }),
 * ));
 * // thread/tokenUsage/updated: last = { inputTokens: 120, cachedInputTokens: 100,
 * //   outputTokens: 8, reasoningOutputTokens: 3, totalTokens: 128, … }
 */
export function usage(tokens: TokenUsage): UsagePart {
  return { kind: 'usage', usage: tokens };
}

/** @internal The `usage` object of a Responses API `response`, in its wire shape. */
export function usageWireShape(tokens: TokenUsage | undefined): Record<string, unknown> {
  const input = tokens?.inputTokens ?? 0;
  const output = tokens?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: tokens?.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: tokens?.reasoningOutputTokens ?? 0 },
    total_tokens: tokens?.totalTokens ?? input + output,
  };
}
