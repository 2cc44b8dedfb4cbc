/**
 * A request got no answer within its timeout. A late answer is ignored.
 *
 * @example
 * const error = await codex.threadList({}, { timeoutMs: 1 }).catch((e: unknown) => e);
 * if (error instanceof RequestTimeoutError) console.error(`${error.method}: no answer in ${error.timeoutMs} ms`);
 */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${method}: no response within ${timeoutMs} ms`);
  }
}
