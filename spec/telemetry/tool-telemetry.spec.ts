import { expect } from 'chai';
import { tool } from '../../src/client/tool.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';
import { ms, TelemetryFixture } from './telemetry-fixture.js';

describe('telemetry of client tools defined with tool(), against the real app-server', function () {
  this.timeout(30_000);
  let otel: TelemetryFixture;
  beforeEach(() => {
    otel = new TelemetryFixture();
  });
  afterEach(async () => {
    await otel.dispose();
  });
  const scripted = scriptedCodexPerTest(() => ({ codex: { telemetry: otel.config() } }));

  it('answered by the tool answerer: one execute_tool span per call under the turn, and codex.tool_calls by outcome (success, invalid arguments, thrown)', async () => {
    const { codex, mock } = scripted;
    const schema = { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] } as const;
    const lookup = tool({
      name: 'lookup_order',
      description: 'Looks up an order',
      input: schema,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return 'shipped on Monday';
      },
    });
    const cancel = tool({
      name: 'cancel_order',
      description: 'Cancels an order',
      input: schema,
      run: () => {
        throw new Error('the order service is down');
      },
    });
    mock.enqueue(
      response(functionCall('lookup_order', { orderId: 'A-17' }, { callId: 'call_ok' })),
      // A number where the schema asks for a string: the client refuses it before `run`.
      response(functionCall('lookup_order', { orderId: 17 }, { callId: 'call_invalid' })),
      response(functionCall('cancel_order', { orderId: 'A-17' }, { callId: 'call_thrown' })),
      response(assistantMessage('Shipped, and not cancelled.')),
    );
    const thread = await codex.threadStart({ tools: [lookup, cancel] });
    const result = await thread.run('Where is my order? Then cancel it.');
    expect(result.finalResponse).to.equal('Shipped, and not cancelled.');

    const turn = await otel.ended('invoke_agent codex');
    const spans = otel.spans.filter((span) => span.name.startsWith('execute_tool '));
    expect(spans.map((span) => span.attributes['gen_ai.tool.call.id']).sort(), otel.tree()).to.deep.equal(['call_invalid', 'call_ok', 'call_thrown']);
    for (const span of spans) {
      expect(span.parentSpanContext?.spanId, otel.tree()).to.equal(turn.spanContext().spanId);
      expect(span.attributes).to.include({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.type': 'function' });
      expect(span.name).to.equal(`execute_tool ${String(span.attributes['gen_ai.tool.name'])}`);
      expect(span.attributes).not.to.have.property('gen_ai.tool.call.arguments');
    }
    const byCall = new Map(spans.map((span) => [span.attributes['gen_ai.tool.call.id'], span]));
    const ok = byCall.get('call_ok')!;
    const invalid = byCall.get('call_invalid')!;
    const thrown = byCall.get('call_thrown')!;
    expect(ok.attributes).to.include({ 'gen_ai.tool.name': 'lookup_order', 'codex.tool.outcome': 'success', 'codex.item.status': 'completed' });
    expect(ok.status.code).to.equal(0);
    // The span starts at the request the hooks saw, not at the item's completion: it holds the tool's 200 ms.
    expect(ms(ok.endTime) - ms(ok.startTime), otel.tree()).to.be.at.least(190);
    expect(invalid.attributes).to.include({ 'gen_ai.tool.name': 'lookup_order', 'codex.tool.outcome': 'invalid_arguments', 'error.type': 'invalid_arguments' });
    expect(thrown.attributes).to.include({ 'gen_ai.tool.name': 'cancel_order', 'codex.tool.outcome': 'thrown', 'error.type': 'thrown' });
    for (const span of [invalid, thrown]) expect(span.status.code).to.equal(2);
    // No content by default: neither the arguments nor the thrown message.
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.status, span.events]))).not.to.contain('order service').and.not.to.contain('A-17');

    const points = await otel.points('codex.tool_calls', { 'codex.item.type': 'dynamicToolCall' });
    const counts = Object.fromEntries(points.map((point) => [`${String(point.attributes['gen_ai.tool.name'])} ${String(point.attributes['codex.tool.outcome'])}`, point.value]));
    expect(counts).to.deep.equal({ 'lookup_order success': 1, 'lookup_order invalid_arguments': 1, 'cancel_order thrown': 1 });
  });
});
