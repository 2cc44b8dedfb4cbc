/**
 * Waits for one key on a terminal: `y` answers yes; `n`, Enter and Escape answer no. The caller
 * shows the question (on stderr, or inside a live view that redraws the screen: a line-based
 * prompt would fight with the redraw, a single key does not).
 *
 * The terminal is in raw mode meanwhile, so Ctrl-C arrives as a key rather than as SIGINT: it
 * answers no and raises SIGINT on this process, so the usual Ctrl-C handling still runs.
 * Aborting `signal` answers no.
 *
 * @example
 * process.stderr.write('Run `make test`? [y/N] ');
 * const yes = await askYesNo(process.stdin);
 */
export function askYesNo(input: NodeJS.ReadStream, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const wasRaw = input.isRaw;
    const finish = (answer: boolean) => {
      input.off('data', onData);
      signal?.removeEventListener('abort', onAbort);
      input.setRawMode(wasRaw);
      input.pause();
      resolve(answer);
    };
    const onAbort = () => finish(false);
    const onData = (data: Buffer) => {
      const key = data.toString('utf8').toLowerCase();
      if (key === 'y') finish(true);
      else if (key === 'n' || key === '\r' || key === '\n' || key === '\u001b') finish(false);
      else if (key === '\u0003') {
        finish(false);
        process.kill(process.pid, 'SIGINT');
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
