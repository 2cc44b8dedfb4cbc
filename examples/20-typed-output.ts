/**
 * Typed output with zod: the turn's answer follows a schema, streams as typed partial objects
 * (`turn.output$`), and ends as a validated value; a schema the model's strict mode would refuse
 * fails at the call, before anything is sent.
 */
import { lastValueFrom, tap } from 'rxjs';
import { z } from 'zod';
import { SchemaError, type Codex } from 'codex-rx';
import { assistantMessage, deltas, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

const Review = z.object({
  verdict: z.enum(['approve', 'request-changes']),
  findings: z.array(
    z.object({
      file: z.string(),
      line: z.number().int(),
      severity: z.enum(['low', 'high']),
      // Optional in spirit, but strict mode wants every key: a nullable field instead of .optional().
      suggestion: z.string().nullable(),
    }),
  ),
});
type Review = z.infer<typeof Review>;
let shown = 0;

const ANSWER: Review = {
  verdict: 'request-changes',
  findings: [
    { file: 'src/cache.ts', line: 42, severity: 'high', suggestion: 'Evict on write, not on read.' },
    { file: 'src/cache.ts', line: 77, severity: 'low', suggestion: null },
    { file: 'src/index.ts', line: 3, severity: 'low', suggestion: 'Export the Cache type.' },
  ],
};

/** Offline: the first answer at once; the second streamed a few characters at a time after a commentary, as a model writes it. */
export const script = [
  response(assistantMessage(JSON.stringify(ANSWER), { phase: 'final_answer' })),
  response(
    assistantMessage('Reading the cache module first.', { phase: 'commentary' }),
    deltas(JSON.stringify(ANSWER).match(/.{1,6}/gs) ?? [], { phase: 'final_answer', delayMs: 2 }),
  ),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();

  // The whole answer, validated: result.output is a Review.
  const result = await thread.run('Review src/cache.ts and src/index.ts.', { output: Review });
  io.log(`verdict: ${result.output.verdict}`);
  for (const finding of result.output.findings) io.log(`- ${finding.file}:${finding.line} [${finding.severity}] ${finding.suggestion ?? '(no suggestion)'}`);

  // The answer as it streams: deep-partial Reviews, parsed from each delta; the last one is validated.
  const turn = await thread.turn('Review them again.', { output: Review });
  const last = await lastValueFrom(
    turn.output$.pipe(
      tap((soFar) => {
        const complete = (soFar.findings ?? []).filter((finding) => finding?.suggestion !== undefined).length;
        if (complete !== shown) io.log(`findings so far: ${(shown = complete)}`);
      }),
    ),
  );
  io.log(`streamed verdict: ${last.verdict}, ${last.findings?.length} findings`);

  // A schema with an optional field: strict mode needs every key, so the call fails before sending.
  try {
    await thread.run('Summarize.', { output: z.object({ summary: z.string(), note: z.string().optional() }) });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    for (const violation of error.violations) io.log(`refused: ${violation.path}: ${violation.message}`);
  }
}

await runIfMain(import.meta, { main, script });
