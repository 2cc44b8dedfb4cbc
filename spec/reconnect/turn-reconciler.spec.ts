import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import type { Turn } from '../../src/protocol/generated/codecs.js';
import { DirectObservable } from '../../src/internal/direct-observable.js';
import { isReconstructed } from '../../src/turns/is-reconstructed.js';
import { TurnReconciler } from '../../src/turns/turn-reconciler.js';

const threadId = 'thr_1';
const turnId = 'turn_1';
const message = (id: string, text: string) => ({ type: 'agentMessage', id, text }) as unknown as Turn['items'][number];
const n = (method: string, params: Record<string, unknown>) => ({ method, params }) as unknown as ServerNotification;
const completed = (id: string, text = id) => n('item/completed', { threadId, turnId, item: message(id, text), completedAtMs: 1 });
const started = (id: string) => n('item/started', { threadId, turnId, item: message(id, '') });
const delta = (id: string, text: string) => n('item/agentMessage/delta', { threadId, turnId, itemId: id, delta: text });
const turn = (status: Turn['status'], items: Turn['items']): Turn => ({ id: turnId, items, status });

function describeEvent(event: ServerNotification): string {
  const params = event.params as { itemId?: string; item?: { id: string }; turn?: { status: string } };
  const what = params.itemId ?? params.item?.id ?? params.turn?.status ?? '';
  return `${event.method} ${what}${isReconstructed(event) ? ' (reconstructed)' : ''}`;
}

