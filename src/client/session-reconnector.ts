import { exhaustMap, from, interval, Subject, takeWhile, type Subscription } from 'rxjs';
import type { RpcConnection } from '../connection/rpc-connection.js';
import { DirectObservable } from '../internal/direct-observable.js';
import { EphemeralThreadLostError } from '../errors/ephemeral-thread-lost-error.js';
import { InvalidRequestError, JsonRpcError } from '../jsonrpc/json-rpc-error.js';
import type { InitializeParams, ThreadResumeResponse, Turn } from '../protocol/generated/codecs.js';
import type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
import type { ReconnectHandshake } from '../transport/reconnecting-transport.js';
import type { TurnReconciler } from '../turns/turn-reconciler.js';
import type { TurnRouter } from '../turns/turn-router.js';
import type { TurnRuntime } from './turn-runtime.js';

/** How often the turns that crossed a reconnection are read again from the server, until they end. */
const CROSSED_TURN_CHECK_MS = 1_000;
/** How many of a thread's latest turns such a check reads: the running ones are among the last. */
const CROSSED_TURNS_PAGE = 5;

/** How often a refused `thread/resume` is tried during one reconnection, and the pause between tries. */
const RESUME_ATTEMPTS = 3;
/** How often a lost `turn/start` is looked for again when the resume showed a turn without its user message (about 3.6 s in all). */
const LOST_START_READS = 8;
const RESUME_RETRY_DELAY_MS = 100;

/**
 * The parts of a reconnecting client's session that a reconnection works on.
 *
 * @example
 * import { TurnReconciler } from '../turns/turn-reconciler.js';
 *
 * const session: ReconnectSession = { connection, router, reconciler: new TurnReconciler(connection.notifications$) };
 */
export interface ReconnectSession {
  readonly connection: RpcConnection;
  readonly router: TurnRouter;
  readonly reconciler: TurnReconciler | undefined;
}

/**
 * What a reconnecting `Codex` does after a drop, beside its public API: the new connection's
 * handshake (initialize, resume every open thread, reconcile their running turns with the stored
 * ones), the resume of a thread that could not be resumed then, and the re-reads of the turns
 * that crossed the drop until they end.
 *
 * @example
 * import { TurnReconciler } from '../turns/turn-reconciler.js';
 *
 * const reconciler = new TurnReconciler(connection.notifications$);
 * const clientInfo = { name: 'app', title: null, version: '1.0.0' };
 * const reconnector = new SessionReconnector(() => ({ clientInfo }), () => ({ connection, router, reconciler }));
 * reconnector.track(threadId);
 * // the reconnecting transport's handshake: (channel) => reconnector.handshake(channel)
 */
export class SessionReconnector {
  /** The threads this client has a handle on: resumed after a reconnection. */
  private readonly openThreads = new Set<string>();
  private readonly reconnectDiagnostics = new Subject<ReconnectDiagnostic>();
  /** Open threads the last reconnection could not resume: resumed after their next `turn/start`. */
  private readonly unresumed = new Set<string>();
  /** Checks the stored state of turns that crossed a reconnection, until they have ended. */
  private crossedTurnsCheck: Subscription | undefined;
  /** Threads started (or forked) ephemeral: a new connection cannot resume them. */
  private readonly ephemeral = new Set<string>();
  /** Ephemeral threads that crossed a drop: this client can no longer follow them. */
  private readonly detached = new Set<string>();
  /** `turn/start` calls whose answer a drop lost, by thread and `clientUserMessageId`: settled at the thread's next resume. */
  private readonly lostStarts = new Map<string, Map<string, (turnId: string | undefined) => void>>();

  /** Threads not resumed, turns reconciled. Hot. */
  readonly diagnostics$ = this.reconnectDiagnostics.asObservable();

  constructor(
    private readonly initializeParams: () => InitializeParams,
    private readonly session: () => ReconnectSession | undefined,
  ) {}

  /** Notes a thread the client has a handle on, to resume after a drop. */
  track(threadId: string): void {
    this.openThreads.add(threadId);
  }

