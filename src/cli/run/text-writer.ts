import type { TapObserver } from 'rxjs';
import type { TurnEvent } from '../../turns/turn-event.js';
import { displayCommand } from '../shared/display-command.js';

/**
 * Writes a turn for a person: the agent's text to `stdout` as it streams (a blank line between
 * two messages, a final newline), and the commands the agent ran to `stderr`, so that stdout
 * holds nothing but the answer and can be piped on. For `tap`.
 *
 * @example
 * import { lastValueFrom, tap } from 'rxjs';
 *
 * await lastValueFrom(turn.events$.pipe(tap(textWriter(process.stdout, process.stderr)), toTurnResult()));
 */
export function textWriter(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Partial<TapObserver<TurnEvent>> {
  let currentItem: string | undefined;
  let lastChar = '\n';
  const write = (text: string) => {
    if (text === '') return;
    stdout.write(text);
    lastChar = text.at(-1)!;
  };
  return {
    next: (event) => {
      if (event.method === 'item/agentMessage/delta') {
        const { itemId, delta } = event.params;
        if (currentItem !== undefined && currentItem !== itemId) write(lastChar === '\n' ? '\n' : '\n\n');
        currentItem = itemId;
        write(delta);
      } else if (event.method === 'item/completed' && event.params.item.type === 'commandExecution') {
        const { command, exitCode, status } = event.params.item;
        const outcome = exitCode === null || exitCode === undefined ? status : `exit ${exitCode}`;
        stderr.write(`$ ${displayCommand(command)}  (${outcome})\n`);
      }
    },
    finalize: () => {
      if (lastChar !== '\n') write('\n');
    },
  };
}
