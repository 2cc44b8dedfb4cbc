/// <reference lib="dom" />
// The codex-rx web UI, the reference for a reactive UI on codex-rx. It runs in the page, on
// codex-rx/browser and RxJS, connected to the relay that served it.
//
// One direction only: the view turns clicks and keys into intents; intents become requests and
// streams of events; every pane's state is a `scan` over its thread's events, and the page's
// state a `scan` over those; the view draws that state, once per animation frame. Nothing else
// keeps state.
import {
  animationFrameScheduler,
  auditTime,
  catchError,
  concat,
  debounceTime,
  defer,
  delay,
  distinctUntilChanged,
  EMPTY,
  endWith,
  exhaustMap,
  filter,
  from,
  groupBy,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  scan,
  share,
  shareReplay,
  startWith,
  Subject,
  switchMap,
  takeUntil,
  tap,
} from 'rxjs';
import { ApprovalMode, Codex, failSafeServerRequestAnswer, isReconstructed, partialOutput, resolveSchema, toUserInput, type Sandbox, type Thread, type TurnEvent } from '../browser/index.js';
import { INITIAL_APP_STATE, reduceApp, type AppEvent } from './app-state.js';
import type { Intent } from './intent.js';
import { initialPane, reducePane, type PaneEvent } from './pane-state.js';
import { createView } from './view.js';

const APPROVALS = new Set(['item/commandExecution/requestApproval', 'item/fileChange/requestApproval']);
/** Notifications after which the thread list may have changed. */
const LIST_CHANGES = new Set(['turn/completed', 'thread/name/updated', 'thread/archived', 'thread/unarchived']);
const THREAD_PAGE = 50;
/** About 12 s of attempts (a relay restarted by hand is back by then); after that the page offers "Reconnect". */
const RECONNECT = { maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 3_000, jitter: 0.2 } as const;

type IntentOf<T extends Intent['type']> = Extract<Intent, { type: T }>;

const intents$ = new Subject<Intent>();
const render = createView(document.body, (intent) => intents$.next(intent));

function intentsOf<T extends Intent['type']>(type: T): Observable<IntentOf<T>> {
  return intents$.pipe(filter((intent): intent is IntentOf<T> => intent.type === type));
}

// A client per connection the person asks for: the first at load, another after "Reconnect"
// (when the reconnection policy has given up), which opens again the threads that were open.
const page$ = intentsOf('reconnect').pipe(
  startWith({ type: 'reconnect', threadIds: [] } as IntentOf<'reconnect'>),
  switchMap((intent) =>
    defer(() => {
      // The page defines no tools: a thread's tools run in the client that registered them, which
      // must not be beaten by this page's "no handler" answer, so the page never answers a tool call.
      const codex = new Codex({ clientInfo: { name: 'codex_rx_web', title: 'codex-rx web', version: '0.1.0' }, reconnect: RECONNECT, toolCallGraceMs: Infinity });
      return appEvents$(codex, intent.threadIds).pipe(tap({ finalize: () => void codex.close() }));
    }),
  ),
);

page$
  .pipe(
    scan(reduceApp, INITIAL_APP_STATE),
    startWith(INITIAL_APP_STATE),
    // Many events can arrive within a frame (a command printing fast): draw the latest state once per frame.
    auditTime(0, animationFrameScheduler),
  )
  .subscribe(render);

