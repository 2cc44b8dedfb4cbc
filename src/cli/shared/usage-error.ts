/**
 * The command line asks for something that cannot work (a missing value, options that exclude
 * each other, an unreadable token file). The CLI prints the message and exits with
 * `ExitCode.usage` before starting anything.
 *
 * @example
 * function checkTokenFile(options: { tokenFile?: string; ws?: string }): void {
 *   if (options.tokenFile && !options.ws) throw new UsageError('--token-file needs --ws');
 * }
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
