import type { ThreadItem } from '../protocol/generated/codecs.js';

/**
 * The answer among a turn's items: the last agent message in the `final_answer` phase, else the
 * last one without a phase (an empty string counts), else null.
 *
 * @example
 * finalResponse(result.items); // 'Hello!'
 */
export function finalResponse(items: readonly ThreadItem[]): string | null {
  let phaseless: string | null = null;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i]!;
    if (item.type !== 'agentMessage') continue;
    if (item.phase === 'final_answer') return item.text;
    if ((item.phase === undefined || item.phase === null) && phaseless === null) phaseless = item.text;
  }
  return phaseless;
}
