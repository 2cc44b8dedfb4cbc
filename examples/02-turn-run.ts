/**
 * Turn run: everything a finished turn reports in its `TurnResult`.
 */
import type { Codex } from 'codex-rx';
import { assistantMessage, response, usage } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(
    assistantMessage('Looking at what SIMD means in practice.', { phase: 'commentary' }),
    assistantMessage('- One instruction, many data lanes\n- Great for pixels and audio\n- Needs aligned, contiguous data', { phase: 'final_answer' }),
    usage({ inputTokens: 1200, cachedInputTokens: 800, outputTokens: 60, reasoningOutputTokens: 20 }),
  ),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const result = await thread.run('Give 3 short bullets about SIMD.');

  io.log(`thread: ${result.threadId}`);
  io.log(`turn: ${result.id}`);
  io.log(`status: ${result.status}`);
  io.log(`error: ${result.error?.message ?? 'none'}`);
  io.log(`duration: ${result.durationMs ?? '?'} ms (started ${result.startedAt}, completed ${result.completedAt})`);
  // Items are every item the turn completed, in order; the commentary is one of them.
  io.log(`items: ${result.items.map((item) => item.type).join(', ')}`);
  // finalResponse is the last final-answer message, not the commentary before it.
  io.log(`final response:\n${result.finalResponse}`);
  const last = result.usage?.last;
  io.log(`usage: ${last?.inputTokens} in (${last?.cachedInputTokens} cached), ${last?.outputTokens} out, ${last?.totalTokens} total`);
}

await runIfMain(import.meta, { main, script });
