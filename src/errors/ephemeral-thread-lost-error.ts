/**
 * An ephemeral thread (`ephemeral: true`) lives only in the memory of the server that started it,
 * and only the connection that started it gets its events: after a drop, a new connection cannot
 * resume it (the server has no rollout of it), so this client can no longer follow it. Its turn
 * running at the drop ends with this error (the server may still be running it), and every later
 * turn on it fails with it at once, before anything is sent. Not retryable: start a new thread.
 *
 * @example
 * try {
 *   await thread.run('Summarize the diff');
 * } catch (error) {
 *   if (!(error instanceof EphemeralThreadLostError)) throw error;
 *   const fresh = await codex.threadStart({ ephemeral: true });
 *   await fresh.run('Summarize the diff');
 * }
 */
export class EphemeralThreadLostError extends Error {
  override readonly name = 'EphemeralThreadLostError';
  /** Always false: the thread cannot be followed again; start a new one. */
  readonly retryable = false;

  constructor(
    /** The ephemeral thread. */
    readonly threadId: string,
    /** The turn that was running at the drop, if this error ended one. */
    readonly turnId?: string,
  ) {
    super(
      `thread ${threadId} is ephemeral and the connection that started it dropped: a new connection cannot resume it (the server keeps no rollout of it), ` +
        (turnId === undefined ? 'so no turn can be run on it from this client' : `so turn ${turnId} can no longer be followed (the server may still be running it)`),
    );
  }
}