function appEvents$(codex: Codex, reopen: readonly string[]): Observable<AppEvent> {
  // Listened to from the start, so the connection never answers an approval by default while a pane opens.
  const pending$ = codex.pendingServerRequests$.pipe(shareReplay({ bufferSize: 1, refCount: false }));
  const connection$ = codex.connectionState$.pipe(map((status): AppEvent => ({ type: 'connection', status })));
  const refresh$ = merge(
    codex.notifications$.pipe(filter((n) => LIST_CHANGES.has(n.method))),
    intents$.pipe(filter((intent) => intent.type === 'rename' || intent.type === 'archive'), delay(300)),
  ).pipe(debounceTime(100), catchError(() => EMPTY));
  const threads$ = refresh$.pipe(
    startWith(undefined),
    switchMap(() => from(codex.threadList({ limit: THREAD_PAGE, sortKey: 'updated_at' }))),
    map((list): AppEvent => ({ type: 'threads', threads: list.data })),
    catchError((error: unknown) => of<AppEvent>({ type: 'notice', message: `could not list the threads: ${message(error)}` })),
  );
  const models$ = defer(() => codex.models()).pipe(
    map((list): AppEvent => ({ type: 'models', models: list.data })),
    catchError(() => EMPTY),
  );
  const search$ = intentsOf('search').pipe(
    map((intent) => intent.query),
    debounceTime(150),
    distinctUntilChanged(),
    switchMap((query) =>
      query === ''
        ? of<AppEvent>({ type: 'search', query, event: null })
        : codex.threadSearch$({ searchTerm: query, limit: THREAD_PAGE }).pipe(
            map((event): AppEvent => ({ type: 'search', query, event })),
            startWith<AppEvent>({ type: 'search', query, event: null }),
            catchError((error: unknown) => of<AppEvent>({ type: 'notice', message: `search failed: ${message(error)}` })),
          ),
    ),
  );
  // Requests the page has no view for (questions, elicitations, permissions, tool calls) get the
  // library's fail-safe answer at once: unanswered, they would hold their turn for ever.
  const unshown$ = codex.serverRequests$.pipe(
    filter((request) => !APPROVALS.has(request.method)),
    tap((request) => {
      const answer = failSafeServerRequestAnswer(request.method) as { result: never } | { error: { message: string; code: number } };
      if ('result' in answer) (request as { respond(result: unknown): void }).respond(answer.result);
      else request.reject(answer.error.message, answer.error.code);
    }),
    ignoreElements(),
    catchError(() => EMPTY),
  );
  const answers$ = intentsOf('answer').pipe(
    tap(({ request, decision }) => (request as { respond(answer: { decision: string }): void }).respond({ decision })),
    ignoreElements(),
  );
  const started$ = intentsOf('new').pipe(
    mergeMap((intent) =>
      from(
        codex.threadStart({
          approvalMode: ApprovalMode.askUser,
          sandbox: intent.sandbox as Sandbox,
          ...(intent.cwd === '' ? {} : { cwd: intent.cwd }),
          ...(intent.model === '' ? {} : { model: intent.model }),
        }),
      ).pipe(
        map((thread): PaneOpening => ({ threadId: thread.id, thread, cwd: intent.cwd, effort: intent.effort || null })),
        catchError((error: unknown) => of<PaneOpening | AppEvent>({ type: 'notice', message: `could not start a thread: ${message(error)}` })),
      ),
    ),
  );
  const openings$ = merge(
    from(reopen).pipe(map((threadId): PaneOpening => ({ threadId, thread: undefined, cwd: '', effort: null }))),
    intentsOf('open').pipe(
      map((intent): PaneOpening => ({ threadId: intent.threadId, thread: undefined, cwd: '', effort: null })),
    ),
    started$,
  );
  const panes$ = openings$.pipe(
    mergeMap((opening) => ('type' in opening ? of(opening) : of(opening).pipe(openPane))),
  );
  return merge(connection$, pending$.pipe(ignoreElements()), unshown$, threads$, models$, search$, answers$, panes$);

  /** One pane per thread: opening a thread that is open already does nothing. */
  function openPane(openings: Observable<PaneOpening>): Observable<AppEvent> {
    return openings.pipe(
      groupBy((opening) => opening.threadId),
      mergeMap((same$) => same$.pipe(exhaustMap((opening) => pane$(codex, opening, pending$)))),
    );
  }
}

interface PaneOpening {
  readonly threadId: string;
  /** A thread just started (nothing stored to read yet); else the stored thread is read and resumed. */
  readonly thread: Thread | undefined;
  readonly cwd: string;
  readonly effort: string | null;
}

/**
 * A thread's pane: its stored history, then what the person does in it and what the server
 * streams back, reduced with `scan` into the pane's state. Ends when the pane is closed or the
 * thread archived.
 */
