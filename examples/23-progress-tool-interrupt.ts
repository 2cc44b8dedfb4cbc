/**
 * A tool that streams its progress as an Observable, and is cancelled by an interrupt: the app
 * shows the progress as it comes, interrupts the turn at 30 %, and the tool's Observable is
 * unsubscribed (its teardown runs) and its signal aborted. Nothing is answered for the call.
 */
import { finalize, interval, map, Subject, take, takeWhile, tap } from 'rxjs';
import { tool, type Codex } from 'codex-rx';
import { functionCall, response } from 'codex-rx/testing';
import { z } from 'zod';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [response(functionCall('build', { target: 'web' }))];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const progress$ = new Subject<number>();
  const build = tool({
    name: 'build',
    description: 'Builds a target; takes a while',
    input: z.object({ target: z.string() }),
    // The Observable's last value is the answer; the values before it are progress.
    run: ({ target }, { signal }) =>
      interval(100).pipe(
        take(10),
        map((tick) => (tick + 1) * 10),
        tap((percent) => progress$.next(percent)),
        map((percent) => (percent === 100 ? `built ${target}` : `${percent} %`)),
        finalize(() => io.log(`build stopped; signal aborted: ${signal.aborted}`)),
      ),
  });
  const thread = await codex.threadStart({ tools: [build] });
  const turn = await thread.turn('Build the web target');
  progress$.pipe(takeWhile((percent) => percent < 30, true)).subscribe({
    next: (percent) => {
      io.log(`progress: ${percent} %`);
      if (percent === 30) void turn.interrupt();
    },
    error: (error: unknown) => io.log(`progress: ${String(error)}`),
  });
  const result = await turn.run(); // an interrupted turn resolves, with status 'interrupted'
  io.log(`turn: ${result.status}`);
  const call = result.items.find((item) => item.type === 'dynamicToolCall');
  io.log(`tool call: ${call?.type === 'dynamicToolCall' ? call.status : 'none'}`);
}

await runIfMain(import.meta, { main, script });
