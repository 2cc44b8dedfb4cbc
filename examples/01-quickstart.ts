/**
 * Quickstart: start a thread, run one turn, print the answer.
 *
 * In a program of your own the connection is one line, closed when the scope ends:
 *   await using codex = await Codex.connect();
 * Here the runner (support/run-example.ts) connects for you, offline or with --live.
 */
import type { Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

/** What the scripted model answers when the example runs offline. */
export const script = [response(assistantMessage('Hello! I am Codex, ready to help with your code.'))];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  // `ready()` resolves once `initialize` is done, with the server's metadata.
  const { serverVersion } = await codex.ready();
  io.log(`app-server: ${serverVersion}`);

  const thread = await codex.threadStart();
  const result = await thread.run('Say hello in one sentence.');
  io.log(`status: ${result.status}`);
  io.log(`answer: ${result.finalResponse}`);
}

await runIfMain(import.meta, { main, script });
