import { filter, fromEvent, map, merge, type Observable } from 'rxjs';
import { ExitCode } from './exit-code.js';

/**
 * Why the CLI is asked to stop: Ctrl-C (SIGINT), SIGTERM, or SIGPIPE, which stands for "stdout
 * was closed by its reader" (`codex-rx run --json … | head -1`): Node reports that as an EPIPE
 * error on the stream rather than as the signal.
 */
export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGPIPE';

/**
 * SIGINT (Ctrl-C), SIGTERM, and a closed stdout (as SIGPIPE), as they happen. While subscribed,
 * none of them kills the process: the subscriber decides (interrupt the turn, close the
 * server, then exit). Unsubscribing gives the default behaviour back.
 *
 * @example
 * import { ReplaySubject, take } from 'rxjs';
 *
 * const signals$ = new ReplaySubject<InterruptSignal>();
 * const watch = interruptSignals().subscribe(signals$);
 * signals$.pipe(take(1)).subscribe(() => void turn.interrupt());
 * // … finally: watch.unsubscribe();
 */
export function interruptSignals(): Observable<InterruptSignal> {
  return merge(
    fromEvent(process, 'SIGINT').pipe(map((): InterruptSignal => 'SIGINT')),
    fromEvent(process, 'SIGTERM').pipe(map((): InterruptSignal => 'SIGTERM')),
    // Listening also keeps a write to a closed pipe from crashing the process.
    fromEvent(process.stdout, 'error').pipe(
      filter((error) => (error as NodeJS.ErrnoException).code === 'EPIPE'),
      map((): InterruptSignal => 'SIGPIPE'),
    ),
  );
}

/**
 * The exit code after stopping for `signal`: 128 + the signal's number, what a shell reports
 * for a process the signal killed (130 for SIGINT, 141 for SIGPIPE, 143 for SIGTERM).
 *
 * @example
 * process.exitCode = signalExitCode('SIGINT'); // 130
 */
export function signalExitCode(signal: InterruptSignal): ExitCode {
  switch (signal) {
    case 'SIGINT':
      return ExitCode.interrupted;
    case 'SIGPIPE':
      return ExitCode.brokenPipe;
    case 'SIGTERM':
      return ExitCode.terminated;
  }
}
