import type { TapObserver } from 'rxjs';
import type { TurnEvent } from '../../turns/turn-event.js';

/**
 * Writes each event of a turn to `stdout` as one line of JSON, `{"method": …, "params": …}`,
 * the notification as the server sent it: for `jq` and line-based stream processing. For `tap`.
 *
 * @example
 * // codex-rx run --json "…" | jq -r 'select(.method == "item/agentMessage/delta") | .params.delta'
 * import { lastValueFrom, tap } from 'rxjs';
 *
 * await lastValueFrom(turn.events$.pipe(tap(jsonLinesWriter(process.stdout)), toTurnResult()));
 */
export function jsonLinesWriter(stdout: NodeJS.WritableStream): Partial<TapObserver<TurnEvent>> {
  return {
    next: (event) => {
      stdout.write(`${JSON.stringify({ method: event.method, params: event.params })}\n`);
    },
  };
}
