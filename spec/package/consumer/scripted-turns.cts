// An application's CommonJS module: the same calls through require().
import { agentTextDeltas, retryOnOverload, type TurnResult } from 'codex-rx';
import { deltas, response, startScriptedCodex } from 'codex-rx/testing';
import { lastValueFrom, merge, toArray } from 'rxjs';

async function main(): Promise<void> {
  const scripted = await startScriptedCodex();
  try {
    scripted.mock.enqueue(response(deltas(['Hel', 'lo'])));
    const thread = await scripted.codex.threadStart();
    const result: TurnResult = await thread.run('hi');

    scripted.mock.enqueue(response(deltas(['one'])));
    scripted.mock.enqueue(response(deltas(['two'])));
    const [a, b] = await Promise.all([scripted.codex.threadStart(), scripted.codex.threadStart()]);
    const texts = await lastValueFrom(merge(a.turn$('first'), b.turn$('second')).pipe(agentTextDeltas(), toArray()));

    const models = await lastValueFrom(scripted.codex.request$('model/list', {}).pipe(retryOnOverload()));
    console.log(JSON.stringify({ finalResponse: result.finalResponse, texts: texts.sort(), modelList: typeof models }));
  } finally {
    await scripted.dispose();
  }
}

void main();
