import type { Turn } from '../protocol/generated/codecs.js';
import type { TurnQueue } from '../turns/turn-queue.js';
import type { ClientTelemetry } from '../telemetry/turn-telemetry.js';

/**
 * What the turns of a client share: their order per thread and the client's limits. A `Codex`
 * makes one and gives it to each of its `Thread` objects.
 *
 * @example
 * import { TurnQueue } from '../turns/turn-queue.js';
 *
 * const runtime: TurnRuntime = { queue: new TurnQueue(), requestTimeoutMs: 120_000, turnStallTimeoutMs: 600_000 };
 * const thread = new Thread(connection, router, threadId, runtime);
 */
export interface TurnRuntime {
  /** The client's order of turns per thread, shared by every `Thread` object of the client. */
  readonly queue: TurnQueue;
  /** The connection's request timeout in ms (0: none); it also bounds the wait of `interrupt()`. */
  readonly requestTimeoutMs: number;
  /** How long a turn may go without progress before it is reconciled and ended, in ms (0: never). */
  readonly turnStallTimeoutMs: number;
  /**
   * Runs once a `turn/start` is answered, before the turn's handle is handed out: a reconnecting
   * client resumes here a thread it could not resume after a drop (one that had no turn yet, so no
   * stored history), so that the new turn's events reach it.
   */
  readonly afterTurnStart?: (threadId: string, turnId: string) => Promise<void>;
  /**
   * A reconnecting client's answer to a `turn/start` lost in a drop: once the thread is resumed,
   * the id of the turn whose user message carries `clientUserMessageId` (that call's turn), or
   * undefined when the server never got the call.
   */
  readonly findLostTurnStart?: (threadId: string, clientUserMessageId: string) => Promise<string | undefined>;
  /** A reconnecting client's read of a turn as the server stored it, or undefined when it is not there. */
  readonly readStoredTurn?: (threadId: string, turnId: string) => Promise<Turn | undefined>;
  /** Why no turn can start on the thread any more (an ephemeral thread that crossed a drop), or undefined. */
  readonly threadLost?: (threadId: string) => Error | undefined;
  /** With `CodexConfig.telemetry`: told of each turn a thread asks for. */
  readonly telemetry?: ClientTelemetry;
}
