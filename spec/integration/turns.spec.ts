import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, merge, toArray } from 'rxjs';
import { TurnFailedError } from '../../src/turns/turn-failed-error.js';
import { agentTextDeltas } from '../../src/operators/agent-text-deltas.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { failed } from '../../src/testing/script/failed.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';

describe('turns against the real app-server', function () {
  this.timeout(60_000);
  const scripted = scriptedCodexPerTest();

  it('run() returns the model text, its items and usage; the model saw model, stream and the user text', async () => {
    scripted.mock.enqueue(response(assistantMessage('Hello from the mock'), usage({ inputTokens: 12, outputTokens: 4 })));
    const thread = await scripted.codex.threadStart();
    const result = await thread.run('hello');
    expect(result.status).to.equal('completed');
    expect(result.finalResponse).to.equal('Hello from the mock');
    expect(result.items.filter((item) => item.type === 'agentMessage').map((item) => (item as { text: string }).text)).to.deep.equal([
      'Hello from the mock',
    ]);
    expect(result.usage).to.not.equal(null);
    expect(result.id).to.be.a('string').and.not.equal('');
    expect(result.threadId).to.equal(thread.id);
    const [request] = scripted.mock.requests;
    expect(request!.model).to.equal(scripted.harness.model);
    expect(request!.stream).to.equal(true);
    expect(request!.userTexts()).to.include('hello');
  });

  it('sends a model override and reports the explicit usage numbers (last and total)', async () => {
    scripted.mock.enqueue(
      response(assistantMessage('one'), usage({ inputTokens: 100, cachedInputTokens: 40, outputTokens: 7, reasoningOutputTokens: 2 })),
      response(assistantMessage('two'), usage({ inputTokens: 50, outputTokens: 5 })),
    );
    const thread = await scripted.codex.threadStart();
    const first = await thread.run('first', { model: 'override-model' });
    expect(scripted.mock.requests[0]!.model).to.equal('override-model');
    expect(first.usage!.last).to.include({ inputTokens: 100, cachedInputTokens: 40, outputTokens: 7, reasoningOutputTokens: 2, totalTokens: 107 });
    const second = await thread.run('second');
    expect(second.usage!.last).to.include({ inputTokens: 50, outputTokens: 5, totalTokens: 55 });
    expect(second.usage!.total).to.include({ inputTokens: 150, outputTokens: 12, totalTokens: 162 });
  });

  it('chooses finalResponse as the Python SDK does', async () => {
    const thread = await scripted.codex.threadStart();
    const cases: [Parameters<typeof response>, string | null][] = [
      [[assistantMessage('First'), assistantMessage('Second')], 'Second'],
      [[assistantMessage('First'), assistantMessage('')], ''],
      [[assistantMessage('Thinking aloud', { phase: 'commentary' })], null],
      [[assistantMessage('Working on it', { phase: 'commentary' }), assistantMessage('The answer', { phase: 'final_answer' })], 'The answer'],
    ];
    for (const [parts, expected] of cases) {
      scripted.mock.enqueue(response(...parts));
      const result = await thread.run('go');
      expect(result.finalResponse, JSON.stringify(parts.flat().length)).to.equal(expected);
    }
  });

  it('rejects run() with the model error when the response fails', async () => {
    scripted.mock.enqueue(response(failed('the mock model is out of order')));
    const thread = await scripted.codex.threadStart();
    const error = (await thread.run('hi').catch((e: unknown) => e)) as TurnFailedError;
    expect(error).to.be.instanceOf(TurnFailedError);
    expect(error.message).to.contain('the mock model is out of order');
    expect(error.result.status).to.equal('failed');
  });

  it('streams this turn\'s deltas in order, one agent item, exactly one turn/completed', async () => {
    scripted.mock.enqueue(response(deltas(['Hel', 'lo ', 'wor', 'ld'], { delayMs: 5 })));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('stream please');
    const events = await lastValueFrom(turn.events$.pipe(toArray()));
    const texts = events.flatMap((e) => (e.method === 'item/agentMessage/delta' ? [e.params.delta] : []));
    expect(texts).to.deep.equal(['Hel', 'lo ', 'wor', 'ld']);
    const agentItems = events.filter((e) => e.method === 'item/completed' && e.params.item.type === 'agentMessage');
    expect(agentItems).to.have.length(1);
    expect(events.filter((e) => e.method === 'turn/completed')).to.have.length(1);
    expect(events[0]!.method).to.equal('turn/started');
    expect(events.at(-1)!.method).to.equal('turn/completed');
    // A late subscriber still sees the whole turn.
    const again = await lastValueFrom(turn.events$.pipe(toArray()));
    expect(again).to.deep.equal(events);
  });

  it('runs turns of two threads at once, each stream seeing only its own text', async () => {
    const [a, b] = await Promise.all([scripted.codex.threadStart(), scripted.codex.threadStart()]);
    scripted.mock.enqueueMatching((r) => r.userTexts().includes('thread A'), response(deltas(['A1 ', 'A2 ', 'A3'], { delayMs: 10 })));
    scripted.mock.enqueueMatching((r) => r.userTexts().includes('thread B'), response(deltas(['B1 ', 'B2 ', 'B3'], { delayMs: 10 })));
    const [turnA, turnB] = await Promise.all([a.turn('thread A'), b.turn('thread B')]);
    const [textA, textB, resultA, resultB] = await Promise.all([
      lastValueFrom(turnA.events$.pipe(agentTextDeltas(), toArray())),
      lastValueFrom(turnB.events$.pipe(agentTextDeltas(), toArray())),
      turnA.run(),
      turnB.run(),
    ]);
    expect(textA.join('')).to.equal('A1 A2 A3');
    expect(textB.join('')).to.equal('B1 B2 B3');
    expect(resultA.finalResponse).to.equal('A1 A2 A3');
    expect(resultB.finalResponse).to.equal('B1 B2 B3');
  });

  it('runs 20 threads at once on one connection', async () => {
    const count = 20;
    const threads = await Promise.all(Array.from({ length: count }, () => scripted.codex.threadStart()));
    threads.forEach((_, i) =>
      scripted.mock.enqueueMatching((r) => r.userTexts().includes(`job ${i}.`), response(deltas([`answer `, `${i}`], { delayMs: 2 }))),
    );
    const results = await Promise.all(threads.map((thread, i) => thread.run(`job ${i}.`)));
    expect(results.map((r) => r.finalResponse)).to.deep.equal(threads.map((_, i) => `answer ${i}`));
    expect(new Set(results.map((r) => r.id)).size).to.equal(count);
  });

  it('steers a running turn: same turn id, both messages, the steering text reaches the model', async () => {
    const hold = gate('before steer');
    scripted.mock.enqueue(response(assistantMessage('before steer'), hold), response(assistantMessage('after steer')));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('start');
    // Steer once the first message is complete, while its response is still held open.
    await firstValueFrom(turn.events$.pipe(filter((e) => e.method === 'item/completed' && e.params.item.type === 'agentMessage')));
    const steered = await turn.steer('please also mention tests');
    expect(steered.turnId).to.equal(turn.id);
    hold.open();
    const result = await turn.run();
    expect(result.id).to.equal(turn.id);
    const messages = result.items.flatMap((item) => (item.type === 'agentMessage' ? [item.text] : []));
    expect(messages).to.deep.equal(['before steer', 'after steer']);
    const requests = await scripted.mock.waitForRequests(2);
    expect(requests[1]!.userTexts()).to.include('please also mention tests');
  });

  it('interrupts a running turn, and the thread runs the next turn normally', async () => {
    const hold = gate('never opened');
    scripted.mock.enqueue(response(deltas(['partial']), hold), response(assistantMessage('next turn works')));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('long task');
    await firstValueFrom(turn.events$.pipe(filter((e) => e.method === 'item/agentMessage/delta')));
    await turn.interrupt();
    const result = await turn.run();
    expect(result.status).to.equal('interrupted');
    hold.open();
    const next = await thread.run('again');
    expect(next.finalResponse).to.equal('next turn works');
  });

  it('interrupts the turn on the server when run$ is unsubscribed mid-turn', async () => {
    const hold = gate('never opened');
    scripted.mock.enqueue(response(deltas(['partial']), hold), response(assistantMessage('after the drop')));
    const thread = await scripted.codex.threadStart();
    const completions = firstValueFrom(
      scripted.codex.notifications$.pipe(filter((n): n is Extract<ServerNotification, { method: 'turn/completed' }> => n.method === 'turn/completed')),
    );
    const deltaSeen = firstValueFrom(scripted.codex.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta')));
    const subscription = thread.run$('long task').subscribe();
    await deltaSeen;
    subscription.unsubscribe();
    const completed = await completions;
    expect(completed.params.turn.status).to.equal('interrupted');
    hold.open();
    expect((await thread.run('again')).finalResponse).to.equal('after the drop');
  });

  it('merges the events of concurrent turns into one stream', async () => {
    const [a, b] = await Promise.all([scripted.codex.threadStart(), scripted.codex.threadStart()]);
    scripted.mock.enqueueMatching((r) => r.userTexts().includes('left'), response(deltas(['L1', 'L2'], { delayMs: 5 })));
    scripted.mock.enqueueMatching((r) => r.userTexts().includes('right'), response(deltas(['R1', 'R2'], { delayMs: 5 })));
    const all = await lastValueFrom(merge(a.turn$('left'), b.turn$('right')).pipe(agentTextDeltas(), toArray()));
    expect(all.filter((t) => t.startsWith('L'))).to.deep.equal(['L1', 'L2']);
    expect(all.filter((t) => t.startsWith('R'))).to.deep.equal(['R1', 'R2']);
  });
});
