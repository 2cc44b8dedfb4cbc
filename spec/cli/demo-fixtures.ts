import type { ApprovalEvent } from '../../src/cli/shared/answer-approvals.js';
import type { DemoEvent } from '../../src/cli/demo/demo-event.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { agentDelta, agentMessage, commandItem, itemCompleted, tokenUsageUpdated, turnCompleted, turnStarted, usage } from '../operators/fixtures.js';

export const T0 = 1_800_000_000_000;

/** Three lanes, as the demo has. */
export const TASKS = [
  { title: 'haiku', prompt: 'Write a haiku about reactive streams.' },
  { title: 'observable', prompt: 'In two sentences: what is an Observable?' },
  { title: 'shell', prompt: 'Create notes.txt with three lines (map, filter, merge), then count them with wc -l.' },
];

export function threadOf(lane: number): string {
  return `thread-${lane}`;
}

export function turnOf(lane: number): string {
  return `turn-${lane}`;
}

/** A notification of a lane's turn, seen at T0 + ms. */
export function turnEvent(lane: number, ms: number, event: TurnEvent): DemoEvent {
  return { type: 'turn', lane, event, at: T0 + ms };
}

export function started(lane: number, ms: number): DemoEvent {
  return { type: 'started', lane, threadId: threadOf(lane), turnId: turnOf(lane), at: T0 + ms };
}

export function delta(lane: number, ms: number, text: string, itemId = `msg-${lane}`): DemoEvent {
  return turnEvent(lane, ms, agentDelta(turnOf(lane), itemId, text, threadOf(lane)));
}

export function messageDone(lane: number, ms: number, text: string, itemId = `msg-${lane}`): DemoEvent {
  return turnEvent(lane, ms, itemCompleted(turnOf(lane), agentMessage(itemId, text), threadOf(lane)));
}

export function commandDone(lane: number, ms: number, command: string, exitCode: number): DemoEvent {
  return turnEvent(lane, ms, itemCompleted(turnOf(lane), commandItem(`cmd-${lane}`, command, exitCode), threadOf(lane)));
}

export function tokens(lane: number, ms: number, total: number): DemoEvent {
  return turnEvent(lane, ms, tokenUsageUpdated(turnOf(lane), usage(total, total), threadOf(lane)));
}

export function completed(lane: number, ms: number, status: 'completed' | 'interrupted' | 'failed' = 'completed'): DemoEvent {
  return turnEvent(lane, ms, turnCompleted(turnOf(lane), { status }, threadOf(lane)));
}

export function begin(lane: number, ms: number): DemoEvent {
  return turnEvent(lane, ms, turnStarted(turnOf(lane), threadOf(lane)));
}

export function approval(lane: number, ms: number, state: ApprovalEvent['state'], automatic = true): DemoEvent {
  const request = { threadId: threadOf(lane), turnId: turnOf(lane), itemId: `cmd-${lane}`, kind: 'command' as const, subject: 'wc -l notes.txt' };
  return { type: 'approval', approval: { request, state }, automatic, at: T0 + ms };
}

export function result(lane: number, ms: number, fields: Partial<TurnResult> = {}): DemoEvent {
  const turnResult: TurnResult = {
    id: turnOf(lane),
    threadId: threadOf(lane),
    status: 'completed',
    error: null,
    startedAt: 1_800_000_000,
    completedAt: 1_800_000_002,
    durationMs: 2_000,
    finalResponse: 'done',
    items: [],
    usage: null,
    turnUsage: null,
    goal: null,
    ...fields,
  };
  return { type: 'result', lane, result: turnResult, at: T0 + ms };
}
