/**
 * Twenty typed reviews fanned out and reduced: each file is reviewed on its own thread, at most
 * five at a time on one connection, each answer validated against the same zod schema; the typed
 * results reduce to one report. A review that does not validate is counted, not fatal.
 */
import { from, lastValueFrom, mergeMap, reduce } from 'rxjs';
import { z } from 'zod';
import { OutputValidationError, type Codex } from 'codex-rx';
import { assistantMessage, response, type MockResponsesServer } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

const FileReview = z.object({
  file: z.string(),
  risk: z.enum(['low', 'medium', 'high']),
  issues: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
type FileReview = z.infer<typeof FileReview>;

const FILES = Array.from({ length: 20 }, (_, i) => `src/module-${String(i + 1).padStart(2, '0')}.ts`);
const RISKS = ['low', 'medium', 'high'] as const;

/** Offline: each file's request is told apart by its prompt; module-13 answers in prose, which does not validate. */
export function script(mock: MockResponsesServer): void {
  FILES.forEach((file, i) => {
    const review: FileReview = { file, risk: RISKS[i % 3]!, issues: Array.from({ length: i % 4 }, (_, k) => ({ line: 10 * (k + 1), message: `issue ${k + 1} in ${file}` })) };
    const text = file.endsWith('13.ts') ? `I could not read ${file}.` : JSON.stringify(review);
    mock.enqueueMatching((request) => request.userTexts().some((prompt) => prompt.includes(file)), response(assistantMessage(text, { phase: 'final_answer' })));
  });
}

interface Report {
  readonly reviewed: number;
  readonly invalid: string[];
  readonly byRisk: Record<FileReview['risk'], number>;
  readonly issues: number;
  readonly riskiest: string[];
}

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const report = await lastValueFrom(
    from(FILES).pipe(
      // Fan out: five reviews in flight at a time, each on its own thread.
      mergeMap(async (file) => {
        const thread = await codex.threadStart();
        try {
          return (await thread.run(`Review ${file} and list its issues.`, { output: FileReview })).output;
        } catch (error) {
          if (error instanceof OutputValidationError) return { invalid: file };
          throw error;
        }
      }, 5),
      // Reduce: typed values, no parsing and no guessing at fields.
      reduce<FileReview | { invalid: string }, Report>(
        (acc, review) =>
          'invalid' in review
            ? { ...acc, invalid: [...acc.invalid, review.invalid] }
            : {
                reviewed: acc.reviewed + 1,
                invalid: acc.invalid,
                byRisk: { ...acc.byRisk, [review.risk]: acc.byRisk[review.risk] + 1 },
                issues: acc.issues + review.issues.length,
                riskiest: review.risk === 'high' ? [...acc.riskiest, review.file].sort() : acc.riskiest,
              },
        { reviewed: 0, invalid: [], byRisk: { low: 0, medium: 0, high: 0 }, issues: 0, riskiest: [] },
      ),
    ),
  );
  io.log(`reviewed: ${report.reviewed} of ${FILES.length}`);
  io.log(`risk: ${report.byRisk.high} high, ${report.byRisk.medium} medium, ${report.byRisk.low} low`);
  io.log(`issues: ${report.issues}`);
  io.log(`high risk: ${report.riskiest.join(', ')}`);
  io.log(`not valid: ${report.invalid.join(', ') || 'none'}`);
}

await runIfMain(import.meta, { main, script });
