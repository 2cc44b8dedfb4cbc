/**
 * Details of how a transport ended, for error messages and for callers that want to react.
 *
 * @example
 * const error = new TransportClosedError('the app-server exited', { exitCode: 1, stderrTail: ['error: bad config'] });
 * error.message; // names the exit code and the stderr lines
 */
export interface TransportClosedDetails {
  /** The child process exit code, when a process exited. */
  readonly exitCode?: number | null;
  /** The signal that ended the child process, when one did. */
  readonly signal?: NodeJS.Signals | null;
  /** The WebSocket close code, when a socket closed. */
  readonly closeCode?: number;
  /** The WebSocket close reason, when one was given. */
  readonly closeReason?: string;
  /** The last lines the server wrote to stderr (stdio transport). */
  readonly stderrTail?: readonly string[];
  /** What failed underneath, when something did (spawn error, socket error). */
  readonly cause?: unknown;
}

/**
 * The connection to the app-server is gone: the process exited, the socket closed, or the
 * client closed it. Every pending request and every running turn fails with this error.
 *
 * @example
 * codex.notifications$.subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof TransportClosedError) console.error(error.exitCode, error.signal, error.stderrTail);
 *   },
 * });
 */
export class TransportClosedError extends Error {
  override readonly name = 'TransportClosedError';
  readonly exitCode: number | null | undefined;
  readonly signal: NodeJS.Signals | null | undefined;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  readonly stderrTail: readonly string[];

  constructor(summary: string, details: TransportClosedDetails = {}) {
    super(TransportClosedError.describe(summary, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason;
    this.stderrTail = details.stderrTail ?? [];
  }

  private static describe(summary: string, details: TransportClosedDetails): string {
    const parts = [summary];
    if (details.signal) parts.push(`signal ${details.signal}`);
    else if (details.exitCode !== undefined && details.exitCode !== null) parts.push(`exit code ${details.exitCode}`);
    if (details.closeCode !== undefined) {
      parts.push(`close code ${details.closeCode}${details.closeReason ? ` (${details.closeReason})` : ''}`);
    }
    let text = parts.join(', ');
    if (details.stderrTail && details.stderrTail.length > 0) {
      text += `\nlast stderr lines:\n  ${details.stderrTail.join('\n  ')}`;
    }
    return text;
  }
}
