import { expect } from 'chai';
import { firstValueFrom, from, NEVER, Observable, Subject } from 'rxjs';
import { z } from 'zod';
import { tool } from '../../src/client/tool.js';
import { ToolCallAnswerer, toResponse } from '../../src/client/tool-call-answerer.js';
import type { ToolDiagnostic } from '../../src/client/tool-diagnostic.js';
import type { RequestId } from '../../src/jsonrpc/json-rpc-message.js';
import type { DynamicToolCallResponse } from '../../src/protocol/generated/codecs.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { SchemaError } from '../../src/schema/schema-error.js';

// The server cannot be made to hold a call while the client's own timers and limits play out in
// milliseconds, nor to send serverRequest/resolved for a tool call: these drive the answerer with
// the notifications the real server sends (shapes copied from it), and its handler as the
// connection calls it.

const THREAD = 'thread-1';
const TURN = 'turn-1';

function setUp(graceMs = 1_000) {
  const notifications = new Subject<ServerNotification>();
  const withdrawn: RequestId[] = [];
  const diagnostics: ToolDiagnostic[] = [];
  const answerer = new ToolCallAnswerer({ withdrawServerRequest: (id) => (withdrawn.push(id), true) }, notifications, {}, graceMs, undefined);
  answerer.diagnostics$.subscribe((d) => diagnostics.push(d));
  let nextId = 0;
  const call = (toolName: string, args: unknown = {}, callId = `c${nextId}`) => {
    const id = nextId++;
    const answer$ = from(answerer.handle({ threadId: THREAD, turnId: TURN, callId, tool: toolName, namespace: null, arguments: args }, { id, method: 'item/tool/call' }) as Observable<DynamicToolCallResponse>);
    const answers: DynamicToolCallResponse[] = [];
    let completed = false;
    answer$.subscribe({ next: (a) => answers.push(a), complete: () => (completed = true) });
    return { id, callId, answers, get completed() { return completed; } };
  };
  const emit = (method: string, params: unknown) => notifications.next({ method, params } as ServerNotification);
  return { notifications, withdrawn, diagnostics, answerer, call, emit };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ToolCallAnswerer', () => {
  it('types run() arguments from the schema', () => {
    const typed = tool({ name: 'typed', description: 'd', input: z.object({ city: z.string(), days: z.number() }), run: ({ city, days }) => city.toUpperCase() + days.toFixed(0) });
    // @ts-expect-error -- the arguments are { city: string; days: number }
    const wrong = tool({ name: 'wrong', description: 'd', input: z.object({ city: z.string() }), run: ({ town }) => town });
    expect([typed.name, wrong.name]).to.deep.equal(['typed', 'wrong']);
  });

  it('refuses a name the model could not call and a schema that is not of an object', () => {
    expect(() => tool({ name: 'has space', description: 'd', input: z.object({}), run: () => '' })).to.throw(TypeError);
    expect(() => tool({ name: 'n', description: 'd', input: z.string(), run: () => '' })).to.throw(SchemaError, 'must be an object');
  });

  it('turns outputs into answers: text, content items, JSON; undefined is an empty text', () => {
    const image = { type: 'inputImage', imageUrl: 'data:image/png;base64,AA==' } as const;
    expect(toResponse('hi').contentItems).to.deep.equal([{ type: 'inputText', text: 'hi' }]);
    expect(toResponse(image).contentItems).to.deep.equal([image]);
    expect(toResponse([{ type: 'inputText', text: 'a' }, image]).contentItems).to.have.length(2);
    expect(toResponse({ n: 1 }).contentItems).to.deep.equal([{ type: 'inputText', text: '{"n":1}' }]);
    expect(toResponse(undefined).contentItems).to.deep.equal([{ type: 'inputText', text: '' }]);
    expect(() => toResponse(() => 1)).to.throw(TypeError);
  });

  it('runs at most `concurrency` calls of a tool at once; the others wait their turn', async () => {
    const { answerer, call } = setUp();
    let running = 0;
    let most = 0;
    const slow = tool({
      name: 'slow',
      description: 'd',
      input: { type: 'object' },
      concurrency: 2,
      run: async () => {
        running += 1;
        most = Math.max(most, running);
        await tick(20);
        running -= 1;
        return 'ok';
      },
    });
    answerer.attach(THREAD, [slow]);
    const calls = [call('slow'), call('slow'), call('slow'), call('slow'), call('slow')];
    while (calls.some((c) => c.answers.length === 0)) await tick(5);
    expect(most).to.equal(2);
  });

  it('a timeout aborts the signal, unsubscribes, answers the model that it timed out, and reports it', async () => {
    const { answerer, call, diagnostics } = setUp();
    let signal: AbortSignal | undefined;
    let unsubscribed = false;
    answerer.attach(THREAD, [
      tool({ name: 'stuck', description: 'd', input: { type: 'object' }, timeoutMs: 30, run: (_a, ctx) => ((signal = ctx.signal), new Observable(() => () => (unsubscribed = true))) }),
    ]);
    const c = call('stuck');
    while (c.answers.length === 0) await tick(5);
    expect(c.answers[0]).to.deep.equal({ success: false, contentItems: [{ type: 'inputText', text: 'Tool stuck timed out after 30 ms.' }] });
    expect([signal?.aborted, unsubscribed]).to.deep.equal([true, true]);
    expect(diagnostics.map((d) => d.kind)).to.deep.equal(['tool-timeout']);
  });

  it('serverRequest/resolved cancels the call and withdraws the request; nothing is answered', async () => {
    const { answerer, call, emit, withdrawn } = setUp();
    let signal: AbortSignal | undefined;
    answerer.attach(THREAD, [tool({ name: 'wait', description: 'd', input: { type: 'object' }, run: (_a, ctx) => ((signal = ctx.signal), NEVER) })]);
    const c = call('wait');
    await tick();
    emit('serverRequest/resolved', { threadId: THREAD, requestId: c.id });
    expect([signal?.aborted, withdrawn, c.answers, c.completed]).to.deep.equal([true, [c.id], [], true]);
    expect(answerer.size).to.equal(0);
  });

  it('an in-progress item does not end the call; a completed one (answered elsewhere) cancels it', async () => {
    const { answerer, call, emit } = setUp();
    let signal: AbortSignal | undefined;
    answerer.attach(THREAD, [tool({ name: 'wait', description: 'd', input: { type: 'object' }, run: (_a, ctx) => ((signal = ctx.signal), NEVER) })]);
    const c = call('wait');
    await tick();
    const item = { type: 'dynamicToolCall', id: c.callId, tool: 'wait', arguments: {}, status: 'inProgress' };
    emit('item/completed', { threadId: THREAD, turnId: TURN, item });
    expect(signal?.aborted).to.equal(false);
    emit('item/completed', { threadId: THREAD, turnId: TURN, item: { ...item, status: 'completed', success: true } });
    expect(signal?.aborted).to.equal(true);
  });

  it('the connection closing cancels every call', async () => {
    const { answerer, call, notifications } = setUp();
    const signals: AbortSignal[] = [];
    answerer.attach(THREAD, [tool({ name: 'wait', description: 'd', input: { type: 'object' }, run: (_a, ctx) => (signals.push(ctx.signal), NEVER) })]);
    call('wait');
    call('wait');
    await tick();
    notifications.complete();
    expect(signals.map((s) => s.aborted)).to.deep.equal([true, true]);
  });

  it('follows the notifications only while a call is open; a call after the connection closed is cancelled at once', async () => {
    // Every frame of every turn would otherwise make one more call into the answerer, for the many clients that never get a call.
    const { answerer, call, emit, notifications } = setUp();
    const wait = tool({ name: 'wait', description: 'd', input: { type: 'object' }, run: () => NEVER });
    answerer.attach(THREAD, [wait]);
    expect(notifications.observed).to.equal(false);
    const first = call('wait');
    const second = call('wait');
    expect(notifications.observed).to.equal(true);
    await tick();
    emit('serverRequest/resolved', { threadId: THREAD, requestId: first.id });
    expect(notifications.observed).to.equal(true);
    emit('turn/completed', { threadId: THREAD, turn: { id: TURN, status: 'interrupted', items: [] } });
    expect([first.completed, second.completed, notifications.observed, answerer.size]).to.deep.equal([true, true, false, 0]);

    const closed = setUp();
    closed.notifications.complete();
    let ran = false;
    closed.answerer.attach(THREAD, [tool({ name: 'wait', description: 'd', input: { type: 'object' }, run: () => ((ran = true), NEVER) })]);
    const late = closed.call('wait');
    await tick();
    expect([late.completed, late.answers, closed.withdrawn, ran, closed.answerer.size]).to.deep.equal([true, [], [late.id], false, 0]);
  });

  it('a call without a handler is answered after the grace, not before; one whose turn ends first is not answered', async () => {
    const { call, emit, diagnostics } = setUp(60);
    const lone = call('unknown');
    const ended = call('unknown', {}, 'other');
    await tick(20);
    expect(lone.answers).to.deep.equal([]);
    emit('turn/completed', { threadId: THREAD, turn: { id: TURN, status: 'interrupted', items: [] } });
    await tick(80);
    expect(lone.completed && ended.completed).to.equal(true);
    expect(lone.answers).to.deep.equal([]);
    const { answerer, call: call2 } = setUp(30);
    const answered = call2('unknown');
    await firstValueFrom(answerer.diagnostics$);
    expect(answered.answers).to.deep.equal([{ success: false, contentItems: [{ type: 'inputText', text: 'no handler for tool unknown in this client' }] }]);
    expect(diagnostics).to.deep.equal([]);
  });
});
