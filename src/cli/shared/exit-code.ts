/**
 * The exit codes of the `codex-rx` CLI, as scripts and CI read them.
 *
 * @example
 * process.exitCode = result.status === 'completed' ? ExitCode.ok : ExitCode.failure;
 */
export const ExitCode = {
  /** The turn (every turn of the demo) completed. */
  ok: 0,
  /** A turn failed, or the server or connection did. */
  failure: 1,
  /** The arguments were wrong; nothing was started. */
  usage: 2,
  /** Stopped with Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped because the reader of stdout went away (`| head`): 128 + SIGPIPE (13). */
  brokenPipe: 141,
  /** Stopped with SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

/** One of the `ExitCode` values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