  /** What the turns of a reconnecting client ask of it (see `TurnRuntime`). */
  turnHooks(): Required<Pick<TurnRuntime, 'afterTurnStart' | 'findLostTurnStart' | 'readStoredTurn' | 'threadLost'>> {
    return {
      readStoredTurn: (threadId, turnId) => this.readStoredTurn(threadId, turnId),
      afterTurnStart: (threadId, turnId) => this.afterTurnStart(threadId, turnId),
      findLostTurnStart: (threadId, clientUserMessageId) => this.findLostTurnStart(threadId, clientUserMessageId),
      threadLost: (threadId) => this.threadLost(threadId),
    };
  }

  /** Notes a thread the server keeps in memory only (`ephemeral`): it cannot be resumed after a drop. */
  noteEphemeral(threadId: string): void {
    this.ephemeral.add(threadId);
  }

  /** Why no turn can run on the thread any more (an ephemeral thread that crossed a drop), or undefined. */
  threadLost(threadId: string): Error | undefined {
    return this.detached.has(threadId) ? new EphemeralThreadLostError(threadId) : undefined;
  }

  /**
   * The turn a `turn/start` lost in a drop started, found at the thread's next resume by the
   * `clientUserMessageId` of its user message; undefined when the server never got the call (or
   * the thread could not be resumed, or the client gave up reconnecting).
   */
  findLostTurnStart(threadId: string, clientUserMessageId: string): Promise<string | undefined> {
    const connection = this.session()?.connection;
    if (connection === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const calls = this.lostStarts.get(threadId) ?? new Map<string, (turnId: string | undefined) => void>();
      this.lostStarts.set(threadId, calls);
      let settled = false;
      const settle = (turnId: string | undefined): void => {
        if (settled) return;
        settled = true;
        calls.delete(clientUserMessageId);
        if (calls.size === 0 && this.lostStarts.get(threadId) === calls) this.lostStarts.delete(threadId);
        giveUp?.unsubscribe();
        resolve(turnId);
      };
      calls.set(clientUserMessageId, settle);
      // The notifications end when the client gives up reconnecting (or closes): no resume will come.
      const giveUp: Subscription | undefined = DirectObservable.attach(connection.notifications$, { error: () => settle(undefined), complete: () => settle(undefined) });
      if (settled) giveUp.unsubscribe();
    });
  }

  /** A turn as the server stored it, with its items, or undefined when it is not among the thread's latest. */
  async readStoredTurn(threadId: string, turnId: string): Promise<Turn | undefined> {
    const connection = this.session()?.connection;
    if (connection === undefined) return undefined;
    const page = await connection.request('thread/turns/list', { threadId, sortDirection: 'desc', limit: CROSSED_TURNS_PAGE, itemsView: 'full' });
    return page.data.find((turn) => turn.id === turnId);
  }

  /** Stops the re-reads of crossed turns. */
  dispose(): void {
    this.crossedTurnsCheck?.unsubscribe();
  }

  /**
   * The handshake of a new connection after a drop: initialize, resume every open thread, and
   * bring each running turn in line with what the server stored. A thread the server cannot
   * resume is reported and forgotten (its running turns end as lost); a drop fails the attempt.
   */
  async handshake(channel: ReconnectHandshake): Promise<void> {
    await channel.request('initialize', this.initializeParams());
    channel.notify('initialized');
    const session = this.session();
    if (session?.reconciler === undefined) return;
    const { reconciler, router } = session;
    for (const threadId of this.openThreads) if (!this.ephemeral.has(threadId)) reconciler.noteCrossing(threadId, router.liveTurnIds(threadId));
    // A lost call's turn may end on this connection before its thread's resume answer: only an end seen before it is an earlier call's.
    const endedBefore = router.endedTurnIds();
    await Promise.all(
      [...this.openThreads].map(async (threadId) => {
        if (this.ephemeral.has(threadId)) {
          this.detach(router, threadId);
          return;
        }
        let turns: readonly Turn[] = [];
        let active = false;
        let resumed = false;
        try {
          // A thread whose first turn/start was on the wire may have no stored history for a moment yet.
          const { thread } = await resumeThread((method, params) => channel.request(method, params), threadId, this.lostStarts.has(threadId));
          this.unresumed.delete(threadId);
          turns = thread.turns;
          active = thread.status.type === 'active';
          resumed = true;
        } catch (error) {
          if (!(error instanceof JsonRpcError)) throw error;
          this.unresumed.add(threadId);
          const message = `thread ${threadId} could not be resumed after the reconnection: ${error.message}`;
          this.reconnectDiagnostics.next({ kind: 'thread-resume-failed', threadId, message, error });
        }
        // A turn asked for before its first event does not know its thread yet: the stored turns name it.
        const running = new Set(router.liveTurnIds(threadId));
        for (const turn of turns) if (router.isLive(turn.id)) running.add(turn.id);
        const lost = this.lostStarts.get(threadId);
        this.lostStarts.delete(threadId);
        const found = new Map<string, string>();
        for (const turn of lost === undefined ? [] : turns) {
          const clientId = userMessageClientId(turn);
          // A turn seen ending before the drop is an earlier call's that gave the same id, not the lost one's.
          if (clientId === undefined || !lost!.has(clientId) || endedBefore.has(turn.id)) continue;
          // That call's turn: rebuilt and followed like any turn that crossed the drop.
          found.set(clientId, turn.id);
          running.add(turn.id);
        }
        this.reconcile(reconciler, threadId, turns, running, active);
        // As after any resume: another client's running turn is known, and the usage the server
        // sends for the last ended turn opens no channel.
        router.noteStoredTurns(threadId, turns);
        const unmatched = new Map([...(lost ?? [])].filter(([clientId, settle]) => {
          const turnId = found.get(clientId);
          if (turnId !== undefined) settle(turnId);
          return turnId === undefined;
        }));
        // A busy server can list the lost call's turn before its user message (the id's only
        // carrier), or not have its history yet: such a call is looked for again, a few times.
        const unknown = turns.some((turn) => turn.status === 'inProgress' && userMessageClientId(turn) === undefined && !endedBefore.has(turn.id));
        if (unmatched.size > 0 && (unknown || !resumed)) void this.findLostStartsLater(session, threadId, unmatched, endedBefore);
        else for (const settle of unmatched.values()) settle(undefined);
      }),
    );
    this.checkCrossedTurns(session);
  }

  /**
   * Reads the thread's latest turns again until each lost call's turn shows its user message, or
   * until `LOST_START_READS` reads found none (the call never reached the server).
   */
  private async findLostStartsLater(session: ReconnectSession, threadId: string, pending: Map<string, (turnId: string | undefined) => void>, endedBefore: ReadonlySet<string>): Promise<void> {
    const { connection, reconciler } = session;
    for (let attempt = 1; attempt <= LOST_START_READS && pending.size > 0 && reconciler !== undefined; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      const page = await connection.request('thread/turns/list', { threadId, sortDirection: 'desc', limit: CROSSED_TURNS_PAGE, itemsView: 'full' }).catch(() => undefined);
      for (const turn of page?.data ?? []) {
        const clientId = userMessageClientId(turn);
        const settle = clientId === undefined || endedBefore.has(turn.id) ? undefined : pending.get(clientId);
        if (settle === undefined) continue;
        pending.delete(clientId!);
        // Rebuilt and followed like any turn that crossed the drop, from this read on.
        reconciler.noteCrossing(threadId, [turn.id]);
        this.reconcile(reconciler, threadId, page!.data, new Set([turn.id]), turn.status === 'inProgress');
        settle(turn.id);
      }
    }
    for (const settle of pending.values()) settle(undefined);
    this.checkCrossedTurns(session);
  }

  /**
   * A thread that could not be resumed after a drop (it had no turn, so no stored history) is
   * resumed once its next turn has started, so that the turn's events reach this connection;
   * what the turn did before that is rebuilt like any turn that crossed a reconnection.
   */
  async afterTurnStart(threadId: string, turnId: string): Promise<void> {
    const session = this.session();
    if (!this.unresumed.has(threadId) || session?.reconciler === undefined) return;
    try {
      const { thread } = await resumeThread((method, params) => session.connection.requestUntyped(method, params), threadId, true);
      this.unresumed.delete(threadId);
      this.reconcile(session.reconciler, threadId, thread.turns, new Set([turnId]), thread.status.type === 'active');
      this.checkCrossedTurns(session);
    } catch (error) {
      const message = `thread ${threadId} could not be resumed after its turn started: ${errorMessage(error)}`;
      this.reconnectDiagnostics.next({ kind: 'thread-resume-failed', threadId, message, error });
    }
  }

  /**
   * An ephemeral thread after a drop: the server refuses to resume it ("no rollout found"), and a
   * turn started on it from this new connection would run unseen (only the connection that
   * started the thread gets its events). So its running turns end with `EphemeralThreadLostError`
   * and later turns fail with it before anything is sent.
   */
  private detach(router: TurnRouter, threadId: string): void {
    if (this.detached.has(threadId)) return;
    this.detached.add(threadId);
    const message = `thread ${threadId} is ephemeral: a new connection cannot resume it, so its turns can no longer be followed`;
    this.reconnectDiagnostics.next({ kind: 'thread-resume-failed', threadId, message, error: new EphemeralThreadLostError(threadId) });
    for (const turnId of router.liveTurnIds(threadId)) router.abandon(turnId, new EphemeralThreadLostError(threadId, turnId));
    const lost = this.lostStarts.get(threadId);
    this.lostStarts.delete(threadId);
    for (const settle of lost?.values() ?? []) settle(undefined);
  }

  private reconcile(reconciler: TurnReconciler, threadId: string, turns: readonly Turn[], running: ReadonlySet<string>, active: boolean): void {
    for (const { turnId, reconstructedItems, completed, status } of reconciler.reconcile(threadId, turns, running, active)) {
      const message = `turn ${turnId}: ${reconstructedItems} item(s) rebuilt from the stored turn${completed ? `, and its end (${status})` : ''}`;
      this.reconnectDiagnostics.next({ kind: 'turn-reconciled', threadId, turnId, reconstructedItems, completed, status, message });
    }
  }

  /**
   * The state a resume reports can lag behind what the server sent while no connection listened:
   * an item, or the end of the turn, may be in neither. So the turns that crossed a reconnection
   * are read again from the server every `CROSSED_TURN_CHECK_MS` until they have ended.
   */
  private checkCrossedTurns(session: ReconnectSession): void {
    const { reconciler, router, connection } = session;
    if (reconciler === undefined || (this.crossedTurnsCheck !== undefined && !this.crossedTurnsCheck.closed)) return;
    const check = async (): Promise<void> => {
      const byThread = new Map<string, Set<string>>();
      for (const [turnId, threadId] of reconciler.crossedTurns) {
        if (!router.isLive(turnId)) continue;
        const turns = byThread.get(threadId) ?? new Set<string>();
        byThread.set(threadId, turns.add(turnId));
      }
      await Promise.all(
        [...byThread].map(async ([threadId, running]) => {
          const { thread } = await connection.request('thread/read', { threadId, includeTurns: false });
          const page = await connection.request('thread/turns/list', { threadId, sortDirection: 'desc', limit: CROSSED_TURNS_PAGE, itemsView: 'full' });
          this.reconcile(reconciler, threadId, page.data, running, thread.status.type === 'active');
        }),
      ).catch(() => undefined);
    };
    this.crossedTurnsCheck = interval(CROSSED_TURN_CHECK_MS)
      .pipe(
        takeWhile(() => [...reconciler.crossedTurns.keys()].some((turnId) => router.isLive(turnId))),
        exhaustMap(() => from(check())),
      )
      .subscribe({ error: () => undefined });
  }
}

/**
 * `thread/resume`, tried again a few times: a server still busy with the thread (loading it for
 * the connection that dropped) may refuse it for a moment, and a thread whose first turn has just
 * started may not have its stored history yet (refused as an invalid request, which is tried
 * again only when `retryInvalid`).
 */
async function resumeThread(
  call: (method: string, params: unknown) => Promise<unknown>,
  threadId: string,
  retryInvalid: boolean,
): Promise<ThreadResumeResponse> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await call('thread/resume', { threadId })) as ThreadResumeResponse;
    } catch (error) {
      const retry = error instanceof JsonRpcError && (retryInvalid || !(error instanceof InvalidRequestError));
      if (!retry || attempt >= RESUME_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RESUME_RETRY_DELAY_MS * attempt));
    }
  }
}

/** The `clientUserMessageId` a `turn/start` gave the turn's user message, if any. */
function userMessageClientId(turn: Turn): string | undefined {
  for (const item of turn.items) {
    if (item.type === 'userMessage' && typeof item.clientId === 'string') return item.clientId;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
