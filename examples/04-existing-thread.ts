/**
 * Existing thread: continue a stored conversation by its id.
 */
import type { Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(assistantMessage('Saturn is less dense than water.')),
  response(assistantMessage('Its rings are mostly ice, and thinner than a kilometre.')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  // Make a thread to come back to; a real app would have kept the id from an earlier session.
  const original = await codex.threadStart();
  const first = await original.run('Tell me one fact about Saturn.');
  io.log(`created thread ${first.threadId}: ${first.finalResponse}`);

  // Resume by id: the server loads the stored history, so "one more" refers to Saturn.
  const resumed = await codex.threadResume(first.threadId);
  const second = await resumed.run('Continue with one more fact.');
  io.log(`resumed thread ${resumed.id}: ${second.finalResponse}`);

  const { thread } = await resumed.read({ includeTurns: true });
  io.log(`turns in the thread: ${thread.turns.length}`);
}

await runIfMain(import.meta, { main, script });
