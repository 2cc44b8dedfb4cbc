import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { MockResponsesServer } from '../../src/testing/mock-responses-server.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { failed } from '../../src/testing/script/failed.js';
import { gate } from '../../src/testing/script/gate.js';
import { httpError } from '../../src/testing/script/http-error.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
import { isProcessAlive } from '../support/server-processes.js';

const CODEX_BINARY = fileURLToPath(
  new URL('../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex', import.meta.url),
);

/** One JSONL message as the app-server writes it (no `jsonrpc` member). */
interface WireMessage {
  readonly id?: number | string;
  readonly method?: string;
  // `any`: the specs read deep into protocol payloads, whose codecs are tested elsewhere.
  readonly params?: any;
  readonly result?: any;
  readonly error?: { readonly code: number; readonly message: string };
}

type ServerRequestHandler = (params: WireMessage['params']) => unknown;

/**
 * The smallest JSON-RPC client that can drive the real app-server over stdio: requests by id,
 * answers to server requests, and a log of everything received that `waitFor` searches, so a
 * test never misses a message that arrived before it started waiting.
 */
class RawAppServerClient {
  readonly received: WireMessage[] = [];
  private readonly stderrLines: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly handlers = new Map<string, ServerRequestHandler>();
  private readonly exited: Promise<void>;
  private hasExited = false;
  private nextId = 1;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as WireMessage;
      this.received.push(message);
      if (message.method !== undefined && message.id !== undefined) this.answerServerRequest(message);
      this.listeners.forEach((listener) => listener());
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.stderrLines.push(line));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.hasExited = true;
        this.listeners.forEach((listener) => listener());
        resolve();
      }),
    );
  }

  /**
   * Spawns the app-server for `harness` and performs the initialize handshake. When the handshake
   * fails or times out the child is stopped before the error is thrown: nobody else holds it.
   * `command` replaces the server and `spawned` sees its pid, for specs of this client itself.
   */
  static async start(
    harness: AppServerHarness,
    {
      command = [CODEX_BINARY, 'app-server', '--listen', 'stdio://', '--strict-config'],
      initializeTimeoutMs = 10_000,
      spawned = (_pid: number | undefined): void => undefined,
    } = {},
  ): Promise<RawAppServerClient> {
    // --strict-config makes the server reject any key of the harness config it does not know.
    const [bin, ...args] = command;
    const child = spawn(bin!, args, {
      cwd: harness.workspace,
      env: { ...process.env, ...harness.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    spawned(child.pid);
    const client = new RawAppServerClient(child);
    try {
      await client.request(
        'initialize',
        { clientInfo: { name: 'codex-rx-spec', version: '0.0.0' }, capabilities: { experimentalApi: true } },
        initializeTimeoutMs,
      );
    } catch (error) {
      await client.close();
      throw error;
    }
    client.notify('initialized');
    return client;
  }

  /** Answers every server request with `method` using `handler`. */
  onServerRequest(method: string, handler: ServerRequestHandler): void {
    this.handlers.set(method, handler);
  }

  async request(method: string, params: unknown, timeoutMs = 10_000): Promise<WireMessage['result']> {
    const id = this.nextId++;
    this.send({ id, method, params });
    const reply = await this.waitFor((message) => message.id === id && message.method === undefined, timeoutMs);
    if (reply.error) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.result;
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  /** The first message received (now or later) that matches. */
  waitFor(matches: (message: WireMessage) => boolean, timeoutMs = 10_000): Promise<WireMessage> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.received.find(matches);
        if (found) finish(() => resolve(found));
        else if (this.hasExited) finish(() => reject(new Error(`app-server exited\n${this.stderrTail()}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no matching message within ${timeoutMs} ms\n${this.stderrTail()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Notifications with `method` that belong to `turnId`, in arrival order. */
  turnNotifications(turnId: string, method: string): WireMessage[] {
    return this.received.filter(
      (message) => message.method === method && (message.params?.turnId ?? message.params?.turn?.id) === turnId,
    );
  }

  async close(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await this.exited;
    clearTimeout(killer);
  }

  private answerServerRequest(message: WireMessage): void {
    const handler = message.method === undefined ? undefined : this.handlers.get(message.method);
    if (handler) this.send({ id: message.id, result: handler(message.params) });
    else this.send({ id: message.id, error: { code: -32601, message: `spec has no handler for ${message.method}` } });
  }

  private send(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private stderrTail(): string {
    return this.stderrLines.slice(-20).join('\n');
  }
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('scripted mock model driving the real app-server', function () {
  this.timeout(20_000);

  let harness: AppServerHarness;
  let client: RawAppServerClient;

  beforeEach(async () => {
    harness = await AppServerHarness.create();
    client = await RawAppServerClient.start(harness);
  });

  afterEach(async () => {
    await client?.close();
    await harness?.dispose();
  });

  async function startThread(extra: object = {}): Promise<string> {
    const result = await client.request('thread/start', { cwd: harness.workspace, ...extra });
    return result.thread.id as string;
  }

  async function startTurn(threadId: string, text: string, extra: object = {}): Promise<string> {
    const result = await client.request('turn/start', {
      threadId,
      input: [{ type: 'text', text, text_elements: [] }],
      ...extra,
    });
    return result.turn.id as string;
  }

  function turnCompleted(turnId: string): Promise<WireMessage> {
    return client.waitFor((message) => message.method === 'turn/completed' && message.params.turn.id === turnId);
  }

  it('streams scripted deltas in order and completes the turn', async () => {
    harness.mock.enqueue(response(deltas(['Hel', 'lo', ', world'])));
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');

    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('completed');
    const streamed = client.turnNotifications(turnId, 'item/agentMessage/delta').map((message) => message.params.delta);
    expect(streamed).to.deep.equal(['Hel', 'lo', ', world']);
    const messages = client
      .turnNotifications(turnId, 'item/completed')
      .map((message) => message.params.item)
      .filter((item) => item.type === 'agentMessage');
    expect(messages.map((item) => item.text)).to.deep.equal(['Hello, world']);
  });

  it('records the model request: streaming, model name, the user text', async () => {
    harness.mock.enqueue(response(assistantMessage('ok')));
    const threadId = await startThread();
    await turnCompleted(await startTurn(threadId, 'Say hello to the mock'));

    const [request] = await harness.mock.waitForRequests(1);
    expect(request?.path).to.equal('/v1/responses');
    expect(request?.stream).to.equal(true);
    expect(request?.model).to.equal('mock-model');
    expect(request?.scripted).to.equal(true);
    expect(request?.userTexts()).to.include('Say hello to the mock');
    expect(request?.headers['thread-id']).to.equal(threadId);
    // Nothing but model calls reached the mock, and nothing else was asked of it.
    expect(harness.mock.allRequests.map((recorded) => `${recorded.method} ${recorded.path}`)).to.deep.equal([
      'POST /v1/responses',
    ]);
  });

  it('passes the message phase and the token usage through', async () => {
    harness.mock.enqueue(
      response(
        assistantMessage('Thinking out loud', { phase: 'commentary' }),
        assistantMessage('The answer', { phase: 'final_answer' }),
        usage({ inputTokens: 120, cachedInputTokens: 100, outputTokens: 8, reasoningOutputTokens: 3 }),
      ),
    );
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');
    const completed = await turnCompleted(turnId);

    const phases = client
      .turnNotifications(turnId, 'item/completed')
      .map((message) => message.params.item)
      .filter((item) => item.type === 'agentMessage')
      .map((item) => [item.text, item.phase]);
    expect(phases).to.deep.equal([
      ['Thinking out loud', 'commentary'],
      ['The answer', 'final_answer'],
    ]);
    const [tokenUsage] = client.turnNotifications(turnId, 'thread/tokenUsage/updated');
    expect(tokenUsage?.params.tokenUsage.last).to.include({
      inputTokens: 120,
      cachedInputTokens: 100,
      outputTokens: 8,
      reasoningOutputTokens: 3,
      totalTokens: 128,
    });
    expect(completed.params.turn.status).to.equal('completed');
  });

  it('fails the turn with the message of a response.failed', async () => {
    harness.mock.enqueue(response(deltas(['Half an ans']), failed('The mock model broke down')));
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');

    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('failed');
    expect(completed.params.turn.error.message).to.include('The mock model broke down');
    const [error] = client.turnNotifications(turnId, 'error');
    expect(error?.params).to.include({ willRetry: false });
  });

  it('asks for approval of an exec_command call and runs it once accepted', async () => {
    const approvals: WireMessage['params'][] = [];
    client.onServerRequest('item/commandExecution/requestApproval', (params) => {
      approvals.push(params);
      return { decision: 'accept' };
    });
    harness.mock.enqueue(
      response(execCommand('touch created.txt', { callId: 'call_touch' })),
      // The server calls the model again with the command's output: this answers that call.
      response(assistantMessage('Created the file.', { phase: 'final_answer' })),
    );
    // In the default read-only sandbox an approved command may or may not be sandboxed (it
    // fails with "Read-only file system" when the machine is busy); workspace-write makes the
    // outcome the same every time.
    const threadId = await startThread({ sandbox: 'workspace-write' });
    const turnId = await startTurn(threadId, 'Create a file', { approvalPolicy: 'untrusted' });

    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('completed');
    expect(approvals).to.have.length(1);
    expect(approvals[0]).to.include({ threadId, turnId, itemId: 'call_touch', cwd: harness.workspace });
    expect(approvals[0].command).to.include('touch created.txt');
    expect(existsSync(join(harness.workspace, 'created.txt'))).to.equal(true);
    await client.waitFor((message) => message.method === 'serverRequest/resolved');

    const [, followUp] = await harness.mock.waitForRequests(2);
    const lastInputTypes = followUp?.input.slice(-2).map((item) => item['type']);
    expect(lastInputTypes).to.deep.equal(['function_call', 'function_call_output']);
    expect(followUp?.functionCallOutput('call_touch')?.['output']).to.include('Process exited with code 0');
    const commands = client
      .turnNotifications(turnId, 'item/completed')
      .map((message) => message.params.item)
      .filter((item) => item.type === 'commandExecution');
    expect(commands.map((item) => [item.id, item.status, item.exitCode])).to.deep.equal([['call_touch', 'completed', 0]]);
  });

  it('tells the model when the user declines a command, and does not run it', async () => {
    client.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: 'decline' }));
    harness.mock.enqueue(
      response(execCommand('touch declined.txt', { callId: 'call_declined' })),
      response(assistantMessage('Understood.')),
    );
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'Create a file', { approvalPolicy: 'untrusted' });

    await turnCompleted(turnId);

    expect(existsSync(join(harness.workspace, 'declined.txt'))).to.equal(false);
    const [, followUp] = await harness.mock.waitForRequests(2);
    expect(followUp?.functionCallOutput('call_declined')?.['output']).to.include('rejected by user');
  });

  it('holds a response open at a gate until the test opens it', async () => {
    const hold = gate('mid-answer');
    harness.mock.enqueue(response(deltas(['Before the gate. ']), hold, deltas(['After the gate.'])));
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');

    await hold.waitUntilReached();
    await client.waitFor(
      (message) => message.method === 'item/agentMessage/delta' && message.params.delta === 'Before the gate. ',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.turnNotifications(turnId, 'turn/completed')).to.have.length(0);

    hold.open();
    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('completed');
    const streamed = client.turnNotifications(turnId, 'item/agentMessage/delta').map((message) => message.params.delta);
    expect(streamed).to.deep.equal(['Before the gate. ', 'After the gate.']);
  });

  it('lets a turn held at a gate be interrupted', async () => {
    const hold = gate();
    harness.mock.enqueue(response(deltas(['Working…']), hold, deltas(['never sent'])));
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');
    await hold.waitUntilReached();

    await client.request('turn/interrupt', { threadId, turnId });
    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('interrupted');
    // The server hung up on the held response, so the mock stopped playing it.
    await waitUntil(() => harness.mock.activeResponses === 0);
    expect(hold.isOpen).to.equal(false);
    const streamed = client.turnNotifications(turnId, 'item/agentMessage/delta').map((message) => message.params.delta);
    expect(streamed).to.not.include('never sent');
  });

  it('sends steering input to the model in the next request of the same turn', async () => {
    const hold = gate();
    harness.mock.enqueue(
      response(deltas(['Starting.']), hold),
      response(assistantMessage('Steered.', { phase: 'final_answer' })),
    );
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'Do the thing');
    await hold.waitUntilReached();

    const steered = await client.request('turn/steer', {
      threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: 'Also add tests', text_elements: [] }],
    });
    hold.open();
    const completed = await turnCompleted(turnId);

    expect(steered.turnId).to.equal(turnId);
    expect(completed.params.turn.status).to.equal('completed');
    const [, followUp] = await harness.mock.waitForRequests(2);
    expect(followUp?.userTexts()).to.include('Also add tests');
  });

  it('fails the turn by default when nothing is scripted, naming the request, and marks it unscripted', async () => {
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');
    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('failed');
    expect(completed.params.turn.error.message).to.include('no scripted response for model request #1');
    expect(harness.mock.requests[0]?.scripted).to.equal(false);
  });

  it('fails the turn with an HTTP error answer', async () => {
    harness.mock.enqueue(httpError(400, { error: { message: 'Scripted bad request', type: 'invalid_request_error' } }));
    const threadId = await startThread();
    const turnId = await startTurn(threadId, 'hi');

    const completed = await turnCompleted(turnId);

    expect(completed.params.turn.status).to.equal('failed');
    expect(completed.params.turn.error.message).to.include('Scripted bad request');
  });

  it('lists models without calling the mock', async () => {
    const models = await client.request('model/list', {});
    expect(models.data).to.be.an('array');
    expect(harness.mock.allRequests).to.have.length(0);
  });
});

describe('RawAppServerClient (the raw stdio client of these specs)', function () {
  this.timeout(20_000);

  let harness: AppServerHarness | undefined;

  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it('stops the server it spawned when initialize gets no answer', async () => {
    harness = await AppServerHarness.create();
    // A server that reads its requests and never answers: the real one cannot be made to stay silent.
    const silent = [process.execPath, '-e', 'process.stdin.resume()'];
    let pid: number | undefined;

    const error = await RawAppServerClient.start(harness, { command: silent, initializeTimeoutMs: 500, spawned: (p) => (pid = p) }).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.include('no matching message within 500 ms');
    expect(pid).to.be.a('number');
    expect(isProcessAlive(pid!), `process ${pid} still running`).to.equal(false);
  });
});

describe('app-server harness offline behaviour', function () {
  this.timeout(20_000);

  let harness: AppServerHarness | undefined;
  let client: RawAppServerClient | undefined;
  let mock: MockResponsesServer | undefined;

  afterEach(async () => {
    await client?.close();
    await harness?.dispose();
    await mock?.close();
    client = undefined;
    harness = undefined;
    mock = undefined;
  });

  it('fails a turn at once when the model is unreachable, instead of retrying forever', async () => {
    mock = await MockResponsesServer.start();
    await mock.close();
    harness = await AppServerHarness.create({ mock });
    client = await RawAppServerClient.start(harness);
    const thread = await client.request('thread/start', { cwd: harness.workspace });
    const turn = await client.request('turn/start', {
      threadId: thread.thread.id,
      input: [{ type: 'text', text: 'hi', text_elements: [] }],
    });

    const completed = await client.waitFor(
      (message) => message.method === 'turn/completed' && message.params.turn.id === turn.turn.id,
      5_000,
    );

    expect(completed.params.turn.status).to.equal('failed');
    expect(completed.params.turn.error.codexErrorInfo).to.have.property('httpConnectionFailed');
  });

  it('answers every unscripted request with whenEmpty when one is given', async () => {
    mock = await MockResponsesServer.start({ whenEmpty: () => response(assistantMessage('ok')) });
    harness = await AppServerHarness.create({ mock });
    client = await RawAppServerClient.start(harness);
    const thread = await client.request('thread/start', { cwd: harness.workspace });
    const turn = await client.request('turn/start', {
      threadId: thread.thread.id,
      input: [{ type: 'text', text: 'hi', text_elements: [] }],
    });

    const completed = await client.waitFor(
      (message) => message.method === 'turn/completed' && message.params.turn.id === turn.turn.id,
    );

    expect(completed.params.turn.status).to.equal('completed');
    const streamed = client.turnNotifications(turn.turn.id, 'item/agentMessage/delta').map((message) => message.params.delta);
    expect(streamed).to.deep.equal(['ok']);
    expect(mock.requests[0]?.scripted).to.equal(false);
  });

  it('writes the config into a temporary CODEX_HOME and removes both directories on dispose', async () => {
    harness = await AppServerHarness.create({ config: { approval_policy: 'never', features: { shell_snapshot: true, shell_tool: false } } });
    const { codexHome, workspace, configToml } = harness;
    expect(existsSync(harness.configPath)).to.equal(true);
    expect(configToml).to.include(`base_url = "${harness.mock.url}"`);
    expect(configToml).to.match(/^approval_policy = "never"$/m);
    expect(configToml).to.match(/\[features\]\nplugins = false\nremote_plugin = false\nunbounded_connection_retries = false\nshell_snapshot = true\nshell_tool = false\n/);
    expect(harness.env).to.include({ CODEX_HOME: codexHome, CODEX_APP_SERVER_DISABLE_MANAGED_CONFIG: '1' });

    await harness.dispose();

    expect(existsSync(codexHome)).to.equal(false);
    expect(existsSync(workspace)).to.equal(false);
  });
});

describe('MockResponsesServer over plain HTTP', () => {
  let mock: MockResponsesServer;

  beforeEach(async () => {
    mock = await MockResponsesServer.start();
  });

  afterEach(async () => {
    await mock.close();
  });

  it('streams a script as server-sent events named after each event type', async () => {
    mock.enqueue(response(deltas(['a', 'b'], { id: 'msg_fixed' })));
    const reply = await fetch(`${mock.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, input: [] }),
    });
    const text = await reply.text();

    expect(reply.headers.get('content-type')).to.equal('text/event-stream');
    const names = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(names).to.deep.equal([
      'response.created',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = [...text.matchAll(/^data: (.+)$/gm)].map((match) => JSON.parse(match[1] ?? 'null'));
    expect(data[2]).to.deep.equal({ type: 'response.output_text.delta', item_id: 'msg_fixed', content_index: 0, delta: 'a' });
    expect(data[0].response.id).to.equal(data[5].response.id);
    expect(mock.requests[0]?.body).to.deep.equal({ model: 'm', stream: true, input: [] });
  });

  it('answers other paths harmlessly and records them apart from model requests', async () => {
    const models = await fetch(`${mock.url}/models`);
    const other = await fetch(`${mock.url}/files`);

    expect(await models.json()).to.deep.include({ data: [] });
    expect(other.status).to.equal(404);
    expect(mock.requests).to.have.length(0);
    expect(mock.allRequests.map((request) => request.path)).to.deep.equal(['/v1/models', '/v1/files']);
  });

  it('gives queued scripts to matching requests first-come, first-served', async () => {
    mock.enqueueMatching((request) => request.headers['thread-id'] === 'B', response(assistantMessage('for B')));
    mock.enqueue(response(assistantMessage('for anyone')));
    const post = (thread: string): Promise<string> =>
      fetch(`${mock.url}/responses`, { method: 'POST', headers: { 'thread-id': thread }, body: '{}' }).then((reply) =>
        reply.text(),
      );

    expect(await post('A')).to.include('for anyone');
    expect(await post('B')).to.include('for B');
    expect(mock.pendingScripts).to.equal(0);
  });

  it('rejects waitForRequests after its timeout, saying how many requests came', async () => {
    let failure: unknown;
    await mock.waitForRequests(1, 50).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.include('received 0');
  });

  it('cuts a response held at a gate when closed', async () => {
    const hold = gate();
    mock.enqueue(response(deltas(['partial']), hold));
    const reply = await fetch(`${mock.url}/responses`, { method: 'POST', body: '{}' });
    await hold.waitUntilReached();

    await mock.close();

    let failure: unknown;
    await reply.text().catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
    expect(hold.isOpen).to.equal(false);
  });
});
