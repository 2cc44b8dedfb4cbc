/**
 * One place where a codex executable was looked for, and why it was not usable.
 *
 * @example
 * try {
 *   resolveCodexBinary({ codexBin: '/opt/codex' });
 * } catch (error) {
 *   if (error instanceof CodexBinaryNotFoundError) {
 *     for (const attempt of error.attempts) console.error(attempt.source, attempt.path ?? '-', attempt.reason);
 *   }
 * }
 */
export interface CodexBinaryAttempt {
  /** Where the candidate came from: `codexBin option`, `CODEX_BIN`, `PATH`, or a package name. */
  readonly source: string;
  /** The path that was checked, when there was one to check. */
  readonly path?: string;
  /** Why the candidate was rejected (missing, not a file, not executable, package not installed …). */
  readonly reason: string;
}

/**
 * No usable `codex` executable was found. The message lists every candidate that was tried and
 * why each was rejected, so the fix (install the package, set `CODEX_BIN`, chmod +x) is obvious.
 *
 * @example
 * ```ts
 * try {
 *   resolveCodexBinary({ codexBin: '/opt/codex' });
 * } catch (error) {
 *   if (error instanceof CodexBinaryNotFoundError) console.error(error.attempts);
 * }
 * ```
 */
export class CodexBinaryNotFoundError extends Error {
  override readonly name = 'CodexBinaryNotFoundError';

  constructor(
    /** Every candidate, in the order it was tried. */
    readonly attempts: readonly CodexBinaryAttempt[],
  ) {
    super(CodexBinaryNotFoundError.describe(attempts));
  }

  private static describe(attempts: readonly CodexBinaryAttempt[]): string {
    const lines = attempts.map(
      (attempt) => `  - ${attempt.source}${attempt.path === undefined ? '' : `: ${attempt.path}`} (${attempt.reason})`,
    );
    return [
      'No usable codex executable found. Tried:',
      ...lines,
      'Install the pinned @openai/codex package with its platform binary, set CODEX_BIN, or pass codexBin.',
    ].join('\n');
  }
}
