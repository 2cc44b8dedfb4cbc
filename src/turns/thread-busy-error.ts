/**
 * The server answered a `turn/start` with a turn that was already running on the thread (started
 * by another client): the input went into that turn instead of a new one, so there is no turn of
 * this call to hand back.
 *
 * @example
 * try {
 *   await thread.run('Summarize the diff');
 * } catch (error) {
 *   if (error instanceof ThreadBusyError) console.error(`thread ${error.threadId} is busy with turn ${error.runningTurnId}`);
 * }
 */
export class ThreadBusyError extends Error {
  override readonly name = 'ThreadBusyError';
  constructor(
    readonly threadId: string,
    /** The running turn the server folded the input into. */
    readonly runningTurnId: string,
  ) {
    super(`thread ${threadId} is busy: turn/start was folded into its running turn ${runningTurnId}`);
  }
}
