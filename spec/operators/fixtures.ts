import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import type { MessagePhase, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, TurnError, TurnStatus } from '../../src/protocol/generated/codecs.js';
import type { NotificationOf, ServerNotification } from '../../src/protocol/server-notification.js';

/**
 * A TestScheduler asserting with chai's deep equality. chai compares two errors by name, message
 * and code only; with `strictErrors` an error frame must also carry the very same error object.
 */
export function marbleScheduler(options: { strictErrors?: boolean } = {}): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
    if (!options.strictErrors || !Array.isArray(actual)) return;
    (expected as unknown[]).forEach((message, index) => {
      const wanted = (message as { notification?: { kind?: string; error?: unknown } }).notification;
      if (wanted?.kind !== 'E') return;
      const got = (actual[index] as { notification: { error: unknown } }).notification.error;
      expect(got, `error object of frame #${index}`).to.equal(wanted.error);
    });
  });
}

/** Builds subscription marbles: `sub(0, 2)` is `^-!`, `sub(252, 2)` is `252ms ^-!`; no unsubscription when `length` is omitted. */
export function sub(start: number, length?: number): string {
  const prefix = start === 0 ? '' : `${start}ms `;
  if (length === undefined) return `${prefix}^`;
  if (length === 0) return `${prefix}(^!)`;
  return `${prefix}^${'-'.repeat(length - 1)}!`;
}

export const THREAD_ID = 't1';

export function turnStarted(turnId: string, threadId = THREAD_ID): NotificationOf<'turn/started'> {
  return { method: 'turn/started', params: { threadId, turn: { id: turnId, items: [], status: 'inProgress' } } };
}

export function agentMessage(id: string, text: string, phase?: MessagePhase | null): ThreadItem {
  return phase === undefined ? { type: 'agentMessage', id, text } : { type: 'agentMessage', id, text, phase };
}

export function commandItem(id: string, command: string, exitCode: number): ThreadItem {
  return {
    type: 'commandExecution',
    id,
    command,
    commandActions: [],
    cwd: '/work',
    status: 'completed',
    source: 'agent',
    aggregatedOutput: 'out',
    exitCode,
  };
}

export function reasoningItem(id: string): ThreadItem {
  return { type: 'reasoning', id, summary: ['thinking'], content: [] };
}

export function planItem(id: string, text: string): ThreadItem {
  return { type: 'plan', id, text };
}

export function itemCompleted(turnId: string, item: ThreadItem, threadId = THREAD_ID): NotificationOf<'item/completed'> {
  return { method: 'item/completed', params: { threadId, turnId, item, completedAtMs: 1_700_000_000_000 } };
}

export function agentDelta(turnId: string, itemId: string, delta: string, threadId = THREAD_ID): NotificationOf<'item/agentMessage/delta'> {
  return { method: 'item/agentMessage/delta', params: { threadId, turnId, itemId, delta } };
}

export function commandDelta(turnId: string, itemId: string, delta: string, threadId = THREAD_ID): NotificationOf<'item/commandExecution/outputDelta'> {
  return { method: 'item/commandExecution/outputDelta', params: { threadId, turnId, itemId, delta } };
}

export function breakdown(totalTokens: number): TokenUsageBreakdown {
  return { inputTokens: totalTokens - 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens };
}

export function usage(last: number, total: number): ThreadTokenUsage {
  return { last: breakdown(last), total: breakdown(total) };
}

export function tokenUsageUpdated(turnId: string, tokenUsage: ThreadTokenUsage, threadId = THREAD_ID): NotificationOf<'thread/tokenUsage/updated'> {
  return { method: 'thread/tokenUsage/updated', params: { threadId, turnId, tokenUsage } };
}

export interface CompletedTurnFields {
  readonly status?: TurnStatus;
  readonly items?: ThreadItem[];
  readonly error?: TurnError | null;
  readonly startedAt?: number | null;
  readonly completedAt?: number | null;
  readonly durationMs?: number | null;
}

export function turnCompleted(turnId: string, fields: CompletedTurnFields = {}, threadId = THREAD_ID): NotificationOf<'turn/completed'> {
  return {
    method: 'turn/completed',
    params: {
      threadId,
      turn: {
        id: turnId,
        items: fields.items ?? [],
        status: fields.status ?? 'completed',
        startedAt: fields.startedAt === undefined ? 1_700_000_000 : fields.startedAt,
        completedAt: fields.completedAt === undefined ? 1_700_000_003 : fields.completedAt,
        durationMs: fields.durationMs === undefined ? 3_000 : fields.durationMs,
        error: fields.error === undefined ? null : fields.error,
      },
    },
  };
}

/** A notification with no turn (its params hold a whole thread, reduced here to what matters). */
export function threadStarted(threadId = THREAD_ID): ServerNotification {
  return { method: 'thread/started', params: { thread: { id: threadId } } } as unknown as ServerNotification;
}

/** A small deterministic PRNG (mulberry32), so that "random" loops are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
