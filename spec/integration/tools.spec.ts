import { expect } from 'chai';
import { lastValueFrom, Observable, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { tool } from '../../src/client/tool.js';
import { toolNamespace } from '../../src/client/tool-namespace.js';
import { ToolError } from '../../src/errors/tool-error.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { toolCalls } from '../../src/operators/tool-calls.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { event } from '../../src/testing/script/event.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { z } from 'zod';
import { RecordingTransport } from '../support/recording-transport.js';

/** A 1×1 PNG. */
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** zod 4: a Standard Schema validator with its own JSON Schema. */
const cityArgs = z.object({ city: z.string() });

/** What the model read for a call: the `output` of its `function_call_output` in the follow-up request. */
function outputSeen(harness: AppServerHarness, callId: string): unknown {
  for (const request of harness.mock.requests) {
    const output = request.functionCallOutput(callId);
    if (output !== undefined) return output['output'];
  }
  return undefined;
}

/** Answers the client wrote to the server's `item/tool/call` requests. */
function toolAnswers(sent: readonly JsonRpcMessage[], ids: ReadonlySet<unknown>): JsonRpcMessage[] {
  return sent.filter((message) => !('method' in message) && 'id' in message && ids.has(message.id));
}

describe('client-side tools (real server, scripted model)', function () {
  this.timeout(60_000);
  let harness: AppServerHarness;
  let recording: RecordingTransport;
  let codex: Codex;
  const toolCallIds = new Set<unknown>();

  beforeEach(async () => {
    harness = await AppServerHarness.create();
    toolCallIds.clear();
    codex = await Codex.connect({
      transport: () => (recording = new RecordingTransport(new StdioTransport({ env: harness.env, cwd: harness.workspace }))),
    });
    recording.frames$.subscribe({
      next: (frame) => {
        if ('method' in frame && frame.method === 'item/tool/call' && 'id' in frame) toolCallIds.add(frame.id);
      },
      error: () => undefined,
    });
  });
  afterEach(async () => {
    await codex.close();
    await harness.dispose();
  });

  it('answers with text and with an image; the model reads them, the turn shows the calls', async () => {
    const weather = tool({ name: 'weather', description: 'The weather', input: cityArgs, run: ({ city }) => `sunny in ${city}` });
    const chart = tool({ name: 'chart', description: 'A chart', input: { type: 'object', properties: {} }, run: async () => [{ type: 'inputText', text: 'the chart:' }, { type: 'inputImage', imageUrl: PIXEL }] });
    const thread = await codex.threadStart({ tools: [weather, chart] });
    harness.mock.enqueue(
      response(functionCall('weather', { city: 'Paris' }, { callId: 'c_text' })),
      response(functionCall('chart', {}, { callId: 'c_image' })),
      response(assistantMessage('done')),
    );
    const turn = await thread.turn('weather and chart');
    const calls$ = lastValueFrom(turn.events$.pipe(toolCalls(), toArray()));
    const result = await turn.run();

    expect(result.finalResponse).to.equal('done');
    expect(outputSeen(harness, 'c_text')).to.equal('sunny in Paris');
    const imageOutput = JSON.stringify(outputSeen(harness, 'c_image'));
    expect(imageOutput).to.contain('the chart:').and.to.contain(PIXEL);
    const items = result.items.filter((item) => item.type === 'dynamicToolCall');
    expect(items.map((item) => [item.id, item.status, item.success])).to.deep.equal([
      ['c_text', 'completed', true],
      ['c_image', 'completed', true],
    ]);
    const calls = await calls$;
    expect(calls.map((call) => `${call.callId} ${call.status}`)).to.deep.equal(['c_text inProgress', 'c_text completed', 'c_image inProgress', 'c_image completed']);
    expect(calls[1]).to.include({ tool: 'weather', output: 'sunny in Paris', success: true });
  });

  it('invalid arguments: the model reads success:false with the issues, its retry succeeds; diagnostics$ reports them', async () => {
    const diagnostics: CodexDiagnostic[] = [];
    codex.diagnostics$.subscribe((diagnostic) => diagnostics.push(diagnostic));
    const runs: string[] = [];
    const weather = tool({ name: 'weather', description: 'The weather', input: cityArgs, run: ({ city }) => (runs.push(city), `sunny in ${city}`) });
    const thread = await codex.threadStart({ tools: [weather] });
    harness.mock.enqueue(
      response(functionCall('weather', { city: 42 }, { callId: 'c_bad' })),
      response(functionCall('weather', { city: 'Oslo' }, { callId: 'c_good' })),
      response(assistantMessage('done')),
    );
    const result = await thread.run('weather');

    const bad = String(outputSeen(harness, 'c_bad'));
    expect(bad).to.contain('Invalid arguments for tool weather').and.to.contain('$.city: Invalid input: expected string, received number');
    expect(outputSeen(harness, 'c_good')).to.equal('sunny in Oslo');
    expect(runs).to.deep.equal(['Oslo']);
    expect(result.items.filter((item) => item.type === 'dynamicToolCall').map((item) => item.type === 'dynamicToolCall' && item.success)).to.deep.equal([false, true]);
    expect(diagnostics.filter((d) => d.kind === 'tool-arguments-invalid')).to.have.length(1).and.to.satisfy((found: CodexDiagnostic[]) => found[0]?.kind === 'tool-arguments-invalid' && found[0].callId === 'c_bad');
  });

  it('a throwing tool: the model reads that it failed, without the message; a ToolError says its message', async () => {
    const diagnostics: CodexDiagnostic[] = [];
    codex.diagnostics$.subscribe((diagnostic) => diagnostics.push(diagnostic));
    const secret = 'postgres://admin:hunter2@db.internal/prod';
    const query = tool({ name: 'query', description: 'SQL', input: { type: 'object' }, run: () => Promise.reject(new Error(`cannot connect to ${secret}`)) });
    const lookup = tool({ name: 'lookup', description: 'Lookup', input: { type: 'object' }, run: () => { throw new ToolError('There is no ticket T-9; ids look like T-1.'); } });
    const thread = await codex.threadStart({ tools: [query, lookup] });
    harness.mock.enqueue(
      response(functionCall('query', {}, { callId: 'c_throw' })),
      response(functionCall('lookup', {}, { callId: 'c_tool_error' })),
      response(assistantMessage('done')),
    );
    await thread.run('query');

    expect(outputSeen(harness, 'c_throw')).to.equal('Tool query failed.');
    expect(JSON.stringify(harness.mock.requests.map((request) => request.body))).to.not.contain('hunter2');
    expect(outputSeen(harness, 'c_tool_error')).to.equal('There is no ticket T-9; ids look like T-1.');
    const failed = diagnostics.find((d) => d.kind === 'tool-failed' && d.callId === 'c_throw');
    expect(failed?.kind === 'tool-failed' && (failed.error as Error).message).to.contain(secret);
  });

  it('two tools called in parallel in one turn run at once; each answer reaches the model', async () => {
    const started: string[] = [];
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => (release = resolve));
    const slow = (name: string) =>
      tool({
        name,
        description: name,
        input: { type: 'object' },
        run: async () => {
          started.push(name);
          if (started.length === 2) release();
          await bothStarted;
          return `${name} done`;
        },
      });
    const thread = await codex.threadStart({ tools: [slow('left'), slow('right')] });
    harness.mock.enqueue(
      response(functionCall('left', {}, { callId: 'c_left' }), functionCall('right', {}, { callId: 'c_right' })),
      response(assistantMessage('both')),
    );
    const result = await thread.run('both');
    expect(result.finalResponse).to.equal('both');
    expect([...started].sort()).to.deep.equal(['left', 'right']);
    expect([outputSeen(harness, 'c_left'), outputSeen(harness, 'c_right')]).to.deep.equal(['left done', 'right done']);
  });

  it('a namespaced tool is offered as a namespace and answers calls that name it', async () => {
    const tickets = toolNamespace({
      name: 'tickets',
      description: 'The tracker',
      tools: [tool({ name: 'lookup', description: 'Reads a ticket', input: z.object({ id: z.string() }), run: ({ id }) => `ticket ${id}: open` })],
    });
    const thread = await codex.threadStart({ tools: [tickets] });
    const call = { type: 'function_call', id: 'fc_ns', call_id: 'c_ns', name: 'lookup', namespace: 'tickets', arguments: '{"id":"T-1"}', status: 'completed' };
    harness.mock.enqueue(response(event({ type: 'response.output_item.done', item: call })), response(assistantMessage('ok')));
    await thread.run('look');
    const offered = ((harness.mock.requests[0]?.body as { tools: Array<Record<string, unknown>> }).tools).find((t) => t['name'] === 'tickets');
    expect(offered).to.deep.include({ type: 'namespace', name: 'tickets' });
    expect(outputSeen(harness, 'c_ns')).to.equal('ticket T-1: open');
  });

  it('an interrupt mid-tool aborts the signal and unsubscribes the Observable; no late answer is sent', async () => {
    let signal: AbortSignal | undefined;
    let unsubscribed = false;
    let subscribed!: () => void;
    const running = new Promise<void>((resolve) => (subscribed = resolve));
    const progress = tool({
      name: 'progress',
      description: 'Streams progress',
      input: { type: 'object' },
      run: (_args, ctx) => {
        signal = ctx.signal;
        return new Observable<string>((subscriber) => {
          subscriber.next('10%');
          subscribed();
          return () => {
            unsubscribed = true;
          };
        });
      },
    });
    const thread = await codex.threadStart({ tools: [progress] });
    harness.mock.enqueue(response(functionCall('progress', {}, { callId: 'c_cut' })));
    const turn = await thread.turn('go');
    await running;
    await turn.interrupt();
    const result = await turn.run().catch((error: { result?: unknown }) => error.result);
    expect(signal?.aborted).to.equal(true);
    expect(unsubscribed).to.equal(true);
    expect((result as { status?: string }).status).to.equal('interrupted');
    // Anything the tool could still do has nowhere to go: nothing was or will be written for the call.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(toolCallIds.size).to.equal(1);
    expect(toolAnswers(recording.sent, toolCallIds)).to.deep.equal([]);
  });

  it('a lone client without the handler answers within the grace, saying so', async () => {
    const graceMs = 300;
    const lone = await Codex.connect({ toolCallGraceMs: graceMs, transport: () => new StdioTransport({ env: harness.env, cwd: harness.workspace }) });
    try {
      // The thread has the tool (registered by a client that went away); this client has no handler.
      const thread = await lone.threadStart({ params: { dynamicTools: [{ type: 'function', name: 'deploy', description: 'Deploys', inputSchema: { type: 'object' } }] } });
      const hold = gate('after the call');
      harness.mock.enqueue(response(functionCall('deploy', {}, { callId: 'c_lone' })), response(hold, assistantMessage('answered')));
      const started = Date.now();
      const turn = await thread.turn('deploy');
      await hold.waitUntilReached();
      const waited = Date.now() - started;
      hold.open();
      await turn.run();
      expect(outputSeen(harness, 'c_lone')).to.equal('no handler for tool deploy in this client');
      // Not before the grace (a client with the handler would have had it to answer first); that
      // it came at all is the turn's end above, with the answer the model read.
      expect(waited).to.be.at.least(graceMs);
    } finally {
      await lone.close();
    }
  });
});
