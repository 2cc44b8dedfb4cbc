import { expect } from 'chai';
import { trace } from '@opentelemetry/api';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Sandbox } from '../../src/client/sandbox.js';
import type { IncomingServerRequestOf } from '../../src/connection/server-request.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { delay } from '../../src/testing/script/delay.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { failed } from '../../src/testing/script/failed.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
import { TurnFailedError } from '../../src/turns/turn-failed-error.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';
import { ms, TelemetryFixture } from './telemetry-fixture.js';

describe('telemetry of a turn, against the real app-server', function () {
  this.timeout(30_000);
  let otel: TelemetryFixture;
  beforeEach(() => {
    otel = new TelemetryFixture();
  });
  afterEach(async () => {
    await otel.dispose();
  });
  const scripted = scriptedCodexPerTest(() => ({ codex: { telemetry: otel.config() } }));

  it('a plain turn: an invoke_agent span under the active span, with the turn\'s own usage, and the GenAI metrics', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(assistantMessage('Hello.'), usage({ inputTokens: 120, outputTokens: 7, cachedInputTokens: 20, reasoningOutputTokens: 3 })));
    const thread = await codex.threadStart();
    const tracer = otel.tracerProvider.getTracer('app');
    const result = await tracer.startActiveSpan('handle request', async (span) => {
      try {
        return await thread.run('Say hello');
      } finally {
        span.end();
      }
    });
    const app = otel.span('handle request');
    const turn = await otel.ended('invoke_agent codex');
    expect(turn.parentSpanContext?.spanId, otel.tree()).to.equal(app.spanContext().spanId);
    expect(turn.spanContext().traceId).to.equal(app.spanContext().traceId);
    expect(turn.attributes).to.include({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'codex',
      'gen_ai.conversation.id': thread.id,
      'codex.turn.id': result.id,
      'codex.turn.status': 'completed',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'codex.usage.reasoning_output_tokens': 3,
    });
    expect(turn.attributes['gen_ai.request.model']).to.be.a('string').and.not.equal('');
    expect(turn.status.code).to.equal(0);
    expect(turn.attributes).not.to.have.property('error.type');

    const input = await otel.points('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' });
    const output = await otel.points('gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' });
    expect(input.map((point) => (point.value as { sum: number }).sum)).to.deep.equal([120]);
    expect(output.map((point) => (point.value as { sum: number }).sum)).to.deep.equal([7]);
    const duration = await otel.points('gen_ai.client.operation.duration', { 'gen_ai.operation.name': 'invoke_agent' });
    expect((duration[0]!.value as { count: number }).count).to.equal(1);
    const active = await otel.points('codex.turns.active');
    expect(active.reduce((sum, point) => sum + (point.value as number), 0)).to.equal(0);
    const inFlight = await otel.points('codex.requests.in_flight');
    expect(inFlight.reduce((sum, point) => sum + (point.value as number), 0)).to.equal(0);
  });

  it('two turns asked for at once on one thread: two spans, each with its own turn id', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(assistantMessage('One.')), response(assistantMessage('Two.')));
    const thread = await codex.threadStart();
    const [first, second] = await Promise.all([thread.run('first'), thread.run('second')]);
    await otel.ended('invoke_agent codex');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const turns = otel.spans.filter((span) => span.name === 'invoke_agent codex');
    expect(turns.map((span) => span.attributes['codex.turn.id']).sort(), otel.tree()).to.deep.equal([first.id, second.id].sort());
    expect(turns.every((span) => span.attributes['codex.turn.status'] === 'completed')).to.equal(true);
  });

  it('a command that needs an approval answered 1 s later: the wait is its own span of about 1 s, the execution starts after it', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(execCommand('echo hi', { callId: 'call_echo' })), response(assistantMessage('Done.')));
    const subscription = codex.serverRequests$.subscribe((request) => {
      if (request.method !== 'item/commandExecution/requestApproval') return;
      setTimeout(() => (request as IncomingServerRequestOf<'item/commandExecution/requestApproval'>).respond({ decision: 'accept' }), 1_000);
    });
    try {
      const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });
      // A short stall timeout: the watch looks at the turn during the wait, which the span records.
      await thread.run('Run echo', { approvalMode: ApprovalMode.askUser, stallTimeoutMs: 300 });
    } finally {
      subscription.unsubscribe();
    }
    const turn = await otel.ended('invoke_agent codex');
    const wait = otel.span('await_approval');
    const command = otel.span('execute_command');
    for (const child of [wait, command]) expect(child.parentSpanContext?.spanId, otel.tree()).to.equal(turn.spanContext().spanId);
    const waited = ms(wait.endTime) - ms(wait.startTime);
    expect(waited, otel.tree()).to.be.within(950, 2_000);
    expect(wait.attributes).to.include({ 'codex.server_request.method': 'item/commandExecution/requestApproval' });
    // The execution runs from the answer: the person's second is not in it.
    expect(ms(command.startTime)).to.be.at.least(ms(wait.endTime) - 1);
    expect(ms(command.endTime) - ms(command.startTime)).to.be.below(waited);
    expect(command.attributes).to.include({ 'codex.command.exit_code': 0, 'codex.item.status': 'completed' });
    expect(command.attributes['codex.command.wait_ms']).to.be.at.least(950);
    expect(command.attributes).not.to.have.property('codex.command.line');
    const checks = turn.events.filter((event) => event.name === 'codex.turn.stall_check');
    expect(checks.length, otel.tree()).to.be.at.least(1);
    // The command's item is open while the person decides: local work, not a stall.
    expect(checks.map((event) => event.attributes?.['codex.stall.outcome'])).to.include('local-work');
    const tools = await otel.points('codex.tool_calls', { 'codex.item.type': 'commandExecution', 'codex.tool.outcome': 'completed' });
    expect(tools.map((point) => point.value)).to.deep.equal([1]);
  });

  it('a failed turn: the span has an error status and error.type, and the duration metric carries it', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(failed('The model is on fire')));
    const thread = await codex.threadStart();
    const error = await thread.run('hi').catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(TurnFailedError);
    const turn = await otel.ended('invoke_agent codex');
    expect(turn.status.code).to.equal(2);
    expect(turn.attributes['codex.turn.status']).to.equal('failed');
    expect(turn.attributes['error.type']).to.be.a('string').and.not.equal('');
    // No content by default: the failure's message stays out.
    expect(JSON.stringify([turn.attributes, turn.status])).not.to.contain('on fire');
    const duration = await otel.points('gen_ai.client.operation.duration', { 'error.type': turn.attributes['error.type'] });
    expect(duration).to.have.length(1);
  });

  it('a turn interrupted by a signal: the span ends as interrupted, without an error', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(delay(20_000), assistantMessage('too late')));
    const thread = await codex.threadStart();
    const controller = new AbortController();
    const running = thread.run('wait', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    expect(await running.catch((caught: unknown) => (caught as Error).name)).to.equal('AbortError');
    const turn = await otel.ended('invoke_agent codex');
    expect(turn.attributes['codex.turn.status'], otel.tree()).to.equal('interrupted');
    expect(turn.status.code).to.equal(0);
  });

  it('a client tool: an execute_tool span with the GenAI tool name and call id (a raw dynamicTools param and a handler)', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(functionCall('lookup_order', { orderId: 'A-17' }, { callId: 'call_lookup' })), response(assistantMessage('Shipped.')));
    await codex.setServerRequestHandler('item/tool/call', async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { success: true, contentItems: [{ type: 'inputText', text: 'shipped on Monday' }] };
    });
    const thread = await codex.threadStart({
      params: { dynamicTools: [{ type: 'function', name: 'lookup_order', description: 'Looks up an order', inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } } }] } as never,
    });
    const result = await thread.run('Where is my order?');
    expect(result.finalResponse).to.equal('Shipped.');
    const turn = await otel.ended('invoke_agent codex');
    const tool = otel.span('execute_tool lookup_order');
    expect(tool.parentSpanContext?.spanId).to.equal(turn.spanContext().spanId);
    expect(tool.attributes).to.include({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.tool.call.id': 'call_lookup',
      'gen_ai.tool.type': 'function',
      'codex.item.status': 'completed',
    });
    expect(ms(tool.endTime) - ms(tool.startTime)).to.be.at.least(190);
    expect(tool.attributes).not.to.have.property('gen_ai.tool.call.arguments');
    const calls = await otel.points('codex.tool_calls', { 'gen_ai.tool.name': 'lookup_order', 'codex.tool.outcome': 'success' });
    expect(calls.map((point) => point.value)).to.deep.equal([1]);
  });

  it('RPC spans when asked for: one per request, children of the active span', async () => {
    await scripted.restart({ codex: { telemetry: otel.config({ rpcSpans: true }) } });
    const tracer = otel.tracerProvider.getTracer('app');
    await tracer.startActiveSpan('list', async (span) => {
      await scripted.codex.threadList({ limit: 1 });
      span.end();
    });
    const list = otel.span('thread/list');
    expect(list.parentSpanContext?.spanId).to.equal(otel.span('list').spanContext().spanId);
    expect(list.attributes).to.include({ 'rpc.system': 'jsonrpc', 'rpc.method': 'thread/list' });
    expect(trace.getActiveSpan()).to.equal(undefined);
  });
});
