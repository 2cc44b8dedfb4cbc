/**
 * Error handling and retry: typed errors, and retrying a turn the model was too busy to run.
 */
import { lastValueFrom } from 'rxjs';
import { InvalidParamsError, JsonRpcError, TurnFailedError, isRetryableError, retryOnOverload, type Codex, type Thread } from 'codex-rx';
import { assistantMessage, failed, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(failed('Model at capacity', { code: 'server_is_overloaded' })),
  response(assistantMessage('- Retry only transient errors\n- Back off exponentially, with jitter\n- Cap the attempts')),
  response(failed('The model broke down')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();

  // Bad input is refused before anything is sent.
  await thread.run('').catch((error: unknown) => {
    if (!(error instanceof InvalidParamsError)) throw error;
    io.log(`invalid params (code ${error.code}): nothing was sent`);
  });
  // A request the server refuses rejects with the JsonRpcError subclass of its code.
  await codex.threadResume('no-such-thread').catch((error: unknown) => {
    if (!(error instanceof JsonRpcError)) throw error;
    io.log(`${error.name} ${error.code} from ${error.method}`);
  });

  await ask(thread, io, 'Summarize retry best practices in 3 bullets.');
  await ask(thread, io, 'And one sentence on circuit breakers.');
}

/** A failed turn is retried only when the model was overloaded; any other failure is reported. */
async function ask(thread: Thread, io: ExampleIo, prompt: string): Promise<void> {
  // run$ is cold: every retry resubscribes, which starts a fresh turn on the same thread.
  const retried = thread.run$(prompt).pipe(retryOnOverload({ isRetryable: (error) => overloaded(error, io), initialDelayMs: 200 }));
  try {
    const result = await lastValueFrom(retried);
    io.log(`answer:\n${result.finalResponse}`);
  } catch (error) {
    if (!(error instanceof TurnFailedError)) throw error;
    io.log(`turn failed (${JSON.stringify(error.result.error?.codexErrorInfo)}): ${error.message}`);
  }
}

/**
 * `isRetryableError` (the default) knows a busy server (JSON-RPC -32001) and a turn the model
 * could not run for load (`codexErrorInfo: "serverOverloaded"`); this wrapper only says so.
 */
function overloaded(error: unknown, io: ExampleIo): boolean {
  const retryable = isRetryableError(error);
  if (retryable) io.log(`overloaded, retrying: ${(error as Error).message}`);
  return retryable;
}

await runIfMain(import.meta, { main, script });
