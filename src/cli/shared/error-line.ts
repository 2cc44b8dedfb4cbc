/**
 * An error as one line for stderr: its class name and the first line of its message. Some
 * errors carry more (a `TransportClosedError` appends the server's last stderr lines), but a
 * CLI failure should read as one clear sentence; the rest is noise in a terminal or a CI log.
 *
 * @example
 * try {
 *   await thread.run('Say hello');
 * } catch (error) {
 *   process.stderr.write(`codex-rx: ${errorLine(error)}\n`); // codex-rx: TurnFailedError: model unavailable
 * }
 */
export function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message.split('\n', 1)[0]?.trim() ?? '';
    return message === '' ? error.name : `${error.name}: ${message}`;
  }
  return `Error: ${String(error)}`;
}
