/**
 * A follow-up turn was submitted on a thread whose worker is gone, and the workers do not share
 * a `CODEX_HOME` (the producer's `sharedCodexHome` is off), so no other worker has its history.
 *
 * @example
 * try {
 *   await producer.submit({ input: 'And now?', thread: threadId });
 * } catch (error) {
 *   if (error instanceof ThreadOwnerGoneError) await producer.submit({ input: 'Start over: …' });
 * }
 */
export class ThreadOwnerGoneError extends Error {
  override readonly name = 'ThreadOwnerGoneError';
  constructor(
    /** The thread the turn was for. */
    readonly threadId: string,
    /** The worker that held it, when known. */
    readonly workerId: string | undefined,
  ) {
    super(
      workerId === undefined
        ? `no worker of the fleet holds thread ${threadId}`
        : `thread ${threadId} is held by worker ${workerId}, which is gone; without a shared CODEX_HOME no other worker can continue it`,
    );
  }
}
