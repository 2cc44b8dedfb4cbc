import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import type { SseResponseScript } from '../../src/testing/script/response-script.js';
import { usage } from '../../src/testing/script/usage.js';

/** How many text deltas the scripted model streams per turn, in every benchmark. */
export const DELTAS_PER_TURN = 50;

const WORDS = ['The', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog;', 'then', 'it', 'naps.'] as const;

/** The chunks of the scripted answer: short words, like a model's token stream. */
export const ANSWER_CHUNKS: readonly string[] = Array.from({ length: DELTAS_PER_TURN }, (_, i) =>
  i === DELTAS_PER_TURN - 1 ? 'done.' : `${WORDS[i % WORDS.length]} `,
);

/** The text every turn ends with. */
export const ANSWER_TEXT = ANSWER_CHUNKS.join('');

/** The answer the scripted model gives to every turn: 50 deltas, then usage on completion. */
export function benchResponse(): SseResponseScript {
  return response(deltas(ANSWER_CHUNKS), usage({ inputTokens: 1_234, cachedInputTokens: 1_024, outputTokens: 56, reasoningOutputTokens: 0 }));
}