function pane$(codex: Codex, opening: PaneOpening, pending$: Observable<readonly { readonly method: string; readonly params: unknown }[]>): Observable<AppEvent> {
  const threadId = opening.threadId;
  const mine = <T extends 'send' | 'steer' | 'interrupt' | 'rename' | 'archive' | 'close'>(type: T) =>
    intentsOf(type).pipe(filter((intent) => (intent as { readonly threadId: string }).threadId === threadId));
  const failed = (what: string) => (error: unknown) => of<PaneEvent>({ type: 'failed', message: `${what}: ${message(error)}` });

  // Read with its turns first (what the person sees at once), then resumed to continue it.
  const opened$ = defer(async () => {
    if (opening.thread !== undefined) return { thread: opening.thread, stored: undefined };
    const { thread: stored } = await codex.request('thread/read', { threadId, includeTurns: true });
    const thread = await codex.threadResume(threadId, { approvalMode: ApprovalMode.askUser });
    return { thread, stored };
  }).pipe(shareReplay(1));

  const history$ = opened$.pipe(
    mergeMap(({ stored }) => (stored === undefined ? EMPTY : of<PaneEvent>({ type: 'history', thread: stored }))),
    catchError(failed('could not open the thread')),
  );
  const turns$ = mine('send').pipe(
    mergeMap(({ text, outputSchema }) =>
      opened$.pipe(
        switchMap(({ thread }) =>
          thread.turn(text, {
            ...(outputSchema === undefined ? {} : { outputSchema }),
            ...(opening.effort === null ? {} : { effort: opening.effort }),
          }),
        ),
        switchMap((turn) =>
          concat(
            of<PaneEvent>({ type: 'turn-started', turnId: turn.id, input: text, typed: outputSchema !== undefined }),
            defer(() => {
              const events$ = turn.events$.pipe(share());
              return merge(
                events$.pipe(map((event): PaneEvent => ({ type: 'event', event, reconstructed: isReconstructed(event) }))),
                outputSchema === undefined ? EMPTY : typedOutput$(turn.id, events$, outputSchema),
              );
            }),
          ),
        ),
        catchError(failed('the turn failed')),
      ),
    ),
  );
  const steers$ = mine('steer').pipe(
    mergeMap(({ turnId, text }) =>
      from(codex.request('turn/steer', { threadId, expectedTurnId: turnId, input: toUserInput(text, 'turn/steer') })).pipe(ignoreElements(), catchError(failed('could not steer'))),
    ),
  );
  const interrupts$ = mine('interrupt').pipe(
    exhaustMap(({ turnId }) => from(codex.request('turn/interrupt', { threadId, turnId })).pipe(ignoreElements(), catchError(failed('could not interrupt')))),
  );
  const renames$ = merge(
    mine('rename').pipe(
      exhaustMap(({ name }) =>
        from(codex.request('thread/name/set', { threadId, name })).pipe(
          map((): PaneEvent => ({ type: 'renamed', name })),
          catchError(failed('could not rename')),
        ),
      ),
    ),
    codex.notifications$.pipe(
      filter((n) => n.method === 'thread/name/updated' && n.params.threadId === threadId),
      map((n): PaneEvent => ({ type: 'renamed', name: (n.params as { threadName?: string | null }).threadName ?? null })),
      catchError(() => EMPTY),
    ),
  );
  const goal$ = opened$.pipe(
    switchMap(({ thread }) => merge(from(thread.getGoal()).pipe(catchError(() => of(null))), thread.goal$)),
    map((goal): PaneEvent => ({ type: 'goal', goal })),
    catchError(() => EMPTY),
  );
  const approvals$ = pending$.pipe(
    map((list): PaneEvent => ({
      type: 'approvals',
      requests: list.filter((request) => APPROVALS.has(request.method) && (request.params as { threadId?: string }).threadId === threadId) as never,
    })),
    catchError(() => EMPTY),
  );
  const archive$ = mine('archive').pipe(
    exhaustMap(() => from(codex.threadArchive(threadId)).pipe(map(() => 'archived' as const), catchError(failed('could not archive')))),
    share(),
  );
  const closed$ = merge(mine('close'), archive$.pipe(filter((outcome) => outcome === 'archived')));

  const initial = initialPane({ threadId, cwd: opening.cwd, effort: opening.effort, loaded: opening.thread !== undefined });
  return merge(history$, turns$, steers$, interrupts$, renames$, goal$, approvals$, archive$.pipe(filter((outcome): outcome is PaneEvent => outcome !== 'archived'))).pipe(
    scan(reducePane, initial),
    startWith(initial),
    map((pane): AppEvent => ({ type: 'pane', pane })),
    takeUntil(closed$),
    endWith<AppEvent>({ type: 'pane-closed', threadId }),
  );
}

/**
 * A typed turn's output as it streams: the partial object parsed incrementally from the answer's
 * deltas (the parser's state lives here, in the stream, not in the pane's state), then the value
 * validated against the schema once the turn ends.
 */
function typedOutput$(turnId: string, events$: Observable<TurnEvent>, schema: unknown): Observable<PaneEvent> {
  return defer(() => {
    // `partialOutput` emits its partials as the events come, and the validated value after they end.
    let ended = false;
    return events$.pipe(
      tap({ complete: () => (ended = true) }),
      partialOutput(resolveSchema(schema as Record<string, unknown>)),
      map((value): PaneEvent => ({ type: 'output', turnId, value, final: ended })),
      catchError((error: unknown) => of<PaneEvent>({ type: 'output-failed', turnId, message: message(error) })),
    );
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
