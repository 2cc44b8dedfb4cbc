/**
 * CLI mini app: a chat loop in the terminal, streaming each answer as it is written.
 */
import { lastValueFrom } from 'rxjs';
import { agentTextDeltas, toTurnResult, type Codex } from 'codex-rx';
import { deltas, response, usage } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(deltas(['Hi! ', 'What shall ', 'we build today?'], { delayMs: 30 }), usage({ inputTokens: 900, outputTokens: 9 })),
  response(deltas(['You said ', 'hello.'], { delayMs: 30 }), usage({ inputTokens: 1000, outputTokens: 5 })),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  io.log('Codex mini CLI. Type /exit to quit.');
  // One thread for the whole session: each turn sees the conversation so far.
  const thread = await codex.threadStart();

  for (;;) {
    const line = (await io.readLine('you> '))?.trim();
    if (line === undefined || line === '/exit' || line === '/quit') break;
    if (line === '') continue;

    const turn = await thread.turn(line);
    io.write('assistant> ');
    turn.events$.pipe(agentTextDeltas()).subscribe({ next: (text) => io.write(text), error: () => {} });
    // The error, if any, is the one the result below rejects with; it is reported there once.
    // rejectFailed: false keeps a failed turn as a result to show, instead of an error to catch.
    const result = await lastValueFrom(turn.events$.pipe(toTurnResult({ rejectFailed: false })));
    io.write('\n');

    io.log(`status> ${result.status}${result.error ? ` (${result.error.message})` : ''}`);
    const tokens = result.usage;
    if (tokens) io.log(`usage> last ${tokens.last.totalTokens} tokens, thread total ${tokens.total.totalTokens}`);
  }
  io.log('bye');
}

await runIfMain(import.meta, { main, script });
