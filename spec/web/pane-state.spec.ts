import { expect } from 'chai';
import fc from 'fast-check';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { INITIAL_APP_STATE, reduceApp } from '../../src/web/app-state.js';
import { initialPane, OUTPUT_LIMITS, reducePane, type PaneEvent, type PaneState } from '../../src/web/pane-state.js';

const THREAD = 'thr_1';
const TURN = 'turn_1';
const event = (method: string, params: Record<string, unknown>, reconstructed = false): PaneEvent =>
  ({ type: 'event', event: { method, params: { threadId: THREAD, turnId: TURN, ...params } } as unknown as TurnEvent, reconstructed });
const started = event('turn/started', { turn: { id: TURN, items: [], status: 'inProgress' } });
const empty = () => initialPane({ threadId: THREAD, cwd: '/work', effort: null, loaded: true });
const run = (events: readonly PaneEvent[]) => events.reduce(reducePane, empty());

/** Freezes a value and everything in it: a reducer that mutates its state then throws. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('web UI state (reducePane, reduceApp)', () => {
  it('a completed agent message shows its whole text, whatever deltas were lost in a drop (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }), fc.nat(), fc.nat(), (chunks, from, count) => {
        // The deltas of a gap (a run of them) never arrive; the completed item carries everything.
        const lostFrom = from % chunks.length;
        const received = chunks.filter((_chunk, index) => index < lostFrom || index >= lostFrom + (count % (chunks.length - lostFrom + 1)));
        let state = deepFreeze(run([started]));
        for (const delta of received) state = deepFreeze(reducePane(state, event('item/agentMessage/delta', { itemId: 'msg', delta })));
        state = reducePane(state, event('item/completed', { item: { type: 'agentMessage', id: 'msg', text: chunks.join('') } }, true));
        const [item] = state.turns[0]!.items;
        expect(item!.text).to.equal(chunks.join(''));
        expect(item!.done).to.equal(true);
        expect(item!.reconstructed).to.equal(true);
        // A late delta (after the completion) changes nothing.
        expect(reducePane(state, event('item/agentMessage/delta', { itemId: 'msg', delta: 'late' }))).to.equal(state);
      }),
      { numRuns: 200 },
    );
  });

  it('command output keeps its last lines and counts the rest, however it is cut into deltas', () => {
    let state = run([started, event('item/started', { item: { type: 'commandExecution', id: 'cmd', command: 'seq 1 10000', commandActions: [], cwd: '/work', status: 'inProgress' } })]);
    let chunk = '';
    for (let line = 1; line <= 10_000; line += 1) {
      chunk += `${line}\n`;
      if (line % 37 === 0 || line === 10_000) {
        state = reducePane(state, event('item/commandExecution/outputDelta', { itemId: 'cmd', delta: chunk }));
        chunk = '';
      }
      const output = state.turns[0]!.items[0]!.output;
      if (line % 1_000 === 0) expect(output.length).to.be.at.most(OUTPUT_LIMITS.chars * 2 + 1_000);
    }
    const view = state.turns[0]!.items[0]!;
    const lines = view.output.split('\n').slice(0, -1);
    expect(lines.length + view.hiddenLines).to.equal(10_000);
    expect(lines.length).to.be.within(OUTPUT_LIMITS.lines, OUTPUT_LIMITS.lines * 2);
    expect(lines.at(-1)).to.equal('10000');
    // Completed: the whole output from the server, capped to exactly the limit, kept once.
    const whole = Array.from({ length: 10_000 }, (_unused, index) => `${index + 1}\n`).join('');
    state = reducePane(state, event('item/completed', { item: { type: 'commandExecution', id: 'cmd', command: 'seq 1 10000', commandActions: [], cwd: '/work', status: 'completed', exitCode: 0, aggregatedOutput: whole } }));
    const done = state.turns[0]!.items[0]!;
    expect(done.output.split('\n').slice(0, -1)).to.have.length(OUTPUT_LIMITS.lines);
    expect(done.hiddenLines).to.equal(10_000 - OUTPUT_LIMITS.lines);
    expect((done.item as { aggregatedOutput?: string | null }).aggregatedOutput).to.equal(null);
  });

  it('the user message is the turn input; plans, tokens, retries and the end are the turn’s; what did not change keeps its identity', () => {
    const before = deepFreeze(
      run([
        started,
        event('item/completed', { item: { type: 'userMessage', id: 'u', content: [{ type: 'text', text: 'Fix it', text_elements: [] }] } }),
        event('turn/plan/updated', { explanation: 'Two steps', plan: [{ step: 'read', status: 'completed' }, { step: 'write', status: 'inProgress' }] }),
        event('thread/tokenUsage/updated', { tokenUsage: { last: { inputTokens: 10, cachedInputTokens: 2, outputTokens: 5, reasoningOutputTokens: 0, totalTokens: 15 }, total: {} } }),
        event('thread/tokenUsage/updated', { tokenUsage: { last: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2 }, total: {} } }),
        event('error', { error: { message: 'Reconnecting… 1/5' }, willRetry: true }),
      ]),
    );
    const turn = before.turns[0]!;
    expect(turn.input).to.equal('Fix it');
    expect(turn.items).to.deep.equal([]);
    expect(turn.plan).to.deep.equal({ explanation: 'Two steps', steps: [{ step: 'read', status: 'completed' }, { step: 'write', status: 'inProgress' }] });
    expect(turn.tokens).to.deep.equal({ input: 11, cached: 2, output: 6, total: 17 });
    expect(turn.retry).to.equal('Reconnecting… 1/5');
    const after = reducePane(before, event('turn/completed', { turn: { id: TURN, items: [], status: 'completed', durationMs: 1234 } }));
    expect(after.turns[0]).to.include({ status: 'completed', durationMs: 1234, retry: null });
    const goal: PaneState = reducePane(after, { type: 'goal', goal: null });
    expect(goal.turns).to.equal(after.turns);
  });

  it('search: partial rows add up, the final page replaces them, a new query starts over', () => {
    const row = (id: string) => ({ snippet: id, thread: { id } }) as never;
    let state = reduceApp(INITIAL_APP_STATE, { type: 'search', query: 'zebra', event: null });
    state = reduceApp(state, { type: 'search', query: 'zebra', event: { type: 'partial', data: [row('a')] } });
    state = reduceApp(state, { type: 'search', query: 'zebra', event: { type: 'partial', data: [row('b')] } });
    expect(state.search).to.deep.include({ query: 'zebra', final: false });
    expect(state.search!.rows.map((entry) => entry.thread.id)).to.deep.equal(['a', 'b']);
    state = reduceApp(state, { type: 'search', query: 'zebra', event: { type: 'final', result: { data: [row('b')] } as never } });
    expect(state.search).to.deep.include({ final: true });
    expect(state.search!.rows.map((entry) => entry.thread.id)).to.deep.equal(['b']);
    state = reduceApp(state, { type: 'search', query: 'lion', event: { type: 'partial', data: [row('c')] } });
    expect(state.search!.rows.map((entry) => entry.thread.id)).to.deep.equal(['c']);
    expect(reduceApp(state, { type: 'search', query: '', event: null }).search).to.equal(null);
  });
});
