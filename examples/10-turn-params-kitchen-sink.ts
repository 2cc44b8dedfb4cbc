/**
 * Turn params kitchen sink: one turn with most of the optional turn settings.
 */
import { ApprovalMode, Sandbox, type Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

/** The final answer must be JSON of this shape. */
const OUTPUT_SCHEMA = {
  type: 'object',
  properties: { summary: { type: 'string' }, actions: { type: 'array', items: { type: 'string' } } },
  required: ['summary', 'actions'],
  additionalProperties: false,
};

export const script = [
  response(
    assistantMessage(
      JSON.stringify({
        summary: 'Roll out behind the flag in stages, watching error rates at each stage.',
        actions: ['Enable for internal users', 'Ramp to 5%, then 25%, then 100%', 'Keep a one-click rollback'],
      }),
      { phase: 'final_answer' },
    ),
  ),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const result = await thread.run('Plan a safe rollout of a feature flag in production. Answer with JSON of the requested schema.', {
    approvalMode: ApprovalMode.denyAll, // never ask; what the sandbox forbids is refused
    sandbox: Sandbox.readOnly, // this turn, and the ones after it, may only read
    cwd: io.workspace,
    effort: 'medium',
    summary: 'concise',
    personality: 'pragmatic',
    outputSchema: OUTPUT_SCHEMA,
  });

  io.log(`status: ${result.status}`);
  const plan = JSON.parse(result.finalResponse ?? '{}') as { summary: string; actions: string[] };
  io.log(`summary: ${plan.summary}`);
  for (const action of plan.actions) io.log(`action: ${action}`);
  io.log(`tokens: ${result.usage?.last.totalTokens ?? 'n/a'}`);
}

await runIfMain(import.meta, { main, script });
