import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogUpdate } from 'log-update';
import {
  catchError,
  concat,
  defer,
  EMPTY,
  finalize,
  interval,
  lastValueFrom,
  map,
  merge,
  of,
  pairwise,
  ReplaySubject,
  scan,
  skip,
  startWith,
  switchMap,
  take,
  takeWhile,
  tap,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { Codex } from '../../client/codex.js';
import { toTurnResult } from '../../turns/to-turn-result.js';
import { answerApprovals } from '../shared/answer-approvals.js';
import { askYesNo } from '../shared/ask-yes-no.js';
import { colorsFor } from '../shared/colors.js';
import type { DemoEvent } from './demo-event.js';
import { demoTasks, type DemoTask } from './demo-script.js';
import { reduceDemoState, type DemoState } from './demo-state.js';
import { initialDemoState } from './initial-demo-state.js';
import { errorLine } from '../shared/error-line.js';
import { ExitCode } from '../shared/exit-code.js';
import { interruptOnSignal } from '../shared/interrupt-on-signal.js';
import { interruptSignals, signalExitCode, type InterruptSignal } from '../shared/interrupt-signals.js';
import { renderLiveView } from './live-view.js';
import { openCodex, type CliCodex } from '../shared/open-codex.js';
import { plainViewLines } from './plain-view.js';
import { summaryTable } from './summary-table.js';
import { UsageError } from '../shared/usage-error.js';

/** Options of `codex-rx demo`. */
export interface DemoOptions {
  /** Ask the user to approve the command (needs a terminal); otherwise it is approved automatically. */
  readonly interactive?: boolean;
  /** The real model with the user's own Codex login, instead of the scripted one. */
  readonly live?: boolean;
}

/** How often the live view redraws when nothing else happens (its clocks and spinners). */
const TICK_MS = 80;

/**
 * `codex-rx demo` (and `npm run demo`): three threads on one app-server, their turns running
 * at once, one of them running a command that asks for approval; drawn as a live view on a
 * terminal and as plain lines elsewhere, then a summary table of the turns' results.
 *
 * Every source of change (each turn's events and result, the approvals, Ctrl-C, a clock) is
 * merged into one stream of `DemoEvent`s and reduced with `scan` into a `DemoState`, which the
 * views draw. The stream ends when every lane is finished. Ctrl-C interrupts the running turns
 * on the server and waits for them; a second one closes the server at once. The server and the
 * scripted model's temporary files are gone when this resolves, whatever happened.
 *
 * @example
 * process.exitCode = await demoCommand({ interactive: false, live: false });
 */
export async function demoCommand(options: DemoOptions): Promise<ExitCode> {
  const stdout = process.stdout;
  const terminal = stdout.isTTY === true;
  if (options.interactive && !(terminal && process.stdin.isTTY)) {
    throw new UsageError('--interactive needs a terminal to ask in; without it the approval is answered automatically');
  }
  const colors = colorsFor(stdout);

  const signals$ = new ReplaySubject<InterruptSignal>();
  const subscriptions: Subscription[] = [interruptSignals().subscribe(signals$)];
  const stop$ = signals$.pipe(take(1));
  const stopAsking = new AbortController();
  subscriptions.push(stop$.subscribe(() => stopAsking.abort()));

  let session: DemoSession | undefined;
  try {
    session = await openDemoSession(options.live === true);
    const current = session;
    // A second Ctrl-C: stop waiting for the turns. Closing fails them, which ends every lane.
    subscriptions.push(signals$.pipe(skip(1), take(1)).subscribe(() => void current.close()));

    const tasks = demoTasks();
    for (const task of tasks) for (const { matches, response } of task.script) session.mock?.enqueueMatching(matches, response);

    // One question at a time, in the order the server asked.
    let asking = Promise.resolve(false);
    const decide = options.interactive
      ? () => (asking = asking.then(() => askYesNo(process.stdin, stopAsking.signal)))
      : () => Promise.resolve(true);

    const initial = initialDemoState(tasks, Date.now());
    const events$: Observable<DemoEvent> = merge(
      // First, so that it is listening before any turn can ask.
      answerApprovals(session.codex.serverRequests$, decide).pipe(
        map((approval): DemoEvent => ({ type: 'approval', approval, automatic: !options.interactive, at: Date.now() })),
      ),
      stop$.pipe(map((signal): DemoEvent => ({ type: 'stopping', signal, at: Date.now() }))),
      ...tasks.map((task, lane) => laneEvents(current.codex, task, lane, current.workspace, stop$)),
      terminal ? interval(TICK_MS).pipe(map((): DemoEvent => ({ type: 'tick', at: Date.now() }))) : EMPTY,
    );

    const live = terminal ? createLogUpdate(stdout) : undefined;
    const viewOptions = () => ({
      width: stdout.columns ?? 120,
      height: stdout.rows ?? 40,
      colors,
      interactive: options.interactive === true,
      model: options.live ? ('live' as const) : ('scripted' as const),
    });
    if (!live) stdout.write(`${colors.bold('codex-rx demo')} · ${tasks.length} threads, concurrent turns on one app-server · ${options.live ? 'live model' : 'scripted model, offline'}\n`);

    const final = await lastValueFrom(
      events$.pipe(
        scan(reduceDemoState, initial),
        takeWhile((state) => !state.lanes.every((lane) => lane.finished), true),
        startWith(initial),
        pairwise(),
        tap(([before, after]) => {
          if (live) live(renderLiveView(after, viewOptions()));
          else for (const line of plainViewLines(before, after, colors)) stdout.write(`${line}\n`);
        }),
        map(([, after]) => after),
        // Keeps the last frame and gives the cursor back, also when something failed.
        finalize(() => live?.done()),
      ),
      { defaultValue: initial },
    );
    // Nobody reads stdout any more after a broken pipe.
    if (final.stopping !== 'SIGPIPE') stdout.write(`\n${summaryTable(final.lanes, { width: stdout.columns ?? 120, colors })}\n`);
    return exitCodeOf(final);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await session?.close();
  }
}

interface DemoSession {
  readonly codex: Codex;
  readonly mock: CliCodex['mock'];
  /** Where the threads work: a throw-away directory, so the demo never touches the user's files. */
  readonly workspace: string;
  close(): Promise<void>;
}

async function openDemoSession(live: boolean): Promise<DemoSession> {
  if (!live) {
    const scripted = await openCodex({ scripted: true });
    return { codex: scripted.codex, mock: scripted.mock, workspace: scripted.workspace!, close: () => scripted.close() };
  }
  const session = await openCodex({});
  const workspace = await mkdtemp(join(tmpdir(), 'codex-rx-demo-')).catch(async (error: unknown) => {
    await session.close();
    throw error;
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await session.close();
      await rm(workspace, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    })());
  return { codex: session.codex, mock: undefined, workspace, close };
}

/**
 * One lane: start its thread and turn, then its events and, last, its result. Stopping
 * interrupts the turn on the server; the lane still ends with the turn's (interrupted) result.
 * Whatever goes wrong ends the lane with a `failed` event instead of failing the whole demo.
 */
function laneEvents(codex: Codex, task: DemoTask, lane: number, cwd: string, stop$: Observable<unknown>): Observable<DemoEvent> {
  return defer(async () => {
    // Ephemeral: a demo should not leave threads in the user's history.
    const thread = await codex.threadStart({ cwd, sandbox: task.sandbox, approvalMode: task.approvalMode, ephemeral: true });
    return { threadId: thread.id, turn: await thread.turn(task.prompt) };
  }).pipe(
    switchMap(({ threadId, turn }) => {
      const started$ = of<DemoEvent>({ type: 'started', lane, threadId, turnId: turn.id, at: Date.now() });
      const events$ = turn.events$.pipe(map((event): DemoEvent => ({ type: 'turn', lane, event, at: Date.now() })));
      // events$ replays, so the result is reduced from the very same events the view saw.
      const result$ = turn.events$.pipe(
        toTurnResult({ rejectFailed: false }),
        map((result): DemoEvent => ({ type: 'result', lane, result, at: Date.now() })),
      );
      return merge(concat(started$, events$, result$), interruptOnSignal(turn, stop$)).pipe(takeWhile((event) => event.type !== 'result', true));
    }),
    catchError((error: unknown) => of<DemoEvent>({ type: 'failed', lane, message: errorLine(error), at: Date.now() })),
  );
}

function exitCodeOf(state: DemoState): ExitCode {
  if (state.stopping !== null) return signalExitCode(state.stopping);
  return state.lanes.every((lane) => lane.status === 'completed') ? ExitCode.ok : ExitCode.failure;
}

