import { expect } from 'chai';
import { from, lastValueFrom, scan, toArray } from 'rxjs';
import type { DemoEvent } from '../../src/cli/demo/demo-event.js';
import { reduceDemoState, type DemoState } from '../../src/cli/demo/demo-state.js';
import { initialDemoState } from '../../src/cli/demo/initial-demo-state.js';
import { approval, begin, commandDone, completed, delta, messageDone, result, started, T0, TASKS, tokens } from './demo-fixtures.js';

function reduceAll(events: DemoEvent[]): Promise<DemoState[]> {
  return lastValueFrom(from(events).pipe(scan(reduceDemoState, initialDemoState(TASKS, T0)), toArray()));
}

describe('reduceDemoState', () => {
  it('follows a lane from start to result: streamed text, items, usage, status and times', async () => {
    const states = await reduceAll([
      started(0, 10),
      begin(0, 20),
      delta(0, 30, 'Events '),
      delta(0, 40, 'drift'),
      messageDone(0, 50, 'Events drift'),
      tokens(0, 60, 120),
      completed(0, 70),
      result(0, 80),
    ]);
    const streaming = states[3]!.lanes[0]!;
    expect(streaming.status).to.equal('running');
    expect(streaming.messages).to.deep.equal([{ itemId: 'msg-0', text: 'Events drift', phase: null, done: false }]);
    const lane = states.at(-1)!.lanes[0]!;
    expect(lane).to.deep.include({ threadId: 'thread-0', turnId: 'turn-0', status: 'completed', startedAt: T0 + 10, endedAt: T0 + 70, finished: true });
    expect(lane.messages[0]).to.deep.include({ text: 'Events drift', done: true });
    expect(lane.items).to.deep.equal([{ itemId: 'msg-0', label: 'message', detail: '2 words', mark: 'ok' }]);
    expect(lane.usage).to.deep.equal({ input: 119, cachedInput: 0, output: 1, total: 120 });
    expect(lane.result?.finalResponse).to.equal('done');
    // The other lanes are untouched, and the clock follows the events.
    expect(states.at(-1)!.lanes[1]!.status).to.equal('starting');
    expect(states.at(-1)!.now).to.equal(T0 + 80);
  });

  it('never mutates: every earlier state stays as it was', async () => {
    const events = [started(2, 1), delta(2, 2, 'a'), delta(2, 3, 'b'), approval(2, 4, 'asked'), approval(2, 5, 'accepted')];
    const states = await reduceAll(events);
    const snapshots = states.map((state) => JSON.stringify(state));
    let state = initialDemoState(TASKS, T0);
    for (const [index, event] of events.entries()) {
      state = reduceDemoState(state, event);
      expect(JSON.stringify(state)).to.equal(snapshots[index]);
    }
    expect(JSON.parse(snapshots[1]!).lanes[2].messages[0].text).to.equal('a');
  });

  it('shows an approval as an item among the others, and the lane waiting while it is asked', async () => {
    const states = await reduceAll([
      started(2, 1),
      approval(2, 2, 'asked'),
      approval(2, 3, 'accepted'),
      commandDone(2, 4, "/bin/bash -lc 'wc -l notes.txt'", 0),
    ]);
    expect(states[1]!.lanes[2]!.status).to.equal('awaitingApproval');
    expect(states[1]!.lanes[2]!.items).to.deep.equal([{ itemId: 'approval:cmd-2', label: 'approval: wc -l notes.txt', detail: 'asked', mark: 'pending' }]);
    const lane = states.at(-1)!.lanes[2]!;
    expect(lane.status).to.equal('running');
    expect(lane.approval).to.deep.equal({ subject: 'wc -l notes.txt', state: 'accepted', automatic: true });
    expect(lane.items.map((item) => [item.label, item.detail, item.mark])).to.deep.equal([
      ['approval: wc -l notes.txt', 'auto-accepted', 'ok'],
      ['$ wc -l notes.txt', 'exit 0', 'ok'],
    ]);
  });

  it('a lane that breaks off after Ctrl-C counts as interrupted; before, as failed', async () => {
    const failure = (lane: number): DemoEvent => ({ type: 'failed', lane, message: 'TransportClosedError: gone', at: T0 + 5 });
    const states = await reduceAll([failure(0), { type: 'stopping', signal: 'SIGINT', at: T0 + 6 }, failure(1)]);
    const [first, second] = states.at(-1)!.lanes;
    expect(first).to.deep.include({ status: 'failed', error: 'TransportClosedError: gone', finished: true });
    expect(second).to.deep.include({ status: 'interrupted', error: 'TransportClosedError: gone', finished: true });
    expect(states.at(-1)!.stopping).to.equal('SIGINT');
  });
});