describe('TurnReconciler: exactly-once turn events across reconnections', () => {
  let source: Subject<ServerNotification>;
  let reconciler: TurnReconciler;
  let seen: string[];

  beforeEach(() => {
    source = new Subject();
    reconciler = new TurnReconciler(source);
    seen = [];
    reconciler.notifications$.subscribe({ next: (event) => seen.push(describeEvent(event)), error: () => undefined });
  });

  it('drops a repeated item/completed, and starts and deltas of an item already completed', () => {
    for (const event of [started('a'), delta('a', 'x'), completed('a'), completed('a'), started('a'), delta('a', 'y'), started('b'), started('b')]) source.next(event);
    expect(seen).to.deep.equal(['item/started a', 'item/agentMessage/delta a', 'item/completed a', 'item/started b']);
  });

  it('a plain observer attached directly (as the client attaches its router) sees what a subscriber sees', () => {
    const direct: string[] = [];
    // A second reconciler over the same source: its own state, so the same script must give the same events.
    const attached = DirectObservable.attach(new TurnReconciler(source).notifications$, { next: (event) => direct.push(describeEvent(event)) });
    for (const event of [started('a'), delta('a', 'x'), completed('a'), completed('a'), delta('a', 'y'), started('b')]) source.next(event);
    attached.unsubscribe();
    source.next(started('c'));
    expect(direct).to.deep.equal(['item/started a', 'item/agentMessage/delta a', 'item/completed a', 'item/started b']);
    expect(seen).to.deep.equal([...direct, 'item/started c']);
  });

  it('emits the stored items not seen completed, then the stored end, marked reconstructed', () => {
    source.next(completed('a'));
    // (What arrives for the turn after its end is dropped by the TurnRouter, which remembers finished turns.)
    const outcome = reconciler.reconcile(threadId, [turn('completed', [message('a', 'A'), message('b', 'B')])], new Set([turnId]));
    expect(outcome).to.deep.equal([{ turnId, reconstructedItems: 1, completed: true, status: 'completed' }]);
    expect(seen).to.deep.equal(['item/completed a', 'item/completed b (reconstructed)', 'turn/completed completed (reconstructed)']);
  });

  it('a turn still running gets its missed items now and those missing at its live end before that end', () => {
    reconciler.reconcile(threadId, [turn('inProgress', [message('a', 'A')])], new Set([turnId]));
    expect(reconciler.crossedTurns.get(turnId)).to.equal(threadId);
    source.next(n('turn/completed', { threadId, turn: turn('completed', [message('a', 'A'), message('c', 'C')]) }));
    expect(seen).to.deep.equal(['item/completed a (reconstructed)', 'item/completed c (reconstructed)', 'turn/completed completed']);
    expect(reconciler.crossedTurns.size).to.equal(0);
  });

  it('an item the stored running turn shows still inProgress is not rebuilt: its live completion passes, once', () => {
    const running = { type: 'commandExecution', id: 'cmd', status: 'inProgress', aggregatedOutput: null } as unknown as Turn['items'][number];
    const done = { type: 'commandExecution', id: 'cmd', status: 'completed', aggregatedOutput: 'out' } as unknown as Turn['items'][number];
    const outcome = reconciler.reconcile(threadId, [turn('inProgress', [message('a', 'A'), running])], new Set([turnId]));
    expect(outcome).to.deep.equal([{ turnId, reconstructedItems: 1, completed: false, status: 'inProgress' }]);
    source.next(n('item/completed', { threadId, turnId, item: done, completedAtMs: 2 }));
    source.next(n('item/completed', { threadId, turnId, item: done, completedAtMs: 2 }));
    expect(seen).to.deep.equal(['item/completed a (reconstructed)', 'item/completed cmd']);
  });

  it('with a reader, the live end of a crossed turn waits for one last read and comes after the items it brings', async () => {
    const reads: string[] = [];
    const reading = new TurnReconciler(source, async (thread, id) => {
      reads.push(`${thread}/${id}`);
      return turn('completed', [message('a', 'A'), message('gap', 'sent while no one listened')]);
    });
    const events: string[] = [];
    reading.notifications$.subscribe({ next: (event) => events.push(describeEvent(event)), error: () => undefined });
    reading.reconcile(threadId, [turn('inProgress', [message('a', 'A')])], new Set([turnId]));
    source.next(n('turn/completed', { threadId, turn: turn('completed', []) }));
    expect(events).to.deep.equal(['item/completed a (reconstructed)']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).to.deep.equal([`${threadId}/${turnId}`]);
    expect(events).to.deep.equal(['item/completed a (reconstructed)', 'item/completed gap (reconstructed)', 'turn/completed completed']);
  });

  it('a turn noted as crossing before the resume: an end that comes before the resume answer waits for the read, then the gap items, once', async () => {
    let stored = turn('inProgress', [message('a', 'A')]);
    const reading = new TurnReconciler(source, async () => stored);
    const events: string[] = [];
    reading.notifications$.subscribe({ next: (event) => events.push(describeEvent(event)), error: () => undefined });
    source.next(completed('a'));
    reading.noteCrossing(threadId, [turnId]);
    // The new connection delivers the end before the thread/resume answer is reconciled.
    stored = turn('completed', [message('a', 'A'), message('gap', 'finished while no one listened')]);
    source.next(n('turn/completed', { threadId, turn: turn('completed', []) }));
    expect(events).to.deep.equal(['item/completed a']);
    // The resume answer, reconciled now, already shows the end: it ends the turn; the held end is not emitted again.
    reading.reconcile(threadId, [stored], new Set([turnId]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal(['item/completed a', 'item/completed gap (reconstructed)', 'turn/completed completed (reconstructed)']);
    expect(reading.crossedTurns.size).to.equal(0);
  });

  it('without noteCrossing, the same early end passes at once and the gap item is lost (why the handshake notes every running turn first)', async () => {
    const reading = new TurnReconciler(source, async () => turn('completed', [message('a', 'A'), message('gap', 'lost')]));
    const events: string[] = [];
    reading.notifications$.subscribe({ next: (event) => events.push(describeEvent(event)), error: () => undefined });
    source.next(completed('a'));
    source.next(n('turn/completed', { threadId, turn: turn('completed', []) }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal(['item/completed a', 'turn/completed completed']);
  });

  it('a stored interrupted ends the turn only on an idle thread and in a second read; a turn the server lost ends as failed', () => {
    expect(reconciler.reconcile(threadId, [turn('interrupted', [])], new Set([turnId]), true)).to.deep.equal([]);
    expect(reconciler.reconcile(threadId, [turn('interrupted', [])], new Set([turnId]))).to.deep.equal([]);
    expect(reconciler.reconcile(threadId, [turn('interrupted', [])], new Set([turnId]))).to.deep.equal([
      { turnId, reconstructedItems: 0, completed: true, status: 'interrupted' },
    ]);
    expect(reconciler.reconcile(threadId, [], new Set(['turn_lost']))).to.deep.equal([
      { turnId: 'turn_lost', reconstructedItems: 0, completed: true, status: 'failed' },
    ]);
  });

  it('unsubscribing releases the source; the source ending ends the stream', () => {
    expect(source.observed).to.equal(true);
    const other = new Subject<ServerNotification>();
    const subscription = new TurnReconciler(other).notifications$.subscribe({ error: () => undefined });
    expect(other.observed).to.equal(true);
    subscription.unsubscribe();
    expect(other.observed).to.equal(false);
    let ended = false;
    reconciler.notifications$.subscribe({ complete: () => (ended = true), error: () => undefined });
    source.complete();
    expect(ended).to.equal(true);
  });
});
