import { ExitCode } from './exit-code.js';
import type { InterruptSignal } from './interrupt-signals.js';

/**
 * The exit code after stopping for `signal`: 128 + the signal's number, what a shell reports
 * for a process the signal killed (130 for SIGINT, 141 for SIGPIPE, 143 for SIGTERM).
 *
 * @example
 * return signalExitCode('SIGINT'); // 130
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
