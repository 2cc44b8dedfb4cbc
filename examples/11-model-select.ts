/**
 * Model select: list the models, pick one and its deepest reasoning effort, and run turns with them.
 */
import type { Codex, protocol } from 'codex-rx';
import { assistantMessage, response, usage } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

const EFFORT_RANK = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

export const script = [
  response(assistantMessage('Ship small changes often, behind flags, with a fast rollback.'), usage({ inputTokens: 800, outputTokens: 14 })),
  response(assistantMessage('Releases stay boring when every step is automated.'), usage({ inputTokens: 850, outputTokens: 10 })),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const { data: models } = await codex.models({ includeHidden: true });
  const model = pickModel(models);
  const effort = deepestEffort(model);
  io.log(`models: ${models.length}, selected: ${model.model} (effort ${effort})`);

  // Set on the thread, the model applies to every turn; set on a turn, to it and the ones after.
  const thread = await codex.threadStart({ model: model.model });
  const first = await thread.run('Give one short sentence about reliable production releases.', { effort });
  io.log(`answer: ${first.finalResponse}`);
  io.log(`tokens: ${first.usage?.last.totalTokens}`);

  const second = await thread.run('And one more, at the default effort.', { effort: model.defaultReasoningEffort });
  io.log(`answer: ${second.finalResponse}`);
}

/** The server's default model if it is visible, else the first visible one that no other model supersedes. */
function pickModel(models: readonly protocol.Model[]): protocol.Model {
  const visible = models.filter((m) => !m.hidden);
  const current = visible.filter((m) => !visible.some((other) => m.upgrade === other.id));
  const model = visible.find((m) => m.isDefault) ?? current[0] ?? models[0];
  if (model === undefined) throw new Error('the server lists no models');
  return model;
}

function deepestEffort(model: protocol.Model): string {
  const efforts = model.supportedReasoningEfforts.map((option) => option.reasoningEffort);
  return efforts.sort((a, b) => EFFORT_RANK.indexOf(b) - EFFORT_RANK.indexOf(a))[0] ?? model.defaultReasoningEffort;
}

await runIfMain(import.meta, { main, script });
