import { expect } from 'chai';
import { Sandbox } from '../../src/client/sandbox.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { TelemetryFixture } from './telemetry-fixture.js';

const PROMPT = 'prompt-words-7731 please';
const OUTPUT = 'command-output-9917';
const ANSWER = 'final-answer-5521';
const TOOL_ARGUMENT = 'tool-argument-3307';
const TOOL_RESULT = 'tool-result-6604';

describe('telemetry privacy: no content unless asked for, never a token', function () {
  this.timeout(60_000);
  let otel: TelemetryFixture;
  let scripted: ScriptedCodex | undefined;
  afterEach(async () => {
    await scripted?.dispose();
    scripted = undefined;
    await otel.dispose();
  });

  /** Runs a turn with a command, a client tool and an answer over a token-protected WebSocket; returns everything exported, as text, and the token. */
  async function exported(captureContent: boolean): Promise<{ text: string; token: string }> {
    otel = new TelemetryFixture();
    scripted = await startScriptedCodex({ transport: 'websocket', codex: { telemetry: otel.config({ captureContent, rpcSpans: true }) } });
    const { codex, mock } = scripted;
    mock.enqueue(
      response(execCommand(`echo ${OUTPUT}`)),
      response(functionCall('lookup', { key: TOOL_ARGUMENT })),
      response(assistantMessage(ANSWER)),
    );
    await codex.setServerRequestHandler('item/tool/call', () => ({ success: true, contentItems: [{ type: 'inputText', text: TOOL_RESULT }] }));
    const thread = await codex.threadStart({
      sandbox: Sandbox.workspaceWrite,
      params: { dynamicTools: [{ type: 'function', name: 'lookup', description: 'Looks up a key', inputSchema: { type: 'object', properties: { key: { type: 'string' } } } }] } as never,
    });
    const result = await thread.run(PROMPT);
    expect(result.finalResponse).to.equal(ANSWER);
    await otel.ended('invoke_agent codex');
    const spans = otel.spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links, resource: span.resource.attributes }));
    const metrics = [...(await otel.metrics()).values()];
    return { text: JSON.stringify({ spans, metrics }), token: scripted.server!.token };
  }

  it('by default: no prompt, answer, command output, tool argument or result, and no token in any span or metric', async () => {
    const { text, token } = await exported(false);
    expect(text).to.contain('invoke_agent codex').and.contain('execute_tool lookup').and.contain('execute_command');
    for (const secret of [PROMPT, OUTPUT, ANSWER, TOOL_ARGUMENT, TOOL_RESULT, token]) expect(text, secret).not.to.contain(secret);
  });

  it('with captureContent: the content is there, the token still is not', async () => {
    const { text, token } = await exported(true);
    for (const content of ['prompt-words-7731', OUTPUT, ANSWER, TOOL_ARGUMENT, TOOL_RESULT]) expect(text, content).to.contain(content);
    expect(text).not.to.contain(token);
  });
});
