import { InvalidRequestError } from '../jsonrpc/json-rpc-error.js';

/**
 * The server refused to load a thread because another app-server process on the same
 * `CODEX_HOME` has it loaded ("thread … already has an active writer", -32600). One process at a
 * time may write a thread; it keeps the thread until it exits, even after its clients leave.
 * Reading (`thread/read`) and forking (`thread/fork`) still work from any process; to continue the
 * thread itself, connect to the process that has it (a shared daemon rather than a server per client).
 *
 * @example
 * try {
 *   await codex.threadResume(threadId);
 * } catch (error) {
 *   if (error instanceof ThreadWriterConflictError) await codex.threadFork(error.threadId);
 *   else throw error;
 * }
 */
export class ThreadWriterConflictError extends InvalidRequestError {
  override readonly name: string = 'ThreadWriterConflictError';
  constructor(
    /** The thread another process holds. */
    readonly threadId: string,
    message: string,
    data?: unknown,
    method?: string,
  ) {
    super(-32600, `${message}: another app-server process on this CODEX_HOME has the thread loaded, and only it can write to it until it exits (thread/read and thread/fork still work)`, data, method);
  }
}
